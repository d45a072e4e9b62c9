import type { ReactNode } from "react";
import { Banner, BlockStack, Card, ChoiceList, FormLayout, Layout, Select } from "@shopify/polaris";
import { EndpointFieldRules } from "./EndpointFieldRules";
import type { EndpointFormValues } from "./endpoint-form";
import { summarize, type FieldErrors } from "./field-errors";
import { FormField, FormSelect, type FormDraft } from "./FormField";
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

const METHODS = [
  { label: "POST", value: "POST" },
  { label: "PUT", value: "PUT" },
];

const RETRY_MODES = [
  { label: "Fixed intervals", value: "fixed" },
  { label: "Exponential from the first interval", value: "exponential" },
];

function retryHelp(intervals: string, policyMinuteMs: number): string {
  const first = Number(intervals.split(",")[0]?.trim());
  const scaled = first > 0 ? scaledMinutes(first, policyMinuteMs) : null;
  return `Comma-separated, e.g. 2, 10, 30${scaled ? `; ${first} ${first === 1 ? "minute" : "minutes"} ${scaled}` : ""}`;
}

function FormSection({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Layout.AnnotatedSection title={title} description={description}>
      <Card>{children}</Card>
    </Layout.AnnotatedSection>
  );
}

interface SectionProps {
  draft: FormDraft<EndpointFormValues>;
  options: EndpointFormOptions;
}

function ConnectionSection({ draft, options, onChange }: SectionProps & { onChange: (values: EndpointFormValues) => void }) {
  const { form: values, errors } = draft;
  const preset = options.presets.find((p) => p.value === values.preset);
  const choosePreset = (value: string) => {
    const chosen = options.presets.find((p) => p.value === value);
    const keepName = values.name.trim() !== "" && !options.presets.some((p) => p.label === values.name);
    onChange({ ...values, preset: value, name: keepName || !chosen || value === "custom" ? values.name : chosen.label });
  };
  return (
    <FormSection
      title="Connection"
      description="Where Cart Relay sends events. Every BSP receives the same Cashfree-compatible webhook; the preset only names it and tells you where to paste the URL."
    >
      <FormLayout>
        <Select
          label="BSP"
          options={options.presets.map((p) => ({ label: p.label, value: p.value }))}
          value={values.preset}
          onChange={choosePreset}
          error={errors.preset}
        />
        <FormField draft={draft} name="name" label="Name" />
        <FormField
          draft={draft}
          name="url"
          label="Webhook URL"
          placeholder="https://"
          helpText={preset ? `${preset.hint}.${options.allowLoopback ? " Development mode: loopback URLs are allowed." : ""}` : undefined}
        />
        <FormSelect draft={draft} name="method" label="Method" options={METHODS} />
        {/* Its own row: beside Method, the option labels were cut off. */}
        <FormSelect
          draft={draft}
          name="format"
          label="Payload format"
          options={options.formats.map((format) => ({ label: FORMAT_LABELS[format] ?? format, value: format }))}
          helpText={FORMAT_HELP[values.format]}
        />
      </FormLayout>
    </FormSection>
  );
}

function EventsSection({ draft, options }: SectionProps) {
  return (
    <FormSection title="Events" description="Which events this endpoint receives, and for which buyers.">
      <FormLayout>
        <ChoiceList
          title="Topics"
          allowMultiple
          choices={options.topics.map((topic) => ({ label: topicLabel(topic), value: topic, helpText: TOPIC_HELP[topic] }))}
          selected={draft.form.topics}
          onChange={(selected) => draft.set("topics", selected)}
          error={draft.errors.topics}
        />
        <FormField
          draft={draft}
          name="consentOnly"
          label="Only buyers who opted in"
          helpText="Send cart events only for buyers who ticked the WhatsApp opt-in (or, without an answer there, accepted SMS marketing)."
        />
      </FormLayout>
    </FormSection>
  );
}

