import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Card, EmptyState, IndexTable, Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { adminContext } from "../../admin/context.server";
import { EndpointRow } from "./EndpointRow";
import { endpointsPage } from "./queries.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  return json(await endpointsPage(shop));
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
              <EndpointRow key={endpoint.id} endpoint={endpoint} index={index} timeZone={timeZone} />
            ))}
          </IndexTable>
        </Card>
      )}
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
