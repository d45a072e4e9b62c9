import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, InlineStack, Layout, Page } from "@shopify/polaris";
import { SaveBar, TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { adminContext, parseOrThrow, readJsonBody } from "../../admin/context.server";
import { FlowTriggersCard } from "../../flow/FlowTriggersCard";
import { recoverySettingsForm, saveRecoverySettings } from "./recovery-settings.server";
import { connectPixel, saveSettings, settingsPage } from "./queries.server";
import { RecoverySettings } from "./RecoverySection";
import { SETTING_LABELS, SETTINGS_SECTIONS } from "./sections";
import { TimeScaleBanner } from "./TimeScaleBanner";
import { useSettingsDraft } from "./use-settings-draft";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  return json({ ...settingsPage(shop), recovery: recoverySettingsForm(shop) });
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
  if (body.intent === "save") {
    const answer = await saveSettings(shop, body.values, SETTING_LABELS);
    return json(answer, { status: answer.ok ? 200 : 400 });
  }
  if (body.intent === "recovery") {
    const saved = await saveRecoverySettings(shop, body.values);
    return json({ intent: body.intent, ...saved, pixel: null }, { status: saved.ok ? 200 : 400 });
  }
  const answer = await connectPixel(body.intent, session.shop, admin.graphql);
  return json(answer, { status: answer.ok ? 200 : 502 });
}

export default function Settings() {
  const page = useLoaderData<typeof loader>();
  const { draft, dirty, saving, refusal, save, reset } = useSettingsDraft(page);
  return (
    <Page
      title="Settings"
      subtitle="When a checkout counts as abandoned, how orders are attributed, and how long data is kept."
      primaryAction={{ content: "Save", onAction: save, loading: saving, disabled: !dirty }}
    >
      <TitleBar title="Settings" />
      <SaveBar id="settings-save-bar" open={dirty}>
        <button variant="primary" onClick={save}></button>
        <button onClick={reset}></button>
      </SaveBar>
      <BlockStack gap="500">
        <TimeScaleBanner policyMinuteMs={page.policyMinuteMs} />
        {refusal ? (
          <Banner tone="critical" title="The settings were not saved">
            <p>{refusal}</p>
          </Banner>
        ) : null}
        <Layout>
          {SETTINGS_SECTIONS.map(({ id, Component }) => (
            <Component key={id} draft={draft} page={page} />
          ))}
          <RecoverySettings saved={page.recovery} discountsGranted={page.recovery.discountsGranted} />
          <FlowTriggersCard />
        </Layout>
        <Box paddingBlockEnd="800">
          <InlineStack align="end">
            <Button variant="primary" onClick={save} loading={saving} disabled={!dirty}>
              Save
            </Button>
          </InlineStack>
        </Box>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
