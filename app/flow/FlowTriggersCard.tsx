import { useFetcher } from "@remix-run/react";
import { BlockStack, Card, Checkbox, Layout, Link } from "@shopify/polaris";
import { OnOffHeading } from "../admin/OnOffHeading";
import { useLoadOnce } from "../admin/use-load-once";
import type { FlowTriggersState } from "./flow-destination.server";
import { FLOW_TRIGGERS } from "./flow-triggers";

const ROUTE = "/app/flow-triggers";

/** Settings: Shopify Flow triggers on or off; loads and saves through its own route. */
export function FlowTriggersCard() {
  const state = useLoadOnce<FlowTriggersState>(ROUTE);
  const save = useFetcher<FlowTriggersState>();
  const enabled = save.data?.enabled ?? state.data?.enabled ?? false;
  return (
    <Layout.AnnotatedSection
      title="Shopify Flow"
      description="Start your own Flow workflows when Cart Relay sends a checkout as abandoned or links an order to it, delivered and retried like an endpoint."
    >
      <Card>
        <BlockStack gap="300">
          <OnOffHeading label="Flow triggers" on={enabled} />
          <Checkbox
            label={`Send "${FLOW_TRIGGERS.abandonedCheckout.name}" and "${FLOW_TRIGGERS.checkoutRecovered.name}" to Shopify Flow`}
            helpText="Each trigger appears in the delivery log as the Shopify Flow destination, with Shopify's answer."
            checked={enabled}
            disabled={!state.data || save.state !== "idle"}
            onChange={(checked) => save.submit({ enabled: checked }, { method: "post", action: ROUTE, encType: "application/json" })}
          />
          {state.data?.endpointId ? <Link url={`/app/endpoints/${state.data.endpointId}`}>Flow deliveries</Link> : null}
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}
