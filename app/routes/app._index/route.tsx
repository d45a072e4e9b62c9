import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Box, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { adminContext, searchParams } from "../../admin/context.server";
import { BuyersCard } from "./BuyersCard";
import { ChartOnClient } from "./ChartOnClient";
import { DeliveriesCard, FailuresCard } from "./DeliveriesCard";
import { HeadlineMetrics } from "./HeadlineMetrics";
import { Onboarding } from "./Onboarding";
import { dashboardPage } from "./queries.server";
import { RangeFilters } from "./RangeFilters";
import { RecoveryLiftCard } from "./RecoveryLiftCard";
import { WelcomeCard } from "./WelcomeCard";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  return json(await dashboardPage(shop, searchParams(request)));
}

export default function Dashboard() {
  const { metrics, onboarding, endpoints, rangeError, filters, recovery: measurement } = useLoaderData<typeof loader>();
  const endpointName = endpoints.find((endpoint) => endpoint.id === filters.endpoint)?.name;
  const measured = measurement.heldOutShare > 0 || measurement.lift.heldOut.checkouts > 0 || measurement.suppressed.length > 0;
  return (
    <Page title="Dashboard" subtitle="Checkouts captured in the range, what was sent to your BSPs, and what came back as orders.">
      <TitleBar title="Dashboard" />
      <BlockStack gap="500">
        {onboarding.isNewShop ? <WelcomeCard /> : null}
        {!onboarding.complete ? <Onboarding onboarding={onboarding} /> : null}
        <RangeFilters filters={filters} endpoints={endpoints} timeZone={metrics.range.timeZone} />
        {rangeError ? (
          <Banner tone="critical" title="That date range could not be used">
            <p>{rangeError.charAt(0).toUpperCase() + rangeError.slice(1)}. Showing the last 30 days instead.</p>
          </Banner>
        ) : null}
        <HeadlineMetrics metrics={metrics} endpointName={endpointName} />
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
            <BuyersCard checkouts={metrics.checkouts} />
            {measured ? <RecoveryLiftCard measurement={measurement} currency={metrics.recovery.revenue.currency} /> : null}
          </Layout.Section>
        </Layout>
        <Layout>
          <Layout.Section>
            <DeliveriesCard deliveries={metrics.deliveries} endpointName={endpointName} />
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <FailuresCard failures={metrics.deliveries.failuresByReason} />
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
