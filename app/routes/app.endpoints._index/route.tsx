import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, EmptyState, IndexTable, InlineStack, Link, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { adminContext } from "../../admin/context.server";
import { formatShortDateTime, resultLabel, shortTopicLabel } from "../../admin/format";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { DeliveryStatusBadge, EndpointStatusBadge } from "../../admin/StatusBadge";
import { ENDPOINT_PRESETS } from "../../endpoints/endpoint-input";
import { endpointTopics } from "../../events/subscriptions";
import { listEndpoints } from "../../endpoints/endpoint.server";
import { latestDeliveries } from "../../delivery/delivery-log.server";
import { usableTimeZone } from "../../metrics/date-range";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  const endpoints = await listEndpoints(shop.id);
  const latest = await latestDeliveries(
    shop.id,
    endpoints.map((endpoint) => endpoint.id),
  );
  return json({
    timeZone: usableTimeZone(shop.timezone),
    endpoints: endpoints.map((endpoint) => ({
      id: endpoint.id,
      name: endpoint.name,
      preset: ENDPOINT_PRESETS[endpoint.preset as keyof typeof ENDPOINT_PRESETS]?.name ?? endpoint.preset,
      url: endpoint.url,
      method: endpoint.method,
      status: endpoint.status,
      disabledReason: endpoint.disabledReason,
      topics: endpointTopics(endpoint),
      lastDelivery: latest[endpoint.id] ?? null,
    })),
  });
}

export default function Endpoints() {
  const { endpoints, timeZone } = useLoaderData<typeof loader>();
  return (
    <Page
      title="Endpoints"
      subtitle="The WhatsApp BSPs and webhooks that receive your abandoned checkouts."
      primaryAction={{ content: "Add endpoint", url: "/app/endpoints/new" }}
    >
      <TitleBar title="Endpoints" />
      {endpoints.length === 0 ? (
        <Card>
          <EmptyState
            heading="Connect your first BSP"
            action={{ content: "Add endpoint", url: "/app/endpoints/new" }}
            image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
          >
            <p>Paste the webhook URL from Spur, LimeChat, Gupshup, Wati, Interakt, BiteSpeed, AiSensy, Whitespeed or your own HTTPS service.</p>
          </EmptyState>
        </Card>
      ) : (
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "endpoint", plural: "endpoints" }}
            itemCount={endpoints.length}
            selectable={false}
            headings={[{ title: "Name" }, { title: "Status" }, { title: "URL" }, { title: "Topics" }, { title: "Last delivery" }]}
          >
            {endpoints.map((endpoint, index) => (
              <IndexTable.Row id={endpoint.id} key={endpoint.id} position={index}>
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
                  {endpoint.lastDelivery ? (
                    <BlockStack gap="050">
                      <InlineStack gap="200" blockAlign="center">
                        <DeliveryStatusBadge status={endpoint.lastDelivery.status} attemptCount={1} />
                        <Text as="span" variant="bodySm">
                          {resultLabel(endpoint.lastDelivery.lastStatusCode, endpoint.lastDelivery.lastErrorKind)}
                        </Text>
                      </InlineStack>
                      <Text as="span" variant="bodySm" tone="subdued">
                        {shortTopicLabel(endpoint.lastDelivery.topic)} · {formatShortDateTime(endpoint.lastDelivery.updatedAt, timeZone)}
                      </Text>
                    </BlockStack>
                  ) : (
                    <Text as="span" tone="subdued">
                      Nothing sent yet
                    </Text>
                  )}
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      )}
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
