import { useEffect, useRef } from "react";
import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Card, Checkbox, InlineStack, Layout, Link, Text } from "@shopify/polaris";
import type { FlowTriggersState } from "./flow-destination.server";
import { FLOW_TRIGGERS } from "./flow-triggers";

const ROUTE = "/app/flow-triggers";

/** Settings: Shopify Flow triggers on or off; loads and saves through its own route. */
export function FlowTriggersCard() {
  const state = useFetcher<FlowTriggersState>();
  const save = useFetcher<FlowTriggersState>();
  const requested = useRef(false);
  useEffect(() => {
    if (requested.current) return;
    requested.current = true;
    state.load(ROUTE);
  }, [state]);
  const enabled = save.data?.enabled ?? state.data?.enabled ?? false;
  return (
    <Layout.AnnotatedSection
      title="Shopify Flow"
      description="Start your own Flow workflows when Cart Relay sends a checkout as abandoned or links an order to it, delivered and retried like an endpoint."
    >
      <Card>
        <BlockStack gap="300">
          <InlineStack gap="200" blockAlign="center">
            <Text as="span" fontWeight="semibold">
              Flow triggers
            </Text>
            <Badge tone={enabled ? "success" : undefined}>{enabled ? "On" : "Off"}</Badge>
          </InlineStack>
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
