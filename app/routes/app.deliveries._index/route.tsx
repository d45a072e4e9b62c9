import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useSubmit } from "@remix-run/react";
import { Badge, BlockStack, Box, Card, IndexTable, InlineStack, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { adminContext, parseOrThrow, readJsonBody, searchParams } from "../../admin/context.server";
import { TablePagination } from "../../admin/TablePagination";
import { DeliveryFilters } from "./DeliveryFilters";
import { DeliveryRow } from "./DeliveryRow";
import { deliveryLog, resend, resendBody } from "./queries.server";
import { ResendFailedCard } from "./ResendFailedCard";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  return json(await deliveryLog(shop, searchParams(request)));
}

export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await adminContext(request);
  const answer = await resend(shop, parseOrThrow(resendBody, await readJsonBody(request)));
  return json(answer, { status: answer.ok ? 200 : 400 });
}

export default function Deliveries() {
  const { deliveries, filters, endpoints, timeZone, hasNext, hasPrevious, sinceDefault } = useLoaderData<typeof loader>();
  const submit = useSubmit();

  const apply = (next: Partial<typeof filters>) => {
    const merged = { ...filters, page: 1, ...next };
    const query = Object.fromEntries(
      Object.entries(merged)
        .filter(([key, value]) => value !== "" && !(key === "page" && value === 1))
        .map(([k, v]) => [k, String(v)]),
    );
    submit(query, { method: "get" });
  };

  return (
    <Page title="Deliveries" subtitle="Every event sent to your endpoints, each attempt with what was sent and what came back.">
      <TitleBar title="Deliveries" />
      <BlockStack gap="500">
        <DeliveryFilters filters={filters} endpoints={endpoints} apply={apply} />

        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "delivery", plural: "deliveries" }}
            itemCount={deliveries.length}
            selectable={false}
            emptyState={
              <Box padding="600">
                <BlockStack gap="200" inlineAlign="center">
                  <Text as="p" variant="headingMd">
                    No deliveries match
                  </Text>
                  <Text as="p" tone="subdued">
                    Deliveries appear here as soon as an event is sent to an endpoint. Send a test from an endpoint's page to see one.
                  </Text>
                </BlockStack>
              </Box>
            }
            headings={[
              { title: "Created" },
              { title: "Endpoint" },
              { title: "Topic" },
              { title: "Status" },
              { title: "Attempts", alignment: "end" },
              { title: "Last answer" },
              { title: "Next attempt" },
              { title: "" },
            ]}
          >
            {deliveries.map((delivery, index) => (
              <DeliveryRow key={delivery.id} delivery={delivery} index={index} timeZone={timeZone} />
            ))}
          </IndexTable>
          <TablePagination page={filters.page} hasPrevious={hasPrevious} hasNext={hasNext} onPage={(page) => apply({ page })} />
        </Card>

        <ResendFailedCard endpoints={endpoints} endpointId={filters.endpointId} sinceDefault={sinceDefault} timeZone={timeZone} />
        <Box paddingBlockEnd="800">
          <InlineStack gap="200" align="center">
            <Badge>Buyer phone numbers and emails are masked everywhere in the admin</Badge>
          </InlineStack>
        </Box>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
