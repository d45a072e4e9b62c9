import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useSubmit } from "@remix-run/react";
import { Badge, BlockStack, Box, Card, IndexTable, InlineStack, Page, Tabs, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { adminContext, parseOrThrow, searchParams } from "../admin/context.server";
import { checkoutQuerySchema, listCheckouts, type MessageSummary } from "../admin/checkouts.server";
import { formatDateTime, formatMoney } from "../admin/format";
import { AdminErrorBoundary, CheckoutStatusBadge, TablePagination } from "../admin/ui";
import { usableTimeZone } from "../metrics/date-range";

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

const SOURCE_LABELS: Record<string, string> = { extension: "checkout block", pixel: "pixel", webhook: "Shopify webhook" };

type PartialCapture = { firstName: string | null; zip: string | null; city: string | null; countryCode: string | null; lineCount: number };

/** A checkout without phone or email: what was captured so far, so a ZIP-only checkout is visible. */
function PartialBuyer({ partial }: { partial: PartialCapture }) {
  const place = [partial.zip ? `ZIP ${partial.zip}` : null, partial.city, partial.countryCode].filter(Boolean).join(", ");
  const known = [
    partial.firstName,
    place || null,
    partial.lineCount > 0 ? `${partial.lineCount} ${partial.lineCount === 1 ? "item" : "items"} in cart` : null,
  ].filter(Boolean);
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued">
        No phone or email yet
      </Text>
      <Text as="span" variant="bodySm" tone="subdued">
        {known.length > 0 ? known.join(" · ") : "nothing else captured"}
      </Text>
    </BlockStack>
  );
}

function AbandonedExplained({ everAbandoned }: { everAbandoned: Record<string, number> }) {
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

function Consent({ label, value }: { label: string; value: boolean | null }) {
  return <Badge tone={value === true ? "success" : undefined}>{`${label} ${value === true ? "yes" : value === false ? "no" : "?"}`}</Badge>;
}

function Message({ message }: { message: MessageSummary | null }) {
  if (!message)
    return (
      <Text as="span" tone="subdued">
        Not sent
      </Text>
    );
  if (message.endpoints === 0)
    return (
      <Text as="span" tone="subdued">
        No endpoint wanted it
      </Text>
    );
  const of = message.endpoints > 1 ? ` (${message.endpoints} endpoints)` : "";
  if (message.delivered > 0) return <Badge tone="success">{`Delivered to ${message.delivered} of ${message.endpoints}`}</Badge>;
  if (message.pending > 0) return <Badge tone="attention">{`Retrying${of}`}</Badge>;
  if (message.failed > 0) return <Badge tone="critical">{`Failed${of}`}</Badge>;
  return <Badge>{`Cancelled${of}`}</Badge>;
}

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
            onSelect={(index) => go(TABS[index]!.id)}
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
              <IndexTable.Row id={String(checkout.id)} key={checkout.id} position={index}>
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <Text as="span" fontWeight="semibold">
                      #{checkout.id}
                    </Text>
                    <Text as="span" variant="bodySm" tone="subdued">
                      {formatDateTime(checkout.createdAt, timeZone)}
                    </Text>
                    <Text as="span" variant="bodySm" tone="subdued">
                      {`via ${checkout.sources.map((source) => SOURCE_LABELS[source] ?? source).join(", ") || "unknown"}`}
                    </Text>
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {checkout.phone || checkout.email ? (
                    <BlockStack gap="050">
                      <Text as="span">{checkout.phone ?? "no phone"}</Text>
                      <Text as="span" variant="bodySm" tone="subdued">
                        {checkout.email ?? "no email"}
                      </Text>
                    </BlockStack>
                  ) : (
                    <PartialBuyer partial={checkout.partial} />
                  )}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {formatMoney(checkout.total, checkout.currency)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <InlineStack gap="100" wrap={false}>
                    <Consent label="WhatsApp" value={checkout.consent.whatsapp} />
                    <Consent label="SMS" value={checkout.consent.sms} />
                    <Consent label="Email" value={checkout.consent.email} />
                  </InlineStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <InlineStack>
                      <CheckoutStatusBadge status={checkout.status} />
                    </InlineStack>
                    {checkout.collapsed ? (
                      <Text as="span" variant="bodySm" tone="subdued">
                        merged into a newer checkout
                      </Text>
                    ) : null}
                    {checkout.recovery.map((note) => (
                      <Text key={note} as="span" variant="bodySm" tone="subdued">
                        {note}
                      </Text>
                    ))}
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Message message={checkout.message} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {checkout.order ? (
                    <BlockStack gap="050">
                      <Text as="span">{checkout.order.name}</Text>
                      <Text as="span" variant="bodySm" tone="subdued">
                        {formatMoney(checkout.order.total, checkout.order.currency)}
                      </Text>
                    </BlockStack>
                  ) : (
                    <Text as="span" tone="subdued">
                      —
                    </Text>
                  )}
                </IndexTable.Cell>
              </IndexTable.Row>
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
