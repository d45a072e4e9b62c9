import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Card, Checkbox, Layout, List, Text } from "@shopify/polaris";
import { OnOffHeading } from "../../admin/OnOffHeading";
import { useLoadOnce } from "../../admin/use-load-once";
import type { SettingsSection } from "./settings-form";
import type { ConsentSyncState } from "../../consent/consent-sync.server";

// Settings: WhatsApp consent written to Shopify's customers and read back
// (issue 19). Loads and saves through its own route; asks for the two
// optional scopes only when the merchant turns it on.

const ROUTE = "/app/consent-sync";
const SCOPES = ["write_customers", "read_customers"];

async function requestCustomerScopes(): Promise<boolean> {
  const scopes = (window as { shopify?: { scopes?: { request(scopes: string[]): Promise<{ result: string }> } } }).shopify?.scopes;
  if (!scopes) return true;
  return (await scopes.request(SCOPES)).result === "granted-all";
}

const STATUS_WORDS: Record<string, string> = {
  done: "written or read",
  pending: "waiting",
  failed: "failed",
  scope_missing: "waiting for the scope",
  disabled: "stopped while off",
};

function ConsentSyncSection() {
  const state = useLoadOnce<ConsentSyncState>(ROUTE);
  const save = useFetcher<ConsentSyncState>();
  const [refused, setRefused] = useState(false);
  const current = save.data ?? state.data;
  const enabled = current?.enabled ?? false;
  const change = async (checked: boolean) => {
    if (checked && !(current?.granted.write && current?.granted.read)) {
      const granted = await requestCustomerScopes();
      setRefused(!granted);
      if (!granted) return;
    }
    save.submit({ enabled: checked }, { method: "post", action: ROUTE, encType: "application/json" });
  };
  const counts = Object.entries(current?.counts ?? {});
  return (
    <Layout.AnnotatedSection
      title="WhatsApp consent in Shopify"
      description="Off by default. When on, a buyer who ticked the WhatsApp box and is or becomes your customer gets that consent on their Shopify customer profile, with when it was collected; a buyer who opted in through Shopify counts as opted in here; an opt-out a BSP reports unsubscribes them in Shopify too."
    >
      <Card>
        <BlockStack gap="300">
          <OnOffHeading label="Consent sync" on={enabled} />
          <Checkbox
            label="Write WhatsApp consent to Shopify customers and read it back"
            helpText="Turning this on asks you to let Cart Relay read and edit customers (read_customers, write_customers). Cart Relay keeps the exact opt-in text and language the buyer saw as evidence."
            checked={enabled}
            disabled={!current || save.state !== "idle"}
            onChange={(checked) => void change(checked)}
          />
          {refused ? (
            <Banner tone="warning" title="Cart Relay may not edit customers">
              <p>Consent sync stays off until you allow it.</p>
            </Banner>
          ) : null}
          {counts.length > 0 ? (
            <Text as="p" tone="subdued">
              {counts.map(([status, count]) => `${count} ${STATUS_WORDS[status] ?? status}`).join(", ")}
            </Text>
          ) : null}
          {current?.problems.length ? (
            <Banner tone="warning" title="What Shopify answered">
              <List>
                {current.problems.map((problem) => (
                  <List.Item key={problem.id}>
                    {problem.operation === "write" ? `Write ${problem.state}` : "Read-back"}: {problem.status}. {problem.lastError}
                  </List.Item>
                ))}
              </List>
            </Banner>
          ) : null}
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}

export const consentSyncSection: SettingsSection = { id: "consent-sync", labels: {}, Component: ConsentSyncSection };
