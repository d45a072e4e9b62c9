import { BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { formatDateTime } from "../../admin/format";
import { SecretReveal } from "../../admin/SecretReveal";
import { useEndpointIntent } from "./use-endpoint-intent";

/** Rotating the secret, and until when the previous one still signs alongside. */
export function SigningSecretCard({ previousSecretExpiresAt, timeZone }: { previousSecretExpiresAt: string | null; timeZone: string }) {
  const rotate = useEndpointIntent();
  const secret = rotate.data && "secret" in rotate.data ? rotate.data.secret : null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Signing secret
          </Text>
          <Button onClick={() => rotate.run({ intent: "rotate" })} loading={rotate.busy}>
            Rotate secret
          </Button>
        </InlineStack>
        <Text as="p" tone="subdued">
          The secret was shown once, when this endpoint was created. Rotating makes a new one; the old one keeps signing alongside it
          (x-webhook-signature-previous) for 24 hours so you can update your BSP without losing events.
        </Text>
        {previousSecretExpiresAt && !secret ? (
          <Text as="p" tone="caution">
            The previous secret is still sent until {formatDateTime(previousSecretExpiresAt, timeZone)}.
          </Text>
        ) : null}
        {secret ? <SecretReveal secret={secret} label="New signing secret" /> : null}
      </BlockStack>
    </Card>
  );
}
