import { Text } from "@shopify/polaris";

/** Why the tabs and the dashboard count abandoned checkouts differently. */
export function AbandonedExplained({ everAbandoned }: { everAbandoned: Record<string, number> }) {
  const total = Object.values(everAbandoned).reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const part = (status: string, words: string) => (everAbandoned[status] ? `${everAbandoned[status]} ${words}` : null);
  const parts = [
    part("abandoned", "still without an order"),
    part("recovered", "recovered after the message"),
    part("converted", "bought before a message arrived"),
  ].filter(Boolean);
  return (
    <Text as="p" variant="bodySm" tone="subdued">
      {`${total} ${total === 1 ? "checkout was" : "checkouts were"} abandoned at some point: ${parts.join(", ")}. The dashboard's "Abandoned checkouts" counts all of them, over its date range; the tabs count by status now, over all time.`}
    </Text>
  );
}
