import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, IndexTable, InlineGrid, InlineStack, Link, Page, Select, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import type { Shop } from "@prisma/client";
import { adminContext, badRequest, notFound, parseOrThrow, readJsonBody, searchParams } from "../../admin/context.server";
import { formatDateTime, resultLabel, topicLabel, TOPIC_LABELS } from "../../admin/format";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { deliveryStatusBadge, DeliveryStatusBadge } from "../../admin/StatusBadge";
import { jsonTarget } from "../../admin/json-submit";
import { showToast } from "../../admin/toast";
import { TablePagination } from "../../admin/TablePagination";
import { addDays, dayKey, isDay, parseLocalDateTime, startOfDay, usableTimeZone } from "../../metrics/date-range";
import { EndpointNotFoundError, listEndpoints } from "../../models/endpoint.server";
import { DELIVERY_STATUSES, isResendable } from "../../admin/delivery-status";
import { DeliveryNotFoundError, deliveryFiltersSchema, listDeliveries, resendDelivery, resendFailedSince, ResendError } from "../../models/delivery.server";

const day = z.string().refine(isDay, "must be a date as YYYY-MM-DD").optional();
const dateFilters = z.object({ from: day, to: day });

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  const timeZone = usableTimeZone(shop.timezone);
  const params = searchParams(request);
  const filters = parseOrThrow(deliveryFiltersSchema, params);
  const dates = parseOrThrow(dateFilters, params);
  const endpoints = await listEndpoints(shop.id);
  if (filters.endpointId && !endpoints.some((endpoint) => endpoint.id === filters.endpointId)) throw notFound("endpoint");
  const { page, ...where } = filters;
  const list = await listDeliveries(
    shop.id,
    {
      ...where,
      from: dates.from ? startOfDay(dates.from, timeZone) : undefined,
      to: dates.to ? startOfDay(addDays(dates.to, 1), timeZone) : undefined,
    },
    page,
  );
  return json({
    timeZone,
    filters: {
      endpointId: filters.endpointId ?? "",
      topic: filters.topic ?? "",
      status: filters.status ?? "",
      from: dates.from ?? "",
      to: dates.to ?? "",
      page,
    },
    endpoints: endpoints.map(({ id, name, status }) => ({ id, name, status })),
    sinceDefault: `${dayKey(new Date(Date.now() - 24 * 60 * 60_000), timeZone)}T00:00`,
    ...list,
  });
}

const actionBody = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("resend"), deliveryId: z.string().min(1, "is required") }),
    z.object({ intent: z.literal("resendFailed"), endpointId: z.string().min(1, "is required"), since: z.string({ error: "is required" }) }),
  ],
  { error: "must be resend or resendFailed" },
);

async function resend(shop: Shop, body: z.output<typeof actionBody>, timeZone: string) {
  try {
    if (body.intent === "resend") {
      await resendDelivery(shop, body.deliveryId);
      return json({ ok: true as const, intent: body.intent, resent: 1, error: null });
    }
    const since = parseLocalDateTime(body.since, timeZone);
    if (!since) return badRequest("since must be a date and time such as 2026-03-01T09:00", { intent: body.intent, resent: 0 });
    const { resent } = await resendFailedSince(shop, body.endpointId, since);
    return json({ ok: true as const, intent: body.intent, resent, error: null });
  } catch (error) {
    if (error instanceof DeliveryNotFoundError) throw notFound("delivery");
    if (error instanceof EndpointNotFoundError) throw notFound("endpoint");
    if (error instanceof ResendError) return badRequest(error.message, { intent: body.intent, resent: 0, kind: error.kind });
    throw error;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await adminContext(request);
  const body = parseOrThrow(actionBody, await readJsonBody(request));
  return resend(shop, body, usableTimeZone(shop.timezone));
}

const STATUS_OPTIONS = DELIVERY_STATUSES.map((status) => ({ value: status, label: deliveryStatusBadge(status, status === "pending" ? 1 : 0).label }));

function ResendButton({ deliveryId }: { deliveryId: string }) {
  const fetcher = useFetcher<typeof action>();
  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok) showToast("Delivery queued to resend");
    else showToast(fetcher.data.error, { isError: true });
  }, [fetcher.state, fetcher.data]);
  return (
    <Button
      size="slim"
      loading={fetcher.state !== "idle"}
      onClick={() => fetcher.submit(jsonTarget({ intent: "resend", deliveryId }), { method: "post", encType: "application/json" })}
    >
      Resend
    </Button>
  );
}

