import { useState } from "react";
import { BlockStack, Button, Card, Checkbox, ChoiceList, FormLayout, InlineGrid, InlineStack, Layout, Select, Text, TextField } from "@shopify/polaris";
import { fieldRuleLabel, type EndpointFormField, type EndpointFormValues } from "./endpoint-form";
import type { FieldErrors } from "./field-errors";
import { topicLabel } from "./format";
import { scaledMinutes } from "./time-scale";

export interface EndpointFormOptions {
  presets: { value: string; label: string; hint: string }[];
  topics: string[];
  formats: string[];
  fieldPaths: string[];
  allowLoopback: boolean;
  /** A policy minute in ms: shorter in the demo (CART_RELAY_TIME_SCALE). */
  policyMinuteMs: number;
}

const TOPIC_HELP: Record<string, string> = {
  abandonedCheckout: "A buyer left checkout with a phone or email and no order.",
  checkoutRecovered: "An order came in for a checkout this endpoint was sent, so its flow can stop.",
  integrationStatus: "This endpoint was connected, paused, disabled or the app uninstalled.",
};

const FORMAT_LABELS: Record<string, string> = {
  "cashfree-2025-01-01": "Cashfree 2025-01-01",
  "ecom360-v1": "ecom360 v1",
};

const FORMAT_HELP: Record<string, string> = {
  "cashfree-2025-01-01": "Cashfree's abandonedCheckout body, sent with x-webhook-version: 2025-01-01. Most BSPs read this one.",
  "ecom360-v1": "The same body, sent with x-webhook-version: v1, for BSPs integrated with ecom360.",
};

type FieldRule = "send" | "mask" | "drop";

function retryHelp(intervals: string, policyMinuteMs: number): string {
  const first = Number(intervals.split(",")[0]?.trim());
  const scaled = first > 0 ? scaledMinutes(first, policyMinuteMs) : null;
  return `Comma-separated, e.g. 2, 10, 30${scaled ? `; ${first} ${first === 1 ? "minute" : "minutes"} ${scaled}` : ""}`;
}

function ruleOf(values: EndpointFormValues, path: string): FieldRule {
  if (values.dropFields.includes(path)) return "drop";
  if (values.maskFields.includes(path)) return "mask";
  return "send";
}

