import { useMemo, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { SaveBar, TitleBar } from "@shopify/app-bridge-react";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { adminContext, parseOrThrow, readJsonBody } from "../../admin/context.server";
import type { EndpointFormValues } from "../../admin/endpoint-form";
import { EndpointStatusBadge } from "../../admin/StatusBadge";
import { useDoneToast } from "../../admin/use-done-toast";
import { useDraft } from "../../admin/use-draft";
import { deleteEndpoint } from "../../endpoints/endpoint.server";
import { isFlowDestination } from "../../flow/flow-triggers";
import { DeleteEndpointModal } from "./DeleteEndpointModal";
import { EndpointSettings } from "./EndpointSettings";
import { EndpointStatusBanner } from "./EndpointStatusBanner";
import { endpointIntent, endpointOr404, endpointPage, runEndpointIntent } from "./queries.server";
import { RecentDeliveriesCard } from "./RecentDeliveriesCard";
import { SigningSecretCard } from "./SigningSecretCard";
import { TestAndVerifyCard } from "./TestAndVerifyCard";
import { useEndpointIntent } from "./use-endpoint-intent";

// The Flow destination has no URL, secret or test send to edit: Settings turns it on and off.
const FLOW_SETTINGS = "/app/settings";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  const endpoint = await endpointOr404(shop, params.id);
  if (isFlowDestination(endpoint.url)) return redirect(FLOW_SETTINGS);
  return json(await endpointPage(shop, endpoint));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop } = await adminContext(request);
  const body = parseOrThrow(endpointIntent, await readJsonBody(request));
  const endpoint = await endpointOr404(shop, params.id);
  if (isFlowDestination(endpoint.url)) return redirect(FLOW_SETTINGS);
  if (body.intent === "delete") {
    await deleteEndpoint(shop.id, endpoint.id);
    return redirect("/app/endpoints");
  }
  const { answer, status, headers } = await runEndpointIntent(shop, endpoint.id, body);
  return json(answer, { status, headers });
}

export default function EndpointPage() {
  const { endpoint, values: saved, options, recent, timeZone } = useLoaderData<typeof loader>();
  const save = useEndpointIntent();
  const status = useEndpointIntent();
  // Tests, checks and refused saves revalidate the loader and must not wipe an edit in progress.
  const [values, setValues] = useDraft<EndpointFormValues>(saved);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const dirty = useMemo(() => JSON.stringify(values) !== JSON.stringify(saved), [values, saved]);
  const errors = save.data && "errors" in save.data && !save.data.ok ? save.data.errors : {};
  useDoneToast(save, "Endpoint saved");
  const paused = status.data && "status" in status.data && status.data.status === "paused";
  useDoneToast(status, paused ? "Endpoint paused" : "Endpoint resumed");

  const saveDraft = () => save.run({ intent: "update", values });
  const resume = () => status.run({ intent: "resume" });
  return (
    <Page
      title={endpoint.name}
      titleMetadata={<EndpointStatusBadge status={endpoint.status} />}
      subtitle={`${endpoint.preset} · ${endpoint.method} ${endpoint.url}`}
      backAction={{ content: "Endpoints", url: "/app/endpoints" }}
      secondaryActions={[
        endpoint.status !== "active"
          ? { content: "Resume", onAction: resume, loading: status.busy }
          : { content: "Pause", onAction: () => status.run({ intent: "pause" }), loading: status.busy },
        { content: "Delete", destructive: true, onAction: () => setConfirmDelete(true) },
      ]}
    >
      <TitleBar title={endpoint.name} />
      <SaveBar id="endpoint-save-bar" open={dirty}>
        <button variant="primary" onClick={saveDraft}></button>
        <button onClick={() => setValues(saved)}></button>
      </SaveBar>
      <BlockStack gap="500">
        <EndpointStatusBanner status={endpoint.status} disabledReason={endpoint.disabledReason} onResume={resume} />
        <Layout>
          <Layout.Section>
            <BlockStack gap="500">
              <TestAndVerifyCard timeZone={timeZone} />
              <SigningSecretCard previousSecretExpiresAt={endpoint.previousSecretExpiresAt} timeZone={timeZone} />
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <RecentDeliveriesCard endpointId={endpoint.id} recent={recent} timeZone={timeZone} />
          </Layout.Section>
        </Layout>
        <EndpointSettings
          values={values}
          onChange={setValues}
          errors={errors}
          options={options}
          dirty={dirty}
          saving={save.busy}
          onSave={saveDraft}
          onDiscard={() => setValues(saved)}
        />
      </BlockStack>
      <DeleteEndpointModal name={endpoint.name} open={confirmDelete} onClose={() => setConfirmDelete(false)} />
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
