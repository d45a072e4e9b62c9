import { BlockStack, Card, DataTable, InlineGrid, Text } from "@shopify/polaris";
import { formatDuration, formatNumber } from "../../admin/format";
import { Figure } from "./Metric";
import type { DashboardPage } from "./queries.server";

type Deliveries = DashboardPage["metrics"]["deliveries"];

/** What was sent for the range's checkouts, how fast it reached the BSPs, and what never went. */
export function DeliveriesCard({ deliveries, endpointName }: { deliveries: Deliveries; endpointName: string | undefined }) {
  const notAttempted = Object.entries(deliveries.notAttempted);
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Deliveries{endpointName ? ` to ${endpointName}` : ""}
        </Text>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
          <Figure label="Events sent (cart and recovery)">{formatNumber(deliveries.eventsSent)}</Figure>
          <Figure label="Deliveries succeeded / finished">
            {formatNumber(deliveries.succeeded)} / {formatNumber(deliveries.finished)}
          </Figure>
          <Figure label="To first 2xx, p50">{formatDuration(deliveries.timeToFirstSuccess.p50Ms)}</Figure>
          <Figure label="To first 2xx, p95">{formatDuration(deliveries.timeToFirstSuccess.p95Ms)}</Figure>
        </InlineGrid>
        <Text as="p" variant="bodySm" tone="subdued">
          Events are abandonedCheckout and checkoutRecovered for the checkouts in the range, with at least one attempt (integrationStatus and test events are
          not about a checkout and are not counted). {formatNumber(deliveries.attempted)} deliveries tried (one per event and endpoint),{" "}
          {formatNumber(deliveries.retrying)} still retrying. Time from abandonment to the first 2xx over{" "}
          {formatNumber(deliveries.timeToFirstSuccess.deliveries)} delivered abandoned-checkout events.
          {notAttempted.length > 0
            ? ` Never sent: ${notAttempted.map(([status, count]) => `${count} ${status === "cancelled_converted" ? "ordered first" : status}`).join(", ")}.`
            : ""}
        </Text>
      </BlockStack>
    </Card>
  );
}

/** Every failed attempt of those deliveries, by reason. */
export function FailuresCard({ failures }: { failures: Deliveries["failuresByReason"] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Failed attempts by reason
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          Every attempt that did not get a 2xx, retries included, for the deliveries counted on the left.
        </Text>
        {failures.length === 0 ? (
          <Text as="p" tone="subdued">
            No failed attempts in this range.
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "numeric"]}
            headings={["Reason", "Failed attempts"]}
            rows={failures.map((failure) => [failure.label, formatNumber(failure.attempts)])}
          />
        )}
      </BlockStack>
    </Card>
  );
}
