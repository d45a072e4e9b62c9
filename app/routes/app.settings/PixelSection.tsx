import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, InlineStack, Text } from "@shopify/polaris";
import { postJson } from "../../admin/json-submit";
import { pixelErrorTitle } from "../../admin/pixel-errors";
import { useDoneToast } from "../../admin/use-done-toast";
import { SettingField } from "./SettingField";
import { SettingsCard } from "./SettingsCard";
import type { PixelAnswer, PixelIntent, SettingsSection, SettingsSectionProps } from "./settings-form";

const LABELS = { allowUntrustedEvents: "Pixel-only checkouts" } as const;

/** One call to Shopify about the pixel, answered beside the buttons. */
function usePixelIntent(intent: PixelIntent, doneMessage: string) {
  const fetcher = useFetcher<PixelAnswer>();
  useDoneToast(fetcher, doneMessage);
  return { answer: fetcher.data, busy: fetcher.state !== "idle", run: () => postJson(fetcher, { intent }) };
}

function PixelSection({ draft, page: { pixel } }: SettingsSectionProps) {
  const activate = usePixelIntent("activatePixel", "Checkout pixel active");
  const rotate = usePixelIntent("rotatePixelKey", "Pixel key rotated");
  return (
    <SettingsCard
      title="Checkout pixel"
      description="The web pixel captures checkouts on every Shopify plan. Its data is less trusted: it fills gaps in what the checkout block and Shopify's webhooks report."
    >
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <InlineStack gap="200" blockAlign="center">
            <Text as="span" fontWeight="semibold">
              Pixel
            </Text>
            <Badge tone={pixel.active ? "success" : "attention"}>{pixel.active ? "Registered with Shopify" : "Not registered with Shopify"}</Badge>
          </InlineStack>
          <InlineStack gap="200">
            {pixel.active ? (
              <Button variant="tertiary" onClick={rotate.run} loading={rotate.busy}>
                Rotate key
              </Button>
            ) : null}
            <Button onClick={activate.run} loading={activate.busy}>
              {pixel.active ? "Reconnect pixel" : "Activate pixel"}
            </Button>
          </InlineStack>
        </InlineStack>
        {[activate.answer, rotate.answer].map((answer, i) =>
          answer && !answer.ok ? (
            <Banner key={i} tone="critical" title={pixelErrorTitle(answer.errorKind, answer.intent)}>
              <p>{answer.error}</p>
            </Banner>
          ) : null,
        )}
        <SettingField
          draft={draft}
          name="allowUntrustedEvents"
          label="Send events for checkouts seen only by the pixel"
          helpText="Off by default: the pixel's key is public, so its data alone could be forged. Turn on for stores without the checkout block."
        />
      </BlockStack>
    </SettingsCard>
  );
}

export const pixelSection: SettingsSection = { id: "pixel", labels: LABELS, Component: PixelSection };
