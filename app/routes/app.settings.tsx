import { useEffect, useMemo } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { SaveBar, TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import { adminContext, parseOrThrow, readJsonBody } from "../admin/context.server";
import { fieldErrors, summarize, type FieldErrors } from "../admin/field-errors";
import { pixelErrorTitle } from "../admin/pixel-errors";
import { RecoverySettings } from "../admin/RecoverySettings";
import { scaledMinutes, timeScaleNotice } from "../admin/time-scale";
import { AdminErrorBoundary, jsonTarget, showToast } from "../admin/ui";
import { useDraft } from "../admin/use-draft";
import { env, policyMinuteMs } from "../env.server";
import { SETTINGS_LIMITS, settingsSchema, shopSettings, updateSettings } from "../models/settings.server";
import { activatePixel } from "../pixel/activate.server";
import { rotatePixelKey } from "../pixel/rotate-pixel-key.server";
import { recoverySettingsForm, saveRecoverySettings } from "../recovery/recovery-settings.server";

const LABELS: Record<string, string> = {
  abandonAfterMinutes: "Abandon after",
  dedupeWindowHours: "Dedupe window",
  attributionWindowDays: "Attribution window",
  retentionDays: "Retention",
  optInText: "Opt-in text",
  allowUntrustedEvents: "Pixel-only checkouts",
};

interface SettingsForm {
  abandonAfterMinutes: string;
  dedupeWindowHours: string;
  attributionWindowDays: string;
  retentionDays: string;
  optInText: string;
  allowUntrustedEvents: boolean;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  const settings = shopSettings(shop);
  const form: SettingsForm = {
    abandonAfterMinutes: String(settings.abandonAfterMinutes),
    dedupeWindowHours: String(settings.dedupeWindowHours),
    attributionWindowDays: String(settings.attributionWindowDays),
    retentionDays: String(settings.retentionDays),
    optInText: settings.optInText,
    allowUntrustedEvents: settings.allowUntrustedEvents,
  };
  return json({
    form,
    limits: SETTINGS_LIMITS,
    pixel: { active: shop.webPixelId !== null, webPixelId: shop.webPixelId },
    policyMinuteMs: policyMinuteMs(env),
    recovery: recoverySettingsForm(shop),
  });
}

const actionBody = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("save"), values: z.unknown() }),
    z.object({ intent: z.literal("activatePixel") }),
    z.object({ intent: z.literal("rotatePixelKey") }),
    z.object({ intent: z.literal("recovery"), values: z.unknown() }),
  ],
  { error: "must be save, activatePixel, rotatePixelKey or recovery" },
);

export async function action({ request }: ActionFunctionArgs) {
  const { shop, session, admin } = await adminContext(request);
  const body = parseOrThrow(actionBody, await readJsonBody(request));
  if (body.intent === "recovery") {
    const saved = await saveRecoverySettings(shop, body.values);
    return json({ intent: body.intent, ...saved, pixel: null }, { status: saved.ok ? 200 : 400 });
  }
  if (body.intent === "activatePixel" || body.intent === "rotatePixelKey") {
    // Rotation gives the pixel a new key first; the old one stops working only once Shopify accepted it.
    const activation = await (body.intent === "rotatePixelKey" ? rotatePixelKey : activatePixel)(session.shop, admin.graphql);
    return json(
      activation.ok
        ? {
            intent: body.intent,
            ok: true as const,
            errors: {} as FieldErrors,
            pixel: { action: activation.action, webPixelId: activation.webPixelId },
            error: null,
          }
        : {
            intent: body.intent,
            ok: false as const,
            errors: {} as FieldErrors,
            pixel: null,
            error: activation.error.message,
            errorKind: activation.error.kind,
          },
      { status: activation.ok ? 200 : 502 },
    );
  }
  const parsed = settingsSchema.safeParse(body.values);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error, LABELS);
    return json({ intent: body.intent, ok: false as const, errors, pixel: null, error: summarize(errors) }, { status: 400 });
  }
  const { rescheduled } = await updateSettings(shop, parsed.data);
  return json({ intent: body.intent, ok: true as const, errors: {} as FieldErrors, pixel: null, error: null, rescheduled });
}

