import { BlockStack, Card, Divider, InlineStack, Link, Text } from "@shopify/polaris";
import type { AsSent } from "../../admin/as-sent";
import { formatDateTime, resultLabel, topicLabel } from "../../admin/format";
import { DeliveryStatusBadge } from "../../admin/StatusBadge";
import type { endpointPage } from "./queries.server";

/** The endpoint's last deliveries, each linked to its log entry. */
export function RecentDeliveriesCard({
  endpointId,
  recent,
  timeZone,
}: {
  endpointId: string;
  recent: AsSent<ReturnType<typeof endpointPage>>["recent"];
  timeZone: string;
}) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            Recent deliveries
          </Text>
          <Link url={`/app/deliveries?endpointId=${endpointId}`}>View all</Link>
        </InlineStack>
        {recent.length === 0 ? (
          <Text as="p" tone="subdued">
            Nothing sent yet.
          </Text>
        ) : (
          <BlockStack gap="200">
            {recent.map((delivery, index) => (
              <BlockStack gap="200" key={delivery.id}>
                {index > 0 ? <Divider /> : null}
                <InlineStack align="space-between" blockAlign="center">
                  <Link url={`/app/deliveries/${delivery.id}`} removeUnderline>
                    {topicLabel(delivery.topic)}
                  </Link>
                  <DeliveryStatusBadge status={delivery.status} attemptCount={delivery.attemptCount} />
                </InlineStack>
                <Text as="span" variant="bodySm" tone="subdued">
                  {formatDateTime(delivery.createdAt, timeZone)} · {resultLabel(delivery.lastStatusCode, delivery.lastErrorKind)}
                </Text>
              </BlockStack>
            ))}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
