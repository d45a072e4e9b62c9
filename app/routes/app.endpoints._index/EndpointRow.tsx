import { BlockStack, IndexTable, InlineStack, Link, Text } from "@shopify/polaris";
import { formatShortDateTime, resultLabel, shortTopicLabel } from "../../admin/format";
import { DeliveryStatusBadge, EndpointStatusBadge } from "../../admin/StatusBadge";
import type { EndpointListItem } from "./queries.server";

function LastDelivery({ delivery, timeZone }: { delivery: EndpointListItem["lastDelivery"]; timeZone: string }) {
  if (!delivery) {
    return (
      <Text as="span" tone="subdued">
        Nothing sent yet
      </Text>
    );
  }
  return (
    <BlockStack gap="050">
      <InlineStack gap="200" blockAlign="center">
        <DeliveryStatusBadge status={delivery.status} attemptCount={1} />
        <Text as="span" variant="bodySm">
          {resultLabel(delivery.lastStatusCode, delivery.lastErrorKind)}
        </Text>
      </InlineStack>
      <Text as="span" variant="bodySm" tone="subdued">
        {shortTopicLabel(delivery.topic)} · {formatShortDateTime(delivery.updatedAt, timeZone)}
      </Text>
    </BlockStack>
  );
}

/** One endpoint: its name and preset, status (and why disabled), URL, topics and latest delivery. */
export function EndpointRow({ endpoint, index, timeZone }: { endpoint: EndpointListItem; index: number; timeZone: string }) {
  return (
    <IndexTable.Row id={endpoint.id} position={index}>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Link url={`/app/endpoints/${endpoint.id}`} removeUnderline monochrome>
            <Text as="span" fontWeight="semibold">
              {endpoint.name}
            </Text>
          </Link>
          <Text as="span" variant="bodySm" tone="subdued">
            {endpoint.preset}
          </Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <InlineStack>
            <EndpointStatusBadge status={endpoint.status} />
          </InlineStack>
          {endpoint.status === "disabled" && endpoint.disabledReason ? (
            <Text as="span" variant="bodySm" tone="critical">
              {endpoint.disabledReason}
            </Text>
          ) : null}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" variant="bodySm" tone="subdued">
          {endpoint.method} {endpoint.url.length > 44 ? `${endpoint.url.slice(0, 43)}…` : endpoint.url}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" variant="bodySm">
          {endpoint.topics.map(shortTopicLabel).join(", ")}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <LastDelivery delivery={endpoint.lastDelivery} timeZone={timeZone} />
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}