/** The endpoint form in Shopify's settings layout; every field shows its server-side error inline. */
export function EndpointForm({
  values,
  onChange,
  errors,
  options,
}: {
  values: EndpointFormValues;
  onChange: (values: EndpointFormValues) => void;
  errors: FieldErrors;
  options: EndpointFormOptions;
}) {
  const [showFields, setShowFields] = useState(values.dropFields.length + values.maskFields.length > 0);
  const set = <K extends EndpointFormField>(key: K, value: EndpointFormValues[K]) => onChange({ ...values, [key]: value });
  const preset = options.presets.find((p) => p.value === values.preset);

  const setRule = (path: string, rule: FieldRule) =>
    onChange({
      ...values,
      dropFields: rule === "drop" ? [...values.dropFields.filter((p) => p !== path), path] : values.dropFields.filter((p) => p !== path),
      maskFields: rule === "mask" ? [...values.maskFields.filter((p) => p !== path), path] : values.maskFields.filter((p) => p !== path),
    });
  const ruleSummary =
    values.dropFields.length + values.maskFields.length === 0
      ? "Every field is sent as captured."
      : `${values.maskFields.length} masked, ${values.dropFields.length} dropped (sent as an empty string).`;

  return (
    <BlockStack gap="500">
      <Layout>
        <Layout.AnnotatedSection
          title="Connection"
          description="Where Cart Relay sends events. Every BSP receives the same Cashfree-compatible webhook; the preset only names it and tells you where to paste the URL."
        >
          <Card>
            <FormLayout>
              <Select
                label="BSP"
                options={options.presets.map((p) => ({ label: p.label, value: p.value }))}
                value={values.preset}
                onChange={(value) => {
                  const chosen = options.presets.find((p) => p.value === value);
                  const keepName = values.name.trim() !== "" && !options.presets.some((p) => p.label === values.name);
                  onChange({ ...values, preset: value, name: keepName || !chosen || value === "custom" ? values.name : chosen.label });
                }}
                error={errors.preset}
              />
              <TextField label="Name" value={values.name} onChange={(v) => set("name", v)} autoComplete="off" error={errors.name} />
              <TextField
                label="Webhook URL"
                value={values.url}
                onChange={(v) => set("url", v)}
                autoComplete="off"
                placeholder="https://"
                helpText={preset ? `${preset.hint}.${options.allowLoopback ? " Development mode: loopback URLs are allowed." : ""}` : undefined}
                error={errors.url}
              />
              <Select
                label="Method"
                options={[
                  { label: "POST", value: "POST" },
                  { label: "PUT", value: "PUT" },
                ]}
                value={values.method}
                onChange={(v) => set("method", v)}
                error={errors.method}
              />
              {/* Its own row: beside Method, the option labels were cut off. */}
              <Select
                label="Payload format"
                options={options.formats.map((format) => ({ label: FORMAT_LABELS[format] ?? format, value: format }))}
                value={values.format}
                onChange={(v) => set("format", v)}
                helpText={FORMAT_HELP[values.format]}
                error={errors.format}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title="Events" description="Which events this endpoint receives, and for which buyers.">
          <Card>
            <FormLayout>
              <ChoiceList
                title="Topics"
                allowMultiple
                choices={options.topics.map((topic) => ({ label: topicLabel(topic), value: topic, helpText: TOPIC_HELP[topic] }))}
                selected={values.topics}
                onChange={(selected) => set("topics", selected)}
                error={errors.topics}
              />
              <Checkbox
                label="Only buyers who opted in"
                helpText="Send cart events only for buyers who ticked the WhatsApp opt-in (or, without an answer there, accepted SMS marketing)."
                checked={values.consentOnly}
                onChange={(v) => set("consentOnly", v)}
                error={errors.consentOnly}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection
          title="Buyer data"
          description="Mask or drop fields this BSP does not need. Keys are never removed, so BSPs parsing the Cashfree shape keep working."
        >
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="p" tone={errors.dropFields || errors.maskFields ? "critical" : "subdued"}>
                  {errors.dropFields ?? errors.maskFields ?? ruleSummary}
                </Text>
                <Button variant="plain" onClick={() => setShowFields((shown) => !shown)}>
                  {showFields ? "Hide fields" : "Choose fields"}
                </Button>
              </InlineStack>
              {showFields ? (
                <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
                  {options.fieldPaths.map((path) => (
                    <Select
                      key={path}
                      label={fieldRuleLabel(path)}
                      helpText={
                        <Text as="span" variant="bodySm" tone="subdued">
                          <code>{path}</code>
                        </Text>
                      }
                      options={[
                        { label: "Send", value: "send" },
                        { label: "Mask", value: "mask" },
                        { label: "Drop", value: "drop" },
                      ]}
                      value={ruleOf(values, path)}
                      onChange={(rule) => setRule(path, rule as FieldRule)}
                    />
                  ))}
                </InlineGrid>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection
          title="Signing and headers"
          description="Every event carries x-webhook-signature (HMAC-SHA256 of timestamp + body). Standard Webhooks headers can be sent alongside."
        >
          <Card>
            <FormLayout>
              <Checkbox
                label="Send Standard Webhooks headers"
                helpText="webhook-id, webhook-timestamp and webhook-signature (v1), for receivers using a Standard Webhooks library."
                checked={values.standardWebhooks}
                onChange={(v) => set("standardWebhooks", v)}
                error={errors.standardWebhooks}
              />
              <TextField
                label="Custom headers"
                value={values.customHeaders}
                onChange={(v) => set("customHeaders", v)}
                multiline={3}
                autoComplete="off"
                monospaced
                placeholder="Authorization: Bearer your-bsp-api-key"
                helpText="One per line, as Name: value. Values are sent as written but never shown in the delivery log when they look secret."
                error={errors.customHeaders}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection
          title="Retries"
          description="Any 2xx is success. Anything else is retried on this schedule, with ±20 % jitter; Retry-After is honoured on 429 and 503."
        >
          <Card>
            <FormLayout>
              <FormLayout.Group>
                <Select
                  label="Retry mode"
                  options={[
                    { label: "Fixed intervals", value: "fixed" },
                    { label: "Exponential from the first interval", value: "exponential" },
                  ]}
                  value={values.retryMode}
                  onChange={(v) => set("retryMode", v)}
                  error={errors.retryMode}
                />
                <TextField
                  label="Retries"
                  type="number"
                  value={values.maxRetries}
                  onChange={(v) => set("maxRetries", v)}
                  autoComplete="off"
                  helpText="0 to 10"
                  error={errors.maxRetries}
                />
              </FormLayout.Group>
              <TextField
                label="Retry intervals"
                value={values.retryIntervals}
                onChange={(v) => set("retryIntervals", v)}
                autoComplete="off"
                suffix="minutes"
                helpText={retryHelp(values.retryIntervals, options.policyMinuteMs)}
                error={errors.retryIntervals}
              />
              <TextField
                label="Disable after"
                type="number"
                value={values.disableAfterFailingHours}
                onChange={(v) => set("disableAfterFailingHours", v)}
                autoComplete="off"
                suffix="hours of continuous failure"
                error={errors.disableAfterFailingHours}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title="Quiet hours" description="Events due inside the window wait until it ends, without using a retry.">
          <Card>
            <FormLayout>
              <Checkbox label="Hold events during quiet hours" checked={values.quietHoursEnabled} onChange={(v) => set("quietHoursEnabled", v)} />
              {values.quietHoursEnabled ? (
                <>
                  <FormLayout.Group condensed>
                    <TextField
                      label="From"
                      type="time"
                      value={values.quietStart}
                      onChange={(v) => set("quietStart", v)}
                      autoComplete="off"
                      error={errors.quietStart}
                    />
                    <TextField
                      label="Until"
                      type="time"
                      value={values.quietEnd}
                      onChange={(v) => set("quietEnd", v)}
                      autoComplete="off"
                      error={errors.quietEnd}
                    />
                  </FormLayout.Group>
                  <TextField
                    label="Time zone"
                    value={values.quietTimeZone}
                    onChange={(v) => set("quietTimeZone", v)}
                    autoComplete="off"
                    helpText="IANA name, e.g. Asia/Kolkata"
                    error={errors.quietTimeZone}
                  />
                </>
              ) : null}
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
    </BlockStack>
  );
}
