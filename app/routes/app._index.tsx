import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { checkoutCountsByStatus } from "../models/checkout.server";

const STATUSES = [
  ["open", "Open"],
  ["abandoned", "Abandoned"],
  ["converted", "Converted"],
  ["recovered", "Recovered"],
] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  return json({ counts: await checkoutCountsByStatus(session.shop) });
}

export default function Dashboard() {
  const { counts } = useLoaderData<typeof loader>();
  return (
    <Page title="Cart Relay">
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
            {STATUSES.map(([status, label]) => (
              <Card key={status}>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingSm">{label} checkouts</Text>
                  <Text as="p" variant="heading2xl">{counts[status] ?? 0}</Text>
                </BlockStack>
              </Card>
            ))}
          </InlineGrid>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
