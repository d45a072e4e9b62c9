import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useSubmit } from "@remix-run/react";
import { BlockStack, Box, Card, IndexTable, Page, Tabs, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { adminContext, parseOrThrow, searchParams } from "../../admin/context.server";
import { checkoutQuerySchema, listCheckouts } from "./queries.server";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { TablePagination } from "../../admin/TablePagination";
import { usableTimeZone } from "../../metrics/date-range";
import { AbandonedExplained } from "./AbandonedExplained";
import { CheckoutRow } from "./CheckoutRow";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  const query = parseOrThrow(checkoutQuerySchema, searchParams(request));
  return json({ timeZone: usableTimeZone(shop.timezone), query: { status: query.status ?? "", page: query.page }, ...(await listCheckouts(shop.id, query)) });
}

// Each tab counts checkouts by their status now; a checkout moves on from "abandoned" once an order links to it.
const TABS = [
  { id: "", content: "All" },
  { id: "open", content: "Open" },
  { id: "abandoned", content: "Abandoned, no order" },
  { id: "converted", content: "Converted" },
  { id: "recovered", content: "Recovered" },
];

export default function Checkouts() {
  const { checkouts, counts, everAbandoned, query, timeZone, hasNext, hasPrevious } = useLoaderData<typeof loader>();
  const submit = useSubmit();
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const go = (status: string, page = 1) => submit({ ...(status ? { status } : {}), ...(page > 1 ? { page: String(page) } : {}) }, { method: "get" });
  const selected = Math.max(
    0,
    TABS.findIndex((tab) => tab.id === query.status),
  );

  return (
    <Page title="Checkouts" subtitle="Every checkout Cart Relay captured, also those without a phone or email yet. Buyer data is masked.">
      <TitleBar title="Checkouts" />
      <BlockStack gap="500">
        <AbandonedExplained everAbandoned={everAbandoned} />
        <Card padding="0">
          <Tabs
            tabs={TABS.map((tab) => ({ ...tab, content: `${tab.content} (${tab.id ? (counts[tab.id] ?? 0) : total})` }))}
            selected={selected}
            onSelect={(index) => go(TABS[index].id)}
          />
          <IndexTable
            resourceName={{ singular: "checkout", plural: "checkouts" }}
            itemCount={checkouts.length}
            selectable={false}
            emptyState={
              <Box padding="600">
                <BlockStack gap="200" inlineAlign="center">
                  <Text as="p" variant="headingMd">
                    No checkouts {query.status ? `are ${query.status}` : "captured yet"}
                  </Text>
                  <Text as="p" tone="subdued">
                    Checkouts appear as soon as a buyer types a phone or email in checkout, through the checkout block, the pixel or Shopify's checkout
                    webhooks.
                  </Text>
                </BlockStack>
              </Box>
            }
            headings={[
              { title: "Checkout" },
              { title: "Buyer" },
              { title: "Cart value", alignment: "end" },
              { title: "Consent" },
              { title: "Status" },
              { title: "Message" },
              { title: "Order" },
            ]}
          >
            {checkouts.map((checkout, index) => (
              <CheckoutRow key={checkout.id} checkout={checkout} index={index} timeZone={timeZone} />
            ))}
          </IndexTable>
          <TablePagination page={query.page} hasPrevious={hasPrevious} hasNext={hasNext} onPage={(page) => go(query.status, page)} />
        </Card>
        <Box paddingBlockEnd="800" />
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