export default function Settings() {
  const { form: saved, limits, pixel, policyMinuteMs: minuteMs, recovery } = useLoaderData<typeof loader>();
  const scaleNotice = timeScaleNotice(minuteMs);
  const save = useFetcher<typeof action>();
  const activate = useFetcher<typeof action>();
  const [form, setForm] = useDraft<SettingsForm>(saved);
  const abandonScaled = scaledMinutes(Number(form.abandonAfterMinutes), minuteMs);
  const dirty = useMemo(() => JSON.stringify(form) !== JSON.stringify(saved), [form, saved]);
  const errors = save.data && !save.data.ok ? save.data.errors : {};
  const set = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]) => setForm({ ...form, [key]: value });
  const submitSave = () => save.submit(jsonTarget({ intent: "save", values: form }), { method: "post", encType: "application/json" });

  useEffect(() => {
    if (save.state === "idle" && save.data?.ok) showToast("Settings saved");
  }, [save.state, save.data]);
  const rotate = useFetcher<typeof action>();
  useEffect(() => {
    if (activate.state === "idle" && activate.data?.ok) showToast("Checkout pixel active");
  }, [activate.state, activate.data]);
  useEffect(() => {
    if (rotate.state === "idle" && rotate.data?.ok) showToast("Pixel key rotated");
  }, [rotate.state, rotate.data]);

  const range = (name: keyof typeof limits) => `${limits[name].min} to ${limits[name].max} ${limits[name].unit}`;

  return (
    <Page
      title="Settings"
      subtitle="When a checkout counts as abandoned, how orders are attributed, and how long data is kept."
      primaryAction={{ content: "Save", onAction: submitSave, loading: save.state !== "idle", disabled: !dirty }}
    >
      <TitleBar title="Settings" />
      <SaveBar id="settings-save-bar" open={dirty}>
        <button variant="primary" onClick={submitSave}></button>
        <button onClick={() => setForm(saved)}></button>
      </SaveBar>
      <BlockStack gap="500">
        {scaleNotice ? (
          <Banner tone="info" title="Policy minutes are shortened">
            <p>{scaleNotice}</p>
          </Banner>
        ) : null}
        {save.data && !save.data.ok && save.data.error ? (
          <Banner tone="critical" title="The settings were not saved">
            <p>{save.data.error}</p>
          </Banner>
        ) : null}
        <Layout>
          <Layout.AnnotatedSection
            title="Abandonment"
            description="A checkout with a phone or email and no order is abandoned after this much inactivity. Changing it reschedules every open checkout."
          >
            <Card>
              <FormLayout>
                <TextField
                  label="Abandon after"
                  type="number"
                  suffix="minutes"
                  value={form.abandonAfterMinutes}
                  onChange={(v) => set("abandonAfterMinutes", v)}
                  helpText={abandonScaled ? `${range("abandonAfterMinutes")}; ${abandonScaled}` : range("abandonAfterMinutes")}
                  autoComplete="off"
                  error={errors.abandonAfterMinutes}
                />
                <TextField
                  label="Dedupe window"
                  type="number"
                  suffix="hours"
                  value={form.dedupeWindowHours}
                  onChange={(v) => set("dedupeWindowHours", v)}
                  helpText={`A buyer who leaves again within this window is not messaged twice (${range("dedupeWindowHours")}).`}
                  autoComplete="off"
                  error={errors.dedupeWindowHours}
                />
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection
            title="Attribution"
            description="An order counts as recovered when it arrives after the cart message reached a BSP: matched by checkout, by our link, or by the buyer's phone or email within this window."
          >
            <Card>
              <TextField
                label="Attribution window"
                type="number"
                suffix="days"
                value={form.attributionWindowDays}
                onChange={(v) => set("attributionWindowDays", v)}
                helpText={range("attributionWindowDays")}
                autoComplete="off"
                error={errors.attributionWindowDays}
              />
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title="Privacy" description="Captured checkouts are deleted after this many days.">
            <Card>
              <TextField
                label="Retention"
                type="number"
                suffix="days"
                value={form.retentionDays}
                onChange={(v) => set("retentionDays", v)}
                helpText={range("retentionDays")}
                autoComplete="off"
                error={errors.retentionDays}
              />
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title="Checkout opt-in" description="The checkbox the Cart Relay checkout block shows buyers.">
            <Card>
              <TextField
                label="Opt-in text"
                value={form.optInText}
                onChange={(v) => set("optInText", v)}
                maxLength={200}
                showCharacterCount
                autoComplete="off"
                error={errors.optInText}
              />
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection
            title="Checkout pixel"
            description="The web pixel captures checkouts on every Shopify plan. Its data is less trusted: it fills gaps in what the checkout block and Shopify's webhooks report."
          >
            <Card>
              <BlockStack gap="400">
                <InlineStack align="space-between" blockAlign="center">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="span" fontWeight="semibold">
                      Pixel
                    </Text>
                    <Badge tone={pixel.active ? "success" : "attention"}>{pixel.active ? "Registered with Shopify" : "Not registered with Shopify"}</Badge>
                  </InlineStack>
                  <InlineStack gap="200">
                    {pixel.active ? (
                      <Button
                        variant="tertiary"
                        onClick={() => rotate.submit(jsonTarget({ intent: "rotatePixelKey" }), { method: "post", encType: "application/json" })}
                        loading={rotate.state !== "idle"}
                      >
                        Rotate key
                      </Button>
                    ) : null}
                    <Button
                      onClick={() => activate.submit(jsonTarget({ intent: "activatePixel" }), { method: "post", encType: "application/json" })}
                      loading={activate.state !== "idle"}
                    >
                      {pixel.active ? "Reconnect pixel" : "Activate pixel"}
                    </Button>
                  </InlineStack>
                </InlineStack>
                {[activate.data, rotate.data].map((data, i) =>
                  data && !data.ok && "errorKind" in data ? (
                    <Banner key={i} tone="critical" title={pixelErrorTitle(data.errorKind, data.intent)}>
                      <p>{data.error}</p>
                    </Banner>
                  ) : null,
                )}
                <Checkbox
                  label="Send events for checkouts seen only by the pixel"
                  helpText="Off by default: the pixel's key is public, so its data alone could be forged. Turn on for stores without the checkout block."
                  checked={form.allowUntrustedEvents}
                  onChange={(v) => set("allowUntrustedEvents", v)}
                  error={errors.allowUntrustedEvents}
                />
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>
          <RecoverySettings saved={recovery} discountsGranted={recovery.discountsGranted} />
        </Layout>
        <Box paddingBlockEnd="800">
          <InlineStack align="end">
            <Button variant="primary" onClick={submitSave} loading={save.state !== "idle"} disabled={!dirty}>
              Save
            </Button>
          </InlineStack>
        </Box>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