function SigningSection({ draft }: SectionProps) {
  return (
    <FormSection
      title="Signing and headers"
      description="Every event carries x-webhook-signature (HMAC-SHA256 of timestamp + body). Standard Webhooks headers can be sent alongside."
    >
      <FormLayout>
        <FormField
          draft={draft}
          name="standardWebhooks"
          label="Send Standard Webhooks headers"
          helpText="webhook-id, webhook-timestamp and webhook-signature (v1), for receivers using a Standard Webhooks library."
        />
        <FormField
          draft={draft}
          name="customHeaders"
          label="Custom headers"
          multiline={3}
          monospaced
          placeholder="Authorization: Bearer your-bsp-api-key"
          helpText="One per line, as Name: value. Values are sent as written but never shown in the delivery log when they look secret."
        />
      </FormLayout>
    </FormSection>
  );
}

function RetriesSection({ draft, options }: SectionProps) {
  return (
    <FormSection
      title="Retries"
      description="Any 2xx is success. Anything else is retried on this schedule, with ±20 % jitter; Retry-After is honoured on 429 and 503."
    >
      <FormLayout>
        <FormLayout.Group>
          <FormSelect draft={draft} name="retryMode" label="Retry mode" options={RETRY_MODES} />
          <FormField draft={draft} name="maxRetries" label="Retries" type="number" helpText="0 to 10" />
        </FormLayout.Group>
        <FormField
          draft={draft}
          name="retryIntervals"
          label="Retry intervals"
          suffix="minutes"
          helpText={retryHelp(draft.form.retryIntervals, options.policyMinuteMs)}
        />
        <FormField draft={draft} name="disableAfterFailingHours" label="Disable after" type="number" suffix="hours of continuous failure" />
      </FormLayout>
    </FormSection>
  );
}

function QuietHoursSection({ draft }: SectionProps) {
  return (
    <FormSection title="Quiet hours" description="Events due inside the window wait until it ends, without using a retry.">
      <FormLayout>
        <FormField draft={draft} name="quietHoursEnabled" label="Hold events during quiet hours" />
        {draft.form.quietHoursEnabled ? (
          <>
            <FormLayout.Group condensed>
              <FormField draft={draft} name="quietStart" label="From" type="time" />
              <FormField draft={draft} name="quietEnd" label="Until" type="time" />
            </FormLayout.Group>
            <FormField draft={draft} name="quietTimeZone" label="Time zone" helpText="IANA name, e.g. Asia/Kolkata" />
          </>
        ) : null}
      </FormLayout>
    </FormSection>
  );
}

/** The endpoint form in Shopify's settings layout; every field shows its server-side error inline. */
export function EndpointForm({
  values,
  onChange,
  errors,
  options,
  refusedTitle,
}: {
  values: EndpointFormValues;
  onChange: (values: EndpointFormValues) => void;
  errors: FieldErrors;
  options: EndpointFormOptions;
  /** The banner's title over the last refused save's messages. */
  refusedTitle: string;
}) {
  const draft: FormDraft<EndpointFormValues> = { form: values, errors, set: (name, value) => onChange({ ...values, [name]: value }) };
  return (
    <BlockStack gap="500">
      {Object.keys(errors).length > 0 ? (
        <Banner tone="critical" title={refusedTitle}>
          <p>{summarize(errors)}</p>
        </Banner>
      ) : null}
      <Layout>
        <ConnectionSection draft={draft} options={options} onChange={onChange} />
        <EventsSection draft={draft} options={options} />
        <FormSection
          title="Buyer data"
          description="Mask or drop fields this BSP does not need. Keys are never removed, so BSPs parsing the Cashfree shape keep working."
        >
          <EndpointFieldRules values={values} onChange={onChange} errors={errors} fieldPaths={options.fieldPaths} />
        </FormSection>
        <SigningSection draft={draft} options={options} />
        <RetriesSection draft={draft} options={options} />
        <QuietHoursSection draft={draft} options={options} />
      </Layout>
    </BlockStack>
  );
}
