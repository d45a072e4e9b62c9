import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";
import { formatMoney, formatNumber, formatPercent } from "../../admin/format";
import type { RecoveryMeasurement } from "../../metrics/recovery-lift.server";

// The dashboard's recovery measurement: sent vs held-out conversion, the lift
// with its 95 % interval, what it implies, and the send guard's suppressions.

const REASONS: Record<string, string> = {
  recent_order: "ordered recently",
  buyer_cap: "already messaged today",
  duplicate: "another checkout of the buyer",
};

const points = (value: number) => `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)} points`;

export function RecoveryLiftCard({ measurement, currency }: { measurement: RecoveryMeasurement; currency: string }) {
  const { lift, suppressed } = measurement;
  const group = (label: string, g: RecoveryMeasurement["lift"]["sent"]) => (
    <BlockStack gap="050">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span" variant="headingLg">
        {formatPercent(g.rate)}
      </Text>
      <Text as="span" tone="subdued" variant="bodySm">
        {formatNumber(g.orders)} orders of {formatNumber(g.checkouts)} checkouts
      </Text>
    </BlockStack>
  );
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          What the messages earn
        </Text>
        <InlineGrid columns={2} gap="200">
          {group("Messaged: converted", lift.sent)}
          {group("Held out: converted", lift.heldOut)}
        </InlineGrid>
        <Text as="p">{lift.summary}</Text>
        {lift.verdict !== "too_small" && lift.difference ? (
          <Text as="p" tone="subdued" variant="bodySm">
            Lift {points(lift.difference.estimate)} (95 % interval {points(lift.difference.lower)} to {points(lift.difference.upper)})
            {lift.incrementalOrders ? `; about ${lift.incrementalOrders.estimate.toFixed(1)} extra orders` : ""}
            {lift.incrementalRevenue ? `, ${formatMoney(lift.incrementalRevenue.estimate, currency)} of revenue` : ""}.
          </Text>
        ) : null}
        <Text as="p" tone="subdued" variant="bodySm">
          {suppressed.length === 0
            ? "No message was held back by the send guard."
            : `Not messaged: ${suppressed.map((s) => `${formatNumber(s.count)} ${REASONS[s.reason] ?? s.reason}`).join(", ")}.`}
        </Text>
      </BlockStack>
    </Card>
  );
}
