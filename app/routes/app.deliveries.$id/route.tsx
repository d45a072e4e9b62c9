import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, DataTable, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import type { Shop } from "@prisma/client";
import { adminContext, badRequest, notFound, parseOrThrow, readJsonBody } from "../../admin/context.server";
import { formatDateTime, formatDuration, resultLabel, topicLabel } from "../../admin/format";
import { maskedBody, maskFreeText } from "../../admin/mask";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { DeliveryStatusBadge } from "../../admin/StatusBadge";
import { jsonTarget } from "../../admin/json-submit";
import { showToast } from "../../admin/toast";
import { usableTimeZone } from "../../metrics/date-range";
import { isResendable } from "../../admin/delivery-status";
import { DeliveryNotFoundError, resendDelivery, ResendError, shopDelivery } from "../../models/delivery.server";

async function deliveryOr404(shop: Shop, id: string | undefined) {
  try {
    return await shopDelivery(shop.id, id ?? "");
  } catch (error) {
    if (error instanceof DeliveryNotFoundError) throw notFound("delivery");
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  const delivery = await deliveryOr404(shop, params.id);
  return json({
    timeZone: usableTimeZone(shop.timezone),
    resendable: isResendable(delivery.status),
    delivery: {
      id: delivery.id,
      topic: delivery.topic,
      status: delivery.status,
      attemptCount: delivery.attemptCount,
      nextAttemptAt: delivery.nextAttemptAt,
      firstSuccessAt: delivery.firstSuccessAt,
      createdAt: delivery.createdAt,
      endpoint: delivery.endpoint,
      event: {
        id: delivery.event.id,
        createdAt: delivery.event.createdAt,
        expiresAt: delivery.event.expiresAt,
        checkoutId: delivery.event.checkoutId,
        test: delivery.event.test,
      },
      body: maskedBody(delivery.body),
      attempts: delivery.attempts.map((attempt) => ({
        number: attempt.number,
        requestId: attempt.requestId,
        startedAt: attempt.startedAt,
        durationMs: attempt.durationMs,
        statusCode: attempt.statusCode,
        errorKind: attempt.errorKind,
        errorMessage: attempt.errorMessage,
        responseExcerpt: attempt.responseExcerpt === null ? null : maskFreeText(attempt.responseExcerpt),
        requestHeaders: (attempt.requestHeaders ?? {}) as Record<string, string>,
      })),
    },
  });
}

const actionBody = z.object({ intent: z.literal("resend", { error: "must be resend" }) });

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop } = await adminContext(request);
  parseOrThrow(actionBody, await readJsonBody(request));
  const delivery = await deliveryOr404(shop, params.id);
  try {
    await resendDelivery(shop, delivery.id);
    return json({ ok: true as const, error: null });
  } catch (error) {
    if (error instanceof ResendError) return badRequest(error.message, { kind: error.kind });
    throw error;
  }
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" breakWord>
        {children}
      </Text>
    </BlockStack>
  );
}

function Code({ children }: { children: string }) {
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200" overflowX="scroll">
      <pre style={{ margin: 0, fontSize: 12, lineHeight: 1.5, whiteSpace: "pre-wrap", wordBreak: "break-all" }}>{children}</pre>
    </Box>
  );
}