export default function Deliveries() {
  const { deliveries, filters, endpoints, timeZone, hasNext, hasPrevious, sinceDefault } = useLoaderData<typeof loader>();
  const submit = useSubmit();
  const bulk = useFetcher<typeof action>();
  const activeEndpoints = endpoints.filter((endpoint) => endpoint.status === "active");
  const [bulkEndpoint, setBulkEndpoint] = useState(filters.endpointId || activeEndpoints[0]?.id || "");
  const [since, setSince] = useState(sinceDefault);

  const apply = (next: Partial<typeof filters>) => {
    const merged = { ...filters, page: 1, ...next };
    const query = Object.fromEntries(
      Object.entries(merged)
        .filter(([key, value]) => value !== "" && !(key === "page" && value === 1))
        .map(([k, v]) => [k, String(v)]),
    );
    submit(query, { method: "get" });
  };
  const endpointName = (id: string) => endpoints.find((endpoint) => endpoint.id === id)?.name ?? "";

  return (
    <Page title="Deliveries" subtitle="Every event sent to your endpoints, each attempt with what was sent and what came back.">
      <TitleBar title="Deliveries" />
      <BlockStack gap="500">
        <Card>
          <InlineGrid columns={{ xs: 1, sm: 3, lg: 5 }} gap="300">
            <Select
              label="Endpoint"
              options={[{ label: "All endpoints", value: "" }, ...endpoints.map((endpoint) => ({ label: endpoint.name, value: endpoint.id }))]}
              value={filters.endpointId}
              onChange={(endpointId) => apply({ endpointId })}
            />
            <Select
              label="Topic"
              options={[{ label: "All topics", value: "" }, ...Object.entries(TOPIC_LABELS).map(([value, label]) => ({ value, label }))]}
              value={filters.topic}
              onChange={(topic) => apply({ topic })}
            />
            <Select
              label="Status"
              options={[{ label: "All statuses", value: "" }, ...STATUS_OPTIONS]}
              value={filters.status}
              onChange={(status) => apply({ status })}
            />
            <TextField label="From" type="date" value={filters.from} onChange={(from) => apply({ from })} autoComplete="off" />
            <TextField label="To" type="date" value={filters.to} onChange={(to) => apply({ to })} autoComplete="off" />
          </InlineGrid>
        </Card>

        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "delivery", plural: "deliveries" }}
            itemCount={deliveries.length}
            selectable={false}
            emptyState={
              <Box padding="600">
                <BlockStack gap="200" inlineAlign="center">
                  <Text as="p" variant="headingMd">
                    No deliveries match
                  </Text>
                  <Text as="p" tone="subdued">
                    Deliveries appear here as soon as an event is sent to an endpoint. Send a test from an endpoint's page to see one.
                  </Text>
                </BlockStack>
              </Box>
            }
            headings={[
              { title: "Created" },
              { title: "Endpoint" },
              { title: "Topic" },
              { title: "Status" },
              { title: "Attempts", alignment: "end" },
              { title: "Last answer" },
              { title: "Next attempt" },
              { title: "" },
            ]}
          >
            {deliveries.map((delivery, index) => (
              <IndexTable.Row id={delivery.id} key={delivery.id} position={index}>
                <IndexTable.Cell>
                  <Link url={`/app/deliveries/${delivery.id}`} removeUnderline>
                    {formatDateTime(delivery.createdAt, timeZone)}
                  </Link>
                </IndexTable.Cell>
                <IndexTable.Cell>{delivery.endpoint.name}</IndexTable.Cell>
                <IndexTable.Cell>
                  <InlineStack gap="100">
                    <Text as="span">{topicLabel(delivery.topic)}</Text>
                    {delivery.event.checkoutId ? (
                      <Text as="span" tone="subdued">
                        #{delivery.event.checkoutId}
                      </Text>
                    ) : null}
                  </InlineStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <DeliveryStatusBadge status={delivery.status} attemptCount={delivery.attemptCount} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {delivery.attemptCount}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{resultLabel(delivery.lastStatusCode, delivery.lastErrorKind)}</IndexTable.Cell>
                <IndexTable.Cell>{delivery.status === "pending" ? formatDateTime(delivery.nextAttemptAt, timeZone) : "—"}</IndexTable.Cell>
                <IndexTable.Cell>{isResendable(delivery.status) ? <ResendButton deliveryId={delivery.id} /> : null}</IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
          <TablePagination page={filters.page} hasPrevious={hasPrevious} hasNext={hasNext} onPage={(page) => apply({ page })} />
        </Card>

        <Card>
          <BlockStack gap="300">
            <BlockStack gap="100">
              <Text as="h2" variant="headingMd">
                Resend failed deliveries
              </Text>
              <Text as="p" tone="subdued">
                After fixing a receiver: every failed cart event of one endpoint created since the time you pick is sent again, with the same event id (the
                idempotency key) and body. Checkouts ordered meanwhile are skipped.
              </Text>
            </BlockStack>
            {activeEndpoints.length === 0 ? (
              <Text as="p" tone="subdued">
                No active endpoint: resume one first.
              </Text>
            ) : (
              <InlineStack gap="300" blockAlign="end">
                <Box minWidth="220px">
                  <Select
                    label="Endpoint"
                    options={activeEndpoints.map((endpoint) => ({ label: endpoint.name, value: endpoint.id }))}
                    value={bulkEndpoint || activeEndpoints[0]!.id}
                    onChange={setBulkEndpoint}
                  />
                </Box>
                <TextField label={`Failed since (${timeZone})`} type="datetime-local" value={since} onChange={setSince} autoComplete="off" />
                <Button
                  loading={bulk.state !== "idle"}
                  onClick={() =>
                    bulk.submit(jsonTarget({ intent: "resendFailed", endpointId: bulkEndpoint || activeEndpoints[0]!.id, since }), {
                      method: "post",
                      encType: "application/json",
                    })
                  }
                >
                  Resend failed
                </Button>
              </InlineStack>
            )}
            {bulk.data && bulk.state === "idle" ? (
              bulk.data.ok ? (
                <Banner tone={bulk.data.resent > 0 ? "success" : "info"}>
                  <p>
                    {bulk.data.resent > 0
                      ? `${bulk.data.resent} failed ${bulk.data.resent === 1 ? "delivery is" : "deliveries are"} queued and will be sent within seconds.`
                      : `No failed deliveries of ${endpointName(bulkEndpoint)} since then.`}
                  </p>
                </Banner>
              ) : (
                <Banner tone="critical">
                  <p>{bulk.data.error}</p>
                </Banner>
              )
            ) : null}
          </BlockStack>
        </Card>
        <Box paddingBlockEnd="800">
          <InlineStack gap="200" align="center">
            <Badge>Buyer phone numbers and emails are masked everywhere in the admin</Badge>
          </InlineStack>
        </Box>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
