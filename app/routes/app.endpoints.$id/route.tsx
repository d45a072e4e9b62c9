import { useEffect, useMemo, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, DataTable, Divider, InlineStack, Layout, Link, Modal, Page, Text } from "@shopify/polaris";
import { SaveBar, TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import type { Shop } from "@prisma/client";
import { adminContext, parseOrThrow, readJsonBody } from "../../admin/context.server";
import { answerAppError } from "../../admin/known-errors.server";
import { endpointFormValues, type EndpointFormValues } from "../../admin/endpoint-form";
import { endpointFormOptions, parseEndpointForm } from "../../admin/endpoint-form.server";
import { EndpointForm } from "../../admin/EndpointForm";
import { summarize } from "../../admin/field-errors";
import { formatDateTime, formatDuration, resultLabel, topicLabel } from "../../admin/format";
import { maskFreeText } from "../../admin/mask";
import { useDraft } from "../../admin/use-draft";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { DeliveryStatusBadge, EndpointStatusBadge } from "../../admin/StatusBadge";
import { jsonTarget } from "../../admin/json-submit";
import { SecretReveal } from "../../admin/SecretReveal";
import { showToast } from "../../admin/toast";
import { ENDPOINT_PRESETS } from "../../endpoints/endpoint-input";
import { checkReceiver, type ReceiverCheckKind } from "../../delivery/receiver-check.server";
import { sendTestDelivery } from "../../delivery/send-test.server";
import { deleteEndpoint, rotateEndpointSecret, setEndpointStatus, shopEndpoint, updateEndpoint } from "../../endpoints/endpoint.server";
import { listDeliveries, shopDelivery } from "../../delivery/delivery-log.server";
import { isFlowDestination } from "../../flow/flow-triggers";
import { usableTimeZone } from "../../metrics/date-range";

async function endpointOr404(shop: Shop, id: string | undefined) {
  try {
    return await shopEndpoint(shop.id, id ?? "");
  } catch (error) {
    throw answerAppError(error);
  }
}

// The Flow destination has no URL, secret or test send to edit: Settings turns it on and off.
const FLOW_SETTINGS = "/app/settings";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  const endpoint = await endpointOr404(shop, params.id);
  if (isFlowDestination(endpoint.url)) return redirect(FLOW_SETTINGS);
  const timeZone = usableTimeZone(shop.timezone);
  const { deliveries } = await listDeliveries(shop.id, { endpointId: endpoint.id }, 1, 6);
  return json({
    timeZone,
    endpoint: {
      id: endpoint.id,
      name: endpoint.name,
      preset: ENDPOINT_PRESETS[endpoint.preset as keyof typeof ENDPOINT_PRESETS]?.name ?? endpoint.preset,
      url: endpoint.url,
      method: endpoint.method,
      status: endpoint.status,
      disabledReason: endpoint.disabledReason,
      failingSince: endpoint.failingSince,
      createdAt: endpoint.createdAt,
      previousSecretExpiresAt: endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date() ? endpoint.previousSecretExpiresAt : null,
    },
    values: endpointFormValues(endpoint, timeZone),
    options: endpointFormOptions(),
    recent: deliveries,
  });
}

const actionBody = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("update"), values: z.unknown() }),
    z.object({ intent: z.literal("rotate") }),
    z.object({ intent: z.literal("pause") }),
    z.object({ intent: z.literal("resume") }),
    z.object({ intent: z.literal("delete") }),
    z.object({ intent: z.literal("test") }),
    z.object({ intent: z.literal("check") }),
  ],
  { error: "must be one of update, rotate, pause, resume, delete, test, check" },
);

/** "Send test" and "Check receiver" over the shop's budget (a thrown 429) answer the page, which says why beside the button. */
const isBudgetRefusal = (error: unknown): error is Response => error instanceof Response && error.status === 429;

