import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, DataTable, EmptyState, InlineGrid, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { adminContext, searchParams } from "../../admin/context.server";
import { formatDuration, formatMoney, formatNumber, formatPercent } from "../../admin/format";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { useDraft } from "../../admin/use-draft";
import { RANGE_PRESETS } from "../../metrics/date-range";
import { ChartOnClient } from "./ChartOnClient";
import { Metric, RateRow, rateText } from "./Metric";
import { Onboarding } from "./Onboarding";
import { RecoveryLiftCard } from "./RecoveryLiftCard";
import { dashboardPage } from "./queries.server";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  return json(await dashboardPage(shop, searchParams(request)));
}

export default function Dashboard() {
  const { metrics, onboarding, endpoints, rangeError, filters, recovery: measurement } = useLoaderData<typeof loader>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [custom, setCustom] = useDraft({ from: filters.from, to: filters.to });

  const apply = (next: Partial<typeof filters>) => {
    const merged = { ...filters, ...next };
    const query: Record<string, string> = { range: merged.range };
    if (merged.range === "custom") Object.assign(query, { from: merged.from, to: merged.to });
    if (merged.endpoint) query.endpoint = merged.endpoint;
    submit(query, { method: "get", replace: true });
  };

  const { checkouts, deliveries, recovery } = metrics;
  const endpointName = endpoints.find((endpoint) => endpoint.id === filters.endpoint)?.name;
  const failures = deliveries.failuresByReason;
  const notAttempted = Object.entries(deliveries.notAttempted);

  return (
    <Page title="Dashboard" subtitle="Checkouts captured in the range, what was sent to your BSPs, and what came back as orders.">
      <TitleBar title="Dashboard" />
      <BlockStack gap="500">
        {onboarding.isNewShop ? (
          <Card>
            <EmptyState
              heading="Recover abandoned checkouts on WhatsApp"
              action={{ content: "Connect a BSP", url: "/app/endpoints/new" }}
              secondaryAction={{ content: "Settings", url: "/app/settings" }}
              image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
            >
              <p>
                Cart Relay captures what buyers type into checkout, notices when they leave without ordering, and sends a signed abandonedCheckout event to
                Spur, LimeChat, Gupshup, Wati, Interakt, BiteSpeed, AiSensy, Whitespeed or any HTTPS endpoint.
              </p>
            </EmptyState>
          </Card>
        ) : null}

        {!onboarding.complete ? <Onboarding onboarding={onboarding} /> : null}

        <Card>
          <InlineStack gap="400" blockAlign="end" wrap>
            <Box minWidth="200px">
              <Select
                label="Date range"
                options={Object.entries(RANGE_PRESETS).map(([value, preset]) => ({ label: preset.label, value }))}
                value={filters.range}
                onChange={(range) => apply({ range, from: custom.from, to: custom.to })}
              />
            </Box>
            {filters.range === "custom" ? (
              <>
                <TextField label="From" type="date" value={custom.from} onChange={(from) => setCustom({ ...custom, from })} autoComplete="off" />
                <TextField label="To" type="date" value={custom.to} onChange={(to) => setCustom({ ...custom, to })} autoComplete="off" />
                <Button onClick={() => apply({ from: custom.from, to: custom.to })}>Apply</Button>
              </>
            ) : null}
            <Box minWidth="220px">
              <Select
                label="Endpoint"
                options={[{ label: "All endpoints", value: "" }, ...endpoints.map((endpoint) => ({ label: endpoint.name, value: endpoint.id }))]}
                value={filters.endpoint}
                onChange={(endpoint) => apply({ endpoint })}
              />
            </Box>
            <Text as="span" tone="subdued" variant="bodySm">
              {navigation.state === "loading" ? "Updating…" : `${filters.from} to ${filters.to} (${metrics.range.timeZone})`}
            </Text>
          </InlineStack>
        </Card>

        {rangeError ? (
          <Banner tone="critical" title="That date range could not be used">
            <p>{rangeError.charAt(0).toUpperCase() + rangeError.slice(1)}. Showing the last 30 days instead.</p>
          </Banner>
        ) : null}

        <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="400">
          <Metric
            title="Recovered revenue"
            value={formatMoney(recovery.revenue.amount, recovery.revenue.currency)}
            detail={`${recovery.revenue.orders} recovered ${recovery.revenue.orders === 1 ? "order" : "orders"}${
              recovery.otherCurrencies.length > 0
                ? `; plus ${recovery.otherCurrencies.map((c) => formatMoney(c.amount, c.currency)).join(", ")} in other currencies`
                : ""
            }`}
          />
          <Metric
            title="Recovery rate"
            value={formatPercent(recovery.rate.rate)}
            detail={rateText(recovery.rate, endpointName ? `abandoned checkouts sent to ${endpointName}` : "abandoned checkouts")}
          />
          <Metric
            title="Abandoned checkouts"
            value={formatNumber(checkouts.abandoned)}
            detail={
              checkouts.captured === 0
                ? "No checkouts captured yet"
                : `${formatPercent(checkouts.abandonmentRate.rate)} of ${formatNumber(checkouts.captured)} captured`
            }
          />
          <Metric
            title="Delivery success"
            value={formatPercent(deliveries.successRate.rate)}
            detail={rateText(deliveries.successRate, "finished deliveries")}
          />
        </InlineGrid>

        <Layout>
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    Checkouts by day
                  </Text>
                  <Text as="span" tone="subdued" variant="bodySm">
                    by capture day
                  </Text>
                </InlineStack>
                <ChartOnClient points={metrics.daily} />
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">
                  Buyers
                </Text>
                <InlineGrid columns={2} gap="200">
                  <BlockStack gap="050">
                    <Text as="span" tone="subdued" variant="bodySm">
                      Checkouts captured
                    </Text>
                    <Text as="span" variant="headingLg">
                      {formatNumber(checkouts.captured)}
                    </Text>
                  </BlockStack>
                  <BlockStack gap="050">
                    <Text as="span" tone="subdued" variant="bodySm">
                      Abandoned at some point
                    </Text>
                    <Text as="span" variant="headingLg">
                      {formatNumber(checkouts.abandoned)}
                    </Text>
                  </BlockStack>
                </InlineGrid>
                <RateRow label="Reachable (valid phone)" value={checkouts.reachable} noun="abandoned" />
                <RateRow label="Opted in to WhatsApp" value={checkouts.optIn.whatsapp} noun="abandoned with a phone" />
                <RateRow label="Opted in to SMS" value={checkouts.optIn.sms} noun="abandoned with a phone" />
                <RateRow label="Opted in to email" value={checkouts.optIn.email} noun="abandoned with an email" />
              </BlockStack>
            </Card>
            {measurement.heldOutShare > 0 || measurement.lift.heldOut.checkouts > 0 || measurement.suppressed.length > 0 ? (
              <RecoveryLiftCard measurement={measurement} currency={metrics.recovery.revenue.currency} />
            ) : null}
          </Layout.Section>
        </Layout>

        <Layout>
          <Layout.Section>
            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">
                  Deliveries{endpointName ? ` to ${endpointName}` : ""}
                </Text>
                <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
                  <BlockStack gap="050">
                    <Text as="span" tone="subdued" variant="bodySm">
                      Events sent (cart and recovery)
                    </Text>
                    <Text as="span" variant="headingLg">
                      {formatNumber(deliveries.eventsSent)}
                    </Text>
                  </BlockStack>
                  <BlockStack gap="050">
                    <Text as="span" tone="subdued" variant="bodySm">
                      Deliveries succeeded / finished
                    </Text>
                    <Text as="span" variant="headingLg">
                      {formatNumber(deliveries.succeeded)} / {formatNumber(deliveries.finished)}
                    </Text>
                  </BlockStack>
                  <BlockStack gap="050">
                    <Text as="span" tone="subdued" variant="bodySm">
                      To first 2xx, p50
                    </Text>
                    <Text as="span" variant="headingLg">
                      {formatDuration(deliveries.timeToFirstSuccess.p50Ms)}
                    </Text>
                  </BlockStack>
                  <BlockStack gap="050">
                    <Text as="span" tone="subdued" variant="bodySm">
                      To first 2xx, p95
                    </Text>
                    <Text as="span" variant="headingLg">
                      {formatDuration(deliveries.timeToFirstSuccess.p95Ms)}
                    </Text>
                  </BlockStack>
                </InlineGrid>
                <Text as="p" variant="bodySm" tone="subdued">
                  Events are abandonedCheckout and checkoutRecovered for the checkouts in the range, with at least one attempt (integrationStatus and test
                  events are not about a checkout and are not counted). {formatNumber(deliveries.attempted)} deliveries tried (one per event and endpoint),{" "}
                  {formatNumber(deliveries.retrying)} still retrying. Time from abandonment to the first 2xx over{" "}
                  {formatNumber(deliveries.timeToFirstSuccess.deliveries)} delivered abandoned-checkout events.
                  {notAttempted.length > 0
                    ? ` Never sent: ${notAttempted.map(([status, count]) => `${count} ${status === "cancelled_converted" ? "ordered first" : status}`).join(", ")}.`
                    : ""}
                </Text>
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section variant="oneThird">
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
          </Layout.Section>
        </Layout>

        <Box paddingBlockEnd="800">
          <Text as="p" variant="bodySm" tone="subdued" alignment="center">
            Every number counts stored rows for the checkouts captured from {filters.from} to {filters.to}, followed to today. Abandoned counts every checkout
            that was abandoned, also those that later got an order (so it is more than the Checkouts page's "Abandoned, no order" tab). Recovered means an order
            linked to the checkout after its event reached a BSP; converted, one that came before.
          </Text>
        </Box>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
