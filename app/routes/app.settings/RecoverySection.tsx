import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Text } from "@shopify/polaris";
import { FormSelect, type FormDraft } from "../../admin/FormField";
import { jsonTarget } from "../../admin/json-submit";
import { showToast } from "../../admin/toast";
import { useDraft } from "../../admin/use-draft";
import type { RecoverySave, RecoverySettingsForm } from "./recovery-settings.server";
import { SettingField } from "./SettingField";

// Settings: recovery codes, the holdout and the send guard (issue 17), a
// section with its own save, posted to the page's action as intent "recovery".

const DISCOUNTS_SCOPE = "write_discounts";

const DISCOUNT_TYPES = [
  { label: "Percentage off", value: "percentage" },
  { label: "Fixed amount off", value: "fixed_amount" },
];

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
  const draft: FormDraft<RecoverySettingsForm> = { form, errors, set: (name, value) => setForm({ ...form, [name]: value }) };
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

  return (
    <>
      <Layout.AnnotatedSection
        title="Recovery codes"
        description="Off by default. When on, every abandoned checkout gets its own single-use discount code, made in your Shopify discounts before the message goes out. The message shows it and its link applies it; an order that uses it counts as recovered. Codes end when the checkout converts, when they run out, or when the buyer's data is erased."
      >
        <Card>
          <FormLayout>
            <SettingField
              draft={draft}
              name="recoveryCodesEnabled"
              label="Give each abandoned checkout a unique discount code"
              helpText="Turning this on asks you to let Cart Relay create discounts (write_discounts). If Shopify cannot make a code, the message goes out without one and the checkout says why."
            />
            {scopeRefused ? (
              <Banner tone="warning" title="Cart Relay may not create discounts">
                <p>Codes stay off until you allow it.</p>
              </Banner>
            ) : null}
            <FormLayout.Group>
              <FormSelect draft={draft} name="recoveryCodeType" label="Discount" options={DISCOUNT_TYPES} />
              <SettingField draft={draft} name="recoveryCodeValue" label={percentage ? "Percent off" : "Amount off"} suffix={percentage ? "%" : undefined} />
            </FormLayout.Group>
            <FormLayout.Group>
              <SettingField draft={draft} name="recoveryCodeMinimumSubtotal" label="Minimum subtotal" helpText="Leave empty for none." />
              <SettingField draft={draft} name="recoveryCodeValidityHours" label="Valid for" suffix="hours" />
            </FormLayout.Group>
            <Text as="p" variant="bodySm" tone="subdued">
              Each code works once. It can be combined with:
            </Text>
            <InlineStack gap="400">
              <SettingField draft={draft} name="recoveryCodeCombinesOrder" label="order discounts" />
              <SettingField draft={draft} name="recoveryCodeCombinesProduct" label="product discounts" />
              <SettingField draft={draft} name="recoveryCodeCombinesShipping" label="shipping discounts" />
            </InlineStack>
          </FormLayout>
        </Card>
      </Layout.AnnotatedSection>
      <Layout.AnnotatedSection
        title="Measure what messages earn"
        description="Hold back a share of abandoned checkouts: they get no message at all. Comparing how often they still turn into orders with the checkouts that were messaged shows the orders and revenue the messages really add (the dashboard's lift, with its uncertainty)."
      >
        <Card>
          <SettingField
            draft={draft}
            name="holdoutPercent"
            label="Hold back"
            suffix="% of abandoned checkouts"
            helpText="0 to 50. 0 sends every message. Which checkouts are held back is fixed per checkout, so raising the share only adds to the group."
          />
        </Card>
      </Layout.AnnotatedSection>
      <Layout.AnnotatedSection
        title="Respect the buyer"
        description="Keep messages away from buyers who already bought, from buyers who were just messaged, and from buyers' nights."
      >
        <Card>
          <BlockStack gap="300">
            <SettingField
              draft={draft}
              name="recentOrderDays"
              label="Skip buyers who ordered in the last"
              suffix="days"
              helpText="Any order with the same phone or email, from any checkout. 0 turns this off."
            />
            <SettingField
              draft={draft}
              name="buyerCapPerDay"
              label="At most this many abandoned-cart messages per buyer per 24 hours"
              helpText="Across all of the buyer's checkouts. 0 turns the limit off."
            />
            <SettingField
              draft={draft}
              name="quietHoursFollowBuyer"
              label="Quiet hours follow the buyer's local time"
              helpText="Each endpoint's quiet hours are read on the buyer's clock: the time zone of the shipping address, else of the phone number's country, else the shop's."
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