async function refusal(intent: "test" | "check", error: Response) {
  const { error: refused } = (await error.json()) as { error: string };
  return json({ intent, ok: false as const, refused }, { status: 429, headers: { "retry-after": error.headers.get("retry-after") ?? "5" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop } = await adminContext(request);
  const body = parseOrThrow(actionBody, await readJsonBody(request));
  const endpoint = await endpointOr404(shop, params.id);
  if (isFlowDestination(endpoint.url)) return redirect(FLOW_SETTINGS);
  switch (body.intent) {
    case "update": {
      const parsed = parseEndpointForm(body.values);
      if (!parsed.ok) return json({ intent: body.intent, ok: false, errors: parsed.errors }, { status: 400 });
      await updateEndpoint(shop.id, endpoint.id, parsed.input);
      return json({ intent: body.intent, ok: true, errors: {} });
    }
    case "rotate": {
      const { secret } = await rotateEndpointSecret(shop.id, endpoint.id);
      return json({ intent: body.intent, ok: true, secret });
    }
    case "pause":
    case "resume": {
      const updated = await setEndpointStatus(shop, endpoint.id, body.intent === "pause" ? "paused" : "active");
      return json({ intent: body.intent, ok: true, status: updated.status });
    }
    case "delete":
      await deleteEndpoint(shop.id, endpoint.id);
      return redirect("/app/endpoints");
    case "test": {
      let sent: Awaited<ReturnType<typeof sendTestDelivery>>;
      try {
        sent = await sendTestDelivery(shop, endpoint.id);
      } catch (error) {
        if (isBudgetRefusal(error)) return refusal(body.intent, error);
        throw error;
      }
      const { deliveryId, result } = sent;
      const delivery = await shopDelivery(shop.id, deliveryId);
      return json({
        intent: body.intent,
        ok: true,
        test: {
          deliveryId,
          status: delivery.status,
          nextAttemptAt: delivery.nextAttemptAt,
          delivered: result?.ok ?? false,
          statusCode: result?.statusCode ?? null,
          durationMs: result?.durationMs ?? null,
          errorKind: result?.errorKind ?? null,
          errorMessage: result?.errorMessage ?? null,
          responseStart: result?.responseExcerpt ? maskFreeText(result.responseExcerpt.slice(0, 300)) : null,
        },
      });
    }
    case "check": {
      let check: Awaited<ReturnType<typeof checkReceiver>>;
      try {
        check = await checkReceiver(shop, endpoint.id);
      } catch (error) {
        if (isBudgetRefusal(error)) return refusal(body.intent, error);
        throw error;
      }
      return json({
        intent: body.intent,
        ok: true,
        check: { ...check, steps: check.steps.map((step) => ({ ...step, responseStart: step.responseStart && maskFreeText(step.responseStart) })) },
      });
    }
  }
}

const CHECK_LABELS: Record<ReceiverCheckKind, { title: string; why: string }> = {
  valid: { title: "Valid event", why: "signed with your secret, current timestamp" },
  bad_signature: { title: "Bad signature", why: "signed with a different secret" },
  stale_timestamp: { title: "Stale timestamp", why: "correct signature, timestamp 1 hour old" },
};

type ActionData = Awaited<ReturnType<typeof useFetcher<typeof action>>>["data"];

function TestResult({ data, timeZone }: { data: ActionData; timeZone: string }) {
  if (!data || !("test" in data)) return null;
  const { test } = data;
  if (test.status === "pending") {
    return (
      <Banner tone="info" title="The test is waiting for quiet hours to end">
        <p>It will be sent at {formatDateTime(test.nextAttemptAt, timeZone)}; it is in the delivery log.</p>
      </Banner>
    );
  }
  return (
    <Banner
      tone={test.delivered ? "success" : "critical"}
      title={
        test.delivered
          ? `Delivered: ${resultLabel(test.statusCode, null)} in ${formatDuration(test.durationMs)}`
          : `Not delivered: ${test.errorMessage ?? resultLabel(test.statusCode, test.errorKind)}`
      }
    >
      <BlockStack gap="200">
        {test.responseStart ? (
          <Box background="bg-surface-secondary" padding="200" borderRadius="200">
            <Text as="p" variant="bodySm" breakWord>
              <code>{test.responseStart}</code>
            </Text>
          </Box>
        ) : (
          <Text as="p" variant="bodySm" tone="subdued">
            No response body.
          </Text>
        )}
        <Link url={`/app/deliveries/${test.deliveryId}`}>View in the delivery log</Link>
      </BlockStack>
    </Banner>
  );
}

function Refused({ data }: { data: ActionData }) {
  if (!data || !("refused" in data)) return null;
  return <Banner tone="warning" title={data.refused} />;
}

function CheckResult({ data }: { data: ActionData }) {
  if (!data || !("check" in data)) return null;
  const { check } = data;
  return (
    <BlockStack gap="300">
      {check.acceptsForged ? (
        <Banner tone="critical" title="This receiver accepts forged events">
          <p>
            It answered 2xx to an event it should have refused, so anyone who learns its URL can send it fake carts. Make it verify x-webhook-signature against
            the raw body and reject timestamps more than 5 minutes old.
          </p>
        </Banner>
      ) : check.passed ? (
        <Banner tone="success" title="The receiver verifies our signature">
          <p>It accepted the valid event and refused both forgeries.</p>
        </Banner>
      ) : (
        <Banner tone="warning" title="The receiver check did not pass">
          <p>See which request was not answered as expected.</p>
        </Banner>
      )}
      <DataTable
        columnContentTypes={["text", "text", "text", "text", "text"]}
        headings={["Request", "Expected", "Answer", "Time", "Result"]}
        rows={check.steps.map((step) => [
          <BlockStack gap="050" key={step.check}>
            <Text as="span" fontWeight="semibold">
              {CHECK_LABELS[step.check].title}
            </Text>
            <Text as="span" variant="bodySm" tone="subdued">
              {CHECK_LABELS[step.check].why}
            </Text>
          </BlockStack>,
          step.expected,
          step.errorMessage && step.statusCode === null ? step.errorMessage : resultLabel(step.statusCode, step.errorKind),
          formatDuration(step.durationMs),
          <Badge key={`${step.check}-result`} tone={step.passed ? "success" : "critical"}>
            {step.passed ? "Pass" : "Fail"}
          </Badge>,
        ])}
      />
    </BlockStack>
  );
}

export default function EndpointPage() {
  const { endpoint, values: saved, options, recent, timeZone } = useLoaderData<typeof loader>();
  const save = useFetcher<typeof action>();
  const test = useFetcher<typeof action>();
  const check = useFetcher<typeof action>();
  const rotate = useFetcher<typeof action>();
  const status = useFetcher<typeof action>();
  const remove = useFetcher<typeof action>();
  // Tests, checks and refused saves revalidate the loader and must not wipe an edit in progress.
  const [values, setValues] = useDraft<EndpointFormValues>(saved);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const dirty = useMemo(() => JSON.stringify(values) !== JSON.stringify(saved), [values, saved]);

  const errors = save.data && "errors" in save.data && !save.data.ok ? save.data.errors : {};
  useEffect(() => {
    if (save.state === "idle" && save.data?.intent === "update" && save.data.ok) showToast("Endpoint saved");
  }, [save.state, save.data]);
  useEffect(() => {
    if (status.state === "idle" && status.data && "status" in status.data) showToast(status.data.status === "paused" ? "Endpoint paused" : "Endpoint resumed");
  }, [status.state, status.data]);

  const post = (fetcher: typeof save, body: object) => fetcher.submit(jsonTarget(body), { method: "post", encType: "application/json" });
  const secret = rotate.data && "secret" in rotate.data ? rotate.data.secret : null;
  const paused = endpoint.status !== "active";

  return (
    <Page
      title={endpoint.name}
      titleMetadata={<EndpointStatusBadge status={endpoint.status} />}
      subtitle={`${endpoint.preset} · ${endpoint.method} ${endpoint.url}`}
      backAction={{ content: "Endpoints", url: "/app/endpoints" }}
      secondaryActions={[
        paused
          ? { content: "Resume", onAction: () => post(status, { intent: "resume" }), loading: status.state !== "idle" }
          : { content: "Pause", onAction: () => post(status, { intent: "pause" }), loading: status.state !== "idle" },
        { content: "Delete", destructive: true, onAction: () => setConfirmDelete(true) },
      ]}
    >
      <TitleBar title={endpoint.name} />
      <SaveBar id="endpoint-save-bar" open={dirty}>
        <button variant="primary" onClick={() => post(save, { intent: "update", values })}></button>
        <button onClick={() => setValues(saved)}></button>
      </SaveBar>
      <BlockStack gap="500">
        {endpoint.status === "disabled" ? (
          <Banner tone="critical" title="This endpoint is disabled" action={{ content: "Resume", onAction: () => post(status, { intent: "resume" }) }}>
            <p>
              {endpoint.disabledReason ?? "Deliveries stopped."} Resume it once the receiver works again; failed deliveries can be resent from the delivery log.
            </p>
          </Banner>
        ) : endpoint.status === "paused" ? (
          <Banner tone="warning" title="This endpoint is paused">
            <p>New events are not sent to it. Tests and receiver checks still work.</p>
          </Banner>
        ) : null}

        <Layout>
          <Layout.Section>
            <BlockStack gap="500">
              <Card>
                <BlockStack gap="400">
                  <BlockStack gap="100">
                    <Text as="h2" variant="headingMd">
                      Test and verify
                    </Text>
                    <Text as="p" tone="subdued">
                      Send test delivers a signed sample cart now and logs it. Check receiver also sends two forgeries, which a safe receiver must refuse with
                      4xx.
                    </Text>
                  </BlockStack>
                  <InlineStack gap="200">
                    <Button variant="primary" onClick={() => post(test, { intent: "test" })} loading={test.state !== "idle"}>
                      Send test
                    </Button>
                    <Button onClick={() => post(check, { intent: "check" })} loading={check.state !== "idle"}>
                      Check receiver
                    </Button>
                  </InlineStack>
                  <Refused data={test.data} />
                  <TestResult data={test.data} timeZone={timeZone} />
                  <Refused data={check.data} />
                  <CheckResult data={check.data} />
                </BlockStack>
              </Card>

              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      Signing secret
                    </Text>
                    <Button onClick={() => post(rotate, { intent: "rotate" })} loading={rotate.state !== "idle"}>
                      Rotate secret
                    </Button>
                  </InlineStack>
                  <Text as="p" tone="subdued">
                    The secret was shown once, when this endpoint was created. Rotating makes a new one; the old one keeps signing alongside it
                    (x-webhook-signature-previous) for 24 hours so you can update your BSP without losing events.
                  </Text>
                  {endpoint.previousSecretExpiresAt && !secret ? (
                    <Text as="p" tone="caution">
                      The previous secret is still sent until {formatDateTime(endpoint.previousSecretExpiresAt, timeZone)}.
                    </Text>
                  ) : null}
                  {secret ? <SecretReveal secret={secret} label="New signing secret" /> : null}
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    Recent deliveries
                  </Text>
                  <Link url={`/app/deliveries?endpointId=${endpoint.id}`}>View all</Link>
                </InlineStack>
                {recent.length === 0 ? (
                  <Text as="p" tone="subdued">
                    Nothing sent yet.
                  </Text>
                ) : (
                  <BlockStack gap="200">
                    {recent.map((delivery, index) => (
                      <BlockStack gap="200" key={delivery.id}>
                        {index > 0 ? <Divider /> : null}
                        <InlineStack align="space-between" blockAlign="center">
                          <Link url={`/app/deliveries/${delivery.id}`} removeUnderline>
                            {topicLabel(delivery.topic)}
                          </Link>
                          <DeliveryStatusBadge status={delivery.status} attemptCount={delivery.attemptCount} />
                        </InlineStack>
                        <Text as="span" variant="bodySm" tone="subdued">
                          {formatDateTime(delivery.createdAt, timeZone)} · {resultLabel(delivery.lastStatusCode, delivery.lastErrorKind)}
                        </Text>
                      </BlockStack>
                    ))}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>

        <Text as="h2" variant="headingLg">
          Settings
        </Text>
        {Object.keys(errors).length > 0 ? (
          <Banner tone="critical" title="The changes were not saved">
            <p>{summarize(errors)}</p>
          </Banner>
        ) : null}
        <EndpointForm values={values} onChange={setValues} errors={errors} options={options} />
        <Box paddingBlockEnd="800">
          <InlineStack align="end" gap="200">
            <Button onClick={() => setValues(saved)} disabled={!dirty}>
              Discard
            </Button>
            <Button variant="primary" onClick={() => post(save, { intent: "update", values })} loading={save.state !== "idle"} disabled={!dirty}>
              Save
            </Button>
          </InlineStack>
        </Box>
      </BlockStack>

      <Modal
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title={`Delete ${endpoint.name}?`}
        primaryAction={{ content: "Delete endpoint", destructive: true, loading: remove.state !== "idle", onAction: () => post(remove, { intent: "delete" }) }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirmDelete(false) }]}
      >
        <Modal.Section>
          <Text as="p">Its deliveries and their log go with it. Events already sent are not recalled. This cannot be undone.</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
