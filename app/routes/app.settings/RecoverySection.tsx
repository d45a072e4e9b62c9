import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Select, Text, TextField } from "@shopify/polaris";
import { jsonTarget } from "../../admin/json-submit";
import { showToast } from "../../admin/toast";
import { useDraft } from "../../admin/use-draft";
import type { RecoverySave, RecoverySettingsForm } from "../../recovery/recovery-settings.server";

// Settings: recovery codes, the holdout and the send guard (issue 17), a
// section with its own save, posted to the page's action as intent "recovery".

type NumberSetting =
  "recoveryCodeValue" | "recoveryCodeMinimumSubtotal" | "recoveryCodeValidityHours" | "holdoutPercent" | "recentOrderDays" | "buyerCapPerDay";

const DISCOUNTS_SCOPE = "write_discounts";

/** App Bridge's optional-scope request: the merchant grants write_discounts only when turning codes on. */
async function requestDiscountScope(): Promise<boolean> {
  const scopes = (window as { shopify?: { scopes?: { request(scopes: string[]): Promise<{ result: string }> } } }).shopify?.scopes;
  if (!scopes) return true;
  const answer = await scopes.request([DISCOUNTS_SCOPE]);
  return answer.result === "granted-all";
}

export function RecoverySettings({ saved, discountsGranted }: { saved: RecoverySettingsForm; discountsGranted: boolean }) {
  const fetcher = useFetcher<RecoverySave>();
  const [form, setForm] = useDraft(saved);
  const [scopeRefused, setScopeRefused] = useState(false);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) showToast("Recovery settings saved");
  }, [fetcher.state, fetcher.data]);
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};
  const set = <K extends keyof RecoverySettingsForm>(key: K, value: RecoverySettingsForm[K]) => setForm({ ...form, [key]: value });
  const dirty = JSON.stringify(form) !== JSON.stringify(saved);

  const submit = async () => {
    if (form.recoveryCodesEnabled && !saved.recoveryCodesEnabled && !discountsGranted) {
      const granted = await requestDiscountScope();
      setScopeRefused(!granted);
      if (!granted) return;
    }
    fetcher.submit(jsonTarget({ intent: "recovery", values: form }), { method: "post", encType: "application/json" });
  };
  const percentage = form.recoveryCodeType === "percentage";
  /** A number typed as text, with its inline error from the last refused save. */
  const numberField = (name: NumberSetting, label: string, more: { suffix?: string; helpText?: string } = {}) => (
    <TextField label={label} autoComplete="off" value={form[name]} onChange={(v) => set(name, v)} error={errors[name]} {...more} />
  );

  return (
    <>
      <Layout.AnnotatedSection
        title="Recovery codes"
        description="Off by default. When on, every abandoned checkout gets its own single-use discount code, made in your Shopify discounts before the message goes out. The message shows it and its link applies it; an order that uses it counts as recovered. Codes end when the checkout converts, when they run out, or when the buyer's data is erased."
      >
        <Card>
          <FormLayout>
            <Checkbox
              label="Give each abandoned checkout a unique discount code"
              helpText="Turning this on asks you to let Cart Relay create discounts (write_discounts). If Shopify cannot make a code, the message goes out without one and the checkout says why."
              checked={form.recoveryCodesEnabled}
              onChange={(v) => set("recoveryCodesEnabled", v)}
            />
            {scopeRefused ? (
              <Banner tone="warning" title="Cart Relay may not create discounts">
                <p>Codes stay off until you allow it.</p>
              </Banner>
            ) : null}
            <FormLayout.Group>
              <Select
                label="Discount"
                options={[
                  { label: "Percentage off", value: "percentage" },
                  { label: "Fixed amount off", value: "fixed_amount" },
                ]}
                value={form.recoveryCodeType}
                onChange={(v) => set("recoveryCodeType", v as RecoverySettingsForm["recoveryCodeType"])}
              />
              {numberField("recoveryCodeValue", percentage ? "Percent off" : "Amount off", { suffix: percentage ? "%" : undefined })}
            </FormLayout.Group>
            <FormLayout.Group>
              {numberField("recoveryCodeMinimumSubtotal", "Minimum subtotal", { helpText: "Leave empty for none." })}
              {numberField("recoveryCodeValidityHours", "Valid for", { suffix: "hours" })}
            </FormLayout.Group>
            <Text as="p" variant="bodySm" tone="subdued">
              Each code works once. It can be combined with:
            </Text>
            <InlineStack gap="400">
              <Checkbox label="order discounts" checked={form.recoveryCodeCombinesOrder} onChange={(v) => set("recoveryCodeCombinesOrder", v)} />
              <Checkbox label="product discounts" checked={form.recoveryCodeCombinesProduct} onChange={(v) => set("recoveryCodeCombinesProduct", v)} />
              <Checkbox label="shipping discounts" checked={form.recoveryCodeCombinesShipping} onChange={(v) => set("recoveryCodeCombinesShipping", v)} />
            </InlineStack>
          </FormLayout>
        </Card>
      </Layout.AnnotatedSection>
      <Layout.AnnotatedSection
        title="Measure what messages earn"
        description="Hold back a share of abandoned checkouts: they get no message at all. Comparing how often they still turn into orders with the checkouts that were messaged shows the orders and revenue the messages really add (the dashboard's lift, with its uncertainty)."
      >
        <Card>
          {numberField("holdoutPercent", "Hold back", {
            suffix: "% of abandoned checkouts",
            helpText: "0 to 50. 0 sends every message. Which checkouts are held back is fixed per checkout, so raising the share only adds to the group.",
          })}
        </Card>
      </Layout.AnnotatedSection>
      <Layout.AnnotatedSection
        title="Respect the buyer"
        description="Keep messages away from buyers who already bought, from buyers who were just messaged, and from buyers' nights."
      >
        <Card>
          <BlockStack gap="300">
            {numberField("recentOrderDays", "Skip buyers who ordered in the last", {
              suffix: "days",
              helpText: "Any order with the same phone or email, from any checkout. 0 turns this off.",
            })}
            {numberField("buyerCapPerDay", "At most this many abandoned-cart messages per buyer per 24 hours", {
              helpText: "Across all of the buyer's checkouts. 0 turns the limit off.",
            })}
            <Checkbox
              label="Quiet hours follow the buyer's local time"
              helpText="Each endpoint's quiet hours are read on the buyer's clock: the time zone of the shipping address, else of the phone number's country, else the shop's."
              checked={form.quietHoursFollowBuyer}
              onChange={(v) => set("quietHoursFollowBuyer", v)}
            />
            {fetcher.data && !fetcher.data.ok ? (
              <Banner tone="critical" title="The recovery settings were not saved">
                <p>{fetcher.data.error}</p>
              </Banner>
            ) : null}
            <InlineStack align="end">
              <Button onClick={() => void submit()} loading={fetcher.state !== "idle"} disabled={!dirty}>
                Save recovery settings
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      </Layout.AnnotatedSection>
    </>
  );
}
