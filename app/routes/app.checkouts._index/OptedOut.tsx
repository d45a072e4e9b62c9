import { Badge, InlineStack, Text } from "@shopify/polaris";
import { formatDateTime } from "../../admin/format";

const OPT_OUT_REASON_LABELS: Record<string, string> = { opt_out: "opted out", stop_reply: "replied STOP" };

/** Why this phone gets no cart message: the BSP that reported the opt-out, and when. */
export function OptedOut({ optedOut, timeZone }: { optedOut: { source: string; reason: string; optedOutAt: string }; timeZone: string }) {
  return (
    <InlineStack gap="100" blockAlign="center">
      <Badge tone="warning">Opted out</Badge>
      <Text as="span" variant="bodySm" tone="subdued">
        {`${OPT_OUT_REASON_LABELS[optedOut.reason] ?? optedOut.reason} via ${optedOut.source}, ${formatDateTime(optedOut.optedOutAt, timeZone)}`}
      </Text>
    </InlineStack>
  );
}