export default function DeliveryPage() {
  const { delivery, timeZone, resendable } = useLoaderData<typeof loader>();
  const resend = useFetcher<typeof action>();
  useEffect(() => {
    if (resend.state !== "idle" || !resend.data) return;
    if (resend.data.ok) showToast("Delivery queued to resend");
  }, [resend.state, resend.data]);

  return (
    <Page
      title={`${topicLabel(delivery.topic)} to ${delivery.endpoint.name}`}
      titleMetadata={<DeliveryStatusBadge status={delivery.status} attemptCount={delivery.attemptCount} />}
      subtitle={`Created ${formatDateTime(delivery.createdAt, timeZone)}`}
      backAction={{ content: "Deliveries", url: "/app/deliveries" }}
      primaryAction={
        resendable
          ? {
              content: "Resend",
              loading: resend.state !== "idle",
              onAction: () => resend.submit(jsonTarget({ intent: "resend" }), { method: "post", encType: "application/json" }),
            }
          : undefined
      }
    >
      <TitleBar title="Delivery" />
      <BlockStack gap="500">
        {resend.data && !resend.data.ok ? (
          <Banner tone="critical" title="Not resent">
            <p>{resend.data.error}</p>
          </Banner>
        ) : null}
        <Card>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
            <Field label="Event id (x-idempotency-key)">
              <code>{delivery.event.id}</code>
            </Field>
            <Field label="Endpoint">
              <Link url={`/app/endpoints/${delivery.endpoint.id}`}>{delivery.endpoint.name}</Link> · {delivery.endpoint.method} {delivery.endpoint.url}
            </Field>
            <Field label="Checkout">{delivery.event.checkoutId ? `#${delivery.event.checkoutId}` : delivery.event.test ? "Test event" : "—"}</Field>
            <Field label="Attempts">{String(delivery.attemptCount)}</Field>
            <Field label="First 2xx">{formatDateTime(delivery.firstSuccessAt, timeZone)}</Field>
            <Field label={delivery.status === "pending" ? "Next attempt" : "Event expires"}>
              {formatDateTime(delivery.status === "pending" ? delivery.nextAttemptAt : delivery.event.expiresAt, timeZone)}
            </Field>
          </InlineGrid>
        </Card>

        <Layout>
          <Layout.Section variant="oneHalf">
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                Attempts
              </Text>
              {delivery.attempts.length === 0 ? (
                <Card>
                  <Text as="p" tone="subdued">
                    Not attempted yet.
                  </Text>
                </Card>
              ) : (
                delivery.attempts
                  .slice()
                  .reverse()
                  .map((attempt) => (
                    <Card key={attempt.number}>
                      <BlockStack gap="300">
                        <InlineStack align="space-between" blockAlign="center">
                          <InlineStack gap="200" blockAlign="center">
                            <Text as="h3" variant="headingSm">
                              Attempt {attempt.number}
                            </Text>
                            <Badge tone={attempt.errorKind === null && attempt.statusCode !== null ? "success" : "critical"}>
                              {resultLabel(attempt.statusCode, attempt.errorKind)}
                            </Badge>
                            <Text as="span" tone="subdued">
                              {formatDuration(attempt.durationMs)}
                            </Text>
                          </InlineStack>
                          <Text as="span" tone="subdued" variant="bodySm">
                            {formatDateTime(attempt.startedAt, timeZone)}
                          </Text>
                        </InlineStack>
                        {attempt.errorMessage ? (
                          <Text as="p" tone="critical">
                            {attempt.errorMessage}
                          </Text>
                        ) : null}
                        <BlockStack gap="100">
                          <Text as="span" variant="bodySm" tone="subdued">
                            Response (first 4 KB)
                          </Text>
                          <Code>{attempt.responseExcerpt || "(empty)"}</Code>
                        </BlockStack>
                        <BlockStack gap="100">
                          <Text as="span" variant="bodySm" tone="subdued">
                            Request headers (signatures and secret-looking values redacted)
                          </Text>
                          <DataTable
                            columnContentTypes={["text", "text"]}
                            headings={["Header", "Value"]}
                            rows={Object.entries(attempt.requestHeaders).map(([name, value]) => [<code key={name}>{name}</code>, value])}
                            increasedTableDensity
                          />
                        </BlockStack>
                      </BlockStack>
                    </Card>
                  ))
              )}
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneHalf">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Body
                </Text>
                <Text as="p" variant="bodySm" tone="subdued">
                  Identical on every attempt. Shown with the buyer's contact, name and address masked.
                </Text>
                <Code>{delivery.body}</Code>
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
        <Box paddingBlockEnd="800" />
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
