import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";
import { formatNumber } from "../../admin/format";
import { Figure, RateRow } from "./Metric";
import type { DashboardPage } from "./queries.server";

/** How many buyers could be reached, and on which channels they opted in. */
export function BuyersCard({ checkouts }: { checkouts: DashboardPage["metrics"]["checkouts"] }) {
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Buyers
        </Text>
        <InlineGrid columns={2} gap="200">
          <Figure label="Checkouts captured">{formatNumber(checkouts.captured)}</Figure>
          <Figure label="Abandoned at some point">{formatNumber(checkouts.abandoned)}</Figure>
        </InlineGrid>
        <RateRow label="Reachable (valid phone)" value={checkouts.reachable} noun="abandoned" />
        <RateRow label="Opted in to WhatsApp" value={checkouts.optIn.whatsapp} noun="abandoned with a phone" />
        <RateRow label="Opted in to SMS" value={checkouts.optIn.sms} noun="abandoned with a phone" />
        <RateRow label="Opted in to email" value={checkouts.optIn.email} noun="abandoned with an email" />
      </BlockStack>
    </Card>
  );
}
