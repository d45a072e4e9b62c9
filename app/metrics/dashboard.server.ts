import type { Shop } from "@prisma/client";
import { sql } from "kysely";
import prisma from "../db.server";
import type { Codec } from "../db/codec";
import { sqlDatabase, type SqlExecutor } from "../db/sql.server";
import { dashboardFromAggregates, FINAL_DELIVERY_STATUSES, MESSAGE_TOPICS, percentileRank, type DashboardAggregates, type DashboardMetrics } from "./dashboard";
import { daysOf, rangeBounds, startOfDay, type DayRange } from "./date-range";
import { onboardingSteps } from "./onboarding";
import { FLOW_DESTINATION_URL } from "../flow/flow-triggers";

/**
 * The dashboard's numbers, aggregated by the database: checkouts grouped by
 * day of the shop's zone (each day a `[start, end)` of instants, so SQLite,
 * which has no time zones, buckets the same way), deliveries and attempts
 * counted and grouped, percentiles read by rank. A handful of statements
 * whose answers grow with the days shown, not with the checkouts in them;
 * `computeDashboard` is the same definition over rows.
 */
export async function loadDashboard(shop: Shop, range: DayRange, endpointId: string | null): Promise<DashboardMetrics> {
  const { db, codec } = sqlDatabase();
  return dashboardFromAggregates({ range, endpointId, currency: shop.currency, aggregates: await dashboardAggregates(db, codec, shop, range, endpointId) });
}

const count = (value: unknown) => Number(value ?? 0);

export async function dashboardAggregates(
  db: SqlExecutor,
  codec: Codec,
  shop: Pick<Shop, "id" | "currency">,
  range: DayRange,
  endpointId: string | null,
): Promise<DashboardAggregates> {
  const postgres = codec.dialect === "postgres";
  const instant = (at: Date) => (postgres ? sql`cast(${codec.date(at)} as timestamp(3))` : sql`${codec.date(at)}`);
  const { start, end } = rangeBounds(range);
  const yes = codec.bool(true);
  const messageTopics = sql.join(MESSAGE_TOPICS.map((topic) => sql`${topic}`));
  const finalStatuses = sql.join(FINAL_DELIVERY_STATUSES.map((status) => sql`${status}`));
  // SQLite would answer a delivery filter from the (shopId, createdAt) or (endpointId, createdAt) index, that is
  // every delivery the shop or endpoint ever had; a unary + keeps the plan on the cohort's checkouts, then their
  // events and deliveries by key.
  const unindexed = (column: string) => (postgres ? sql.ref(column) : sql`+${sql.ref(column)}`);
  const days = daysOf(range);
  const boundaries = [...days.map((day) => startOfDay(day, range.timeZone)), end];
  const dayTable = sql.join(
    days.map((day, i) => sql`(${postgres ? sql`cast(${day} as text)` : sql`${day}`}, ${instant(boundaries[i])}, ${instant(boundaries[i + 1])})`),
  );

  // The cohort's message deliveries: its checkouts found on (shopId, createdAt), then their events and deliveries by key.
  const cohortJoins = sql`"Checkout" c JOIN "Event" e ON e."checkoutId" = c."id" JOIN "Delivery" dl ON dl."eventId" = e."id"`;
  const cohortWhere = sql`c."shopId" = ${shop.id} AND c."createdAt" >= ${instant(start)} AND c."createdAt" < ${instant(end)}
      AND ${unindexed("dl.shopId")} = ${shop.id} AND e."test" = ${codec.bool(false)} AND dl."topic" IN (${messageTopics})
      ${endpointId === null ? sql`` : sql`AND ${unindexed("dl.endpointId")} = ${endpointId}`}`;
  const cohortDeliveries = sql`${cohortJoins} WHERE ${cohortWhere}`;
  // For one endpoint, recovery counts the checkouts it was sent and the ones it reached.
  const sentTo = (reached: boolean) => sql`EXISTS (SELECT 1 FROM "Event" se JOIN "Delivery" sd ON sd."eventId" = se."id"
    WHERE se."checkoutId" = c."id" AND se."test" = ${codec.bool(false)} AND ${unindexed("sd.shopId")} = ${shop.id} AND sd."topic" = 'abandonedCheckout'
      AND ${unindexed("sd.endpointId")} = ${endpointId} ${reached ? sql`AND sd."firstSuccessAt" IS NOT NULL` : sql``})`;
  const inBase = endpointId === null ? sql`c."abandonedAt" IS NOT NULL` : sql`c."abandonedAt" IS NOT NULL AND ${sentTo(false)}`;
  const isRecovered = endpointId === null ? sql`${inBase} AND c."status" = 'recovered'` : sql`${inBase} AND c."status" = 'recovered' AND ${sentTo(true)}`;
  const abandonedWith = (condition: ReturnType<typeof sql>) => sql`sum(CASE WHEN c."abandonedAt" IS NOT NULL AND ${condition} THEN 1 ELSE 0 END)`;
  const latencyMs = postgres
    ? sql`round(extract(epoch from (dl."firstSuccessAt" - e."createdAt")) * 1000)`
    : sql`round((unixepoch(dl."firstSuccessAt", 'subsec') - unixepoch(e."createdAt", 'subsec')) * 1000)`;
  const orderUnits = postgres ? sql`sum(round(c."orderTotal" * 10000))` : sql`sum(cast(round(c."orderTotal" * 10000) as integer))`;

  const [daily, deliveries, notAttempted, failures, revenue] = await Promise.all([
    sql<Record<string, unknown>>`WITH days(day, day_start, day_end) AS (VALUES ${dayTable})
      SELECT d.day AS day, count(*) AS captured,
        sum(CASE WHEN c."abandonedAt" IS NOT NULL THEN 1 ELSE 0 END) AS abandoned,
        ${abandonedWith(sql`c."phoneE164" IS NOT NULL`)} AS with_phone,
        ${abandonedWith(sql`c."phoneE164" IS NOT NULL AND c."whatsappOptIn" = ${yes}`)} AS whatsapp_opt_in,
        ${abandonedWith(sql`c."phoneE164" IS NOT NULL AND c."smsMarketing" = ${yes}`)} AS sms_opt_in,
        ${abandonedWith(sql`c."emailNormalized" IS NOT NULL`)} AS with_email,
        ${abandonedWith(sql`c."emailNormalized" IS NOT NULL AND c."emailMarketing" = ${yes}`)} AS email_opt_in,
        sum(CASE WHEN ${inBase} THEN 1 ELSE 0 END) AS recovery_base,
        sum(CASE WHEN ${isRecovered} THEN 1 ELSE 0 END) AS recovered
      FROM days d JOIN "Checkout" c ON c."shopId" = ${shop.id} AND c."createdAt" >= d.day_start AND c."createdAt" < d.day_end
      GROUP BY d.day`.execute(db),
    sql<Record<string, unknown>>`SELECT
        sum(CASE WHEN dl."attemptCount" > 0 THEN 1 ELSE 0 END) AS attempted,
        sum(CASE WHEN dl."attemptCount" > 0 AND dl."status" IN (${finalStatuses}) THEN 1 ELSE 0 END) AS finished,
        sum(CASE WHEN dl."attemptCount" > 0 AND dl."status" = 'succeeded' THEN 1 ELSE 0 END) AS succeeded,
        count(DISTINCT CASE WHEN dl."attemptCount" > 0 THEN dl."eventId" END) AS events_sent,
        sum(CASE WHEN dl."topic" = 'abandonedCheckout' AND dl."firstSuccessAt" IS NOT NULL THEN 1 ELSE 0 END) AS latencies
      FROM ${cohortDeliveries}`.execute(db),
    sql<Record<string, unknown>>`SELECT dl."status" AS status, count(*) AS deliveries
      FROM ${cohortDeliveries} AND dl."attemptCount" = 0 AND ${unindexed("dl.status")} IN (${finalStatuses})
      GROUP BY dl."status"`.execute(db),
    sql<{
      error_kind: string | null;
      status_code: unknown;
      attempts: unknown;
    }>`SELECT a."errorKind" AS error_kind, a."statusCode" AS status_code, count(*) AS attempts
      FROM ${cohortJoins} JOIN "Attempt" a ON a."deliveryId" = dl."id"
      WHERE ${cohortWhere} AND dl."attemptCount" > 0 AND a."errorKind" IS NOT NULL
      GROUP BY a."errorKind", a."statusCode"`.execute(db),
    // SQLite sums to a number, PostgreSQL to a numeric's text.
    sql<{
      currency: string;
      orders: unknown;
      units: number | string | null;
    }>`SELECT upper(coalesce(c."orderCurrency", ${shop.currency})) AS currency, count(*) AS orders, ${orderUnits} AS units
      FROM "Checkout" c
      WHERE c."shopId" = ${shop.id} AND c."createdAt" >= ${instant(start)} AND c."createdAt" < ${instant(end)} AND c."orderTotal" IS NOT NULL AND ${isRecovered}
      GROUP BY 1`.execute(db),
  ]);

  const totals = deliveries.rows[0] ?? {};
  const latencies = count(totals.latencies);
  // Nearest rank, read with ORDER BY + OFFSET: only the chosen rows leave the database.
  const latencyAt = async (p: number) => {
    if (latencies === 0) return null;
    const { rows } = await sql<{ ms: unknown }>`SELECT ${latencyMs} AS ms FROM ${cohortDeliveries}
      AND dl."topic" = 'abandonedCheckout' AND dl."firstSuccessAt" IS NOT NULL
      ORDER BY ms LIMIT 1 OFFSET ${percentileRank(latencies, p) - 1}`.execute(db);
    return rows[0] ? count(rows[0].ms) : null;
  };
  const [p50Ms, p95Ms] = await Promise.all([latencyAt(50), latencyAt(95)]);

  return {
    daily: daily.rows.map((row) => ({
      day: String(row.day),
      captured: count(row.captured),
      abandoned: count(row.abandoned),
      recovered: count(row.recovered),
      withPhone: count(row.with_phone),
      whatsappOptIn: count(row.whatsapp_opt_in),
      smsOptIn: count(row.sms_opt_in),
      withEmail: count(row.with_email),
      emailOptIn: count(row.email_opt_in),
      recoveryBase: count(row.recovery_base),
    })),
    deliveries: {
      eventsSent: count(totals.events_sent),
      attempted: count(totals.attempted),
      finished: count(totals.finished),
      succeeded: count(totals.succeeded),
      latencies,
    },
    notAttempted: notAttempted.rows.map((row) => ({ status: String(row.status), deliveries: count(row.deliveries) })),
    latency: { p50Ms, p95Ms },
    failures: failures.rows.map((row) => ({
      errorKind: row.error_kind,
      statusCode: row.status_code === null ? null : count(row.status_code),
      attempts: count(row.attempts),
    })),
    revenue: revenue.rows.map((row) => ({
      currency: row.currency,
      orders: count(row.orders),
      units: BigInt(String(row.units ?? 0).replace(/\.0*$/, "")),
    })),
  };
}

/** The setup checklist and whether the shop has anything to show yet. */
export async function loadOnboarding(shop: Shop) {
  const [extensionCapture, activeEndpoints, endpoints, testDelivery, anyCheckout] = await Promise.all([
    prisma.checkout.findFirst({ where: { shopId: shop.id, sources: { contains: "extension" } }, select: { id: true } }),
    // The Flow destination is no BSP.
    prisma.endpoint.count({ where: { shopId: shop.id, status: "active", url: { not: FLOW_DESTINATION_URL } } }),
    prisma.endpoint.count({ where: { shopId: shop.id } }),
    prisma.delivery.findFirst({ where: { shopId: shop.id, topic: "test", status: "succeeded" }, select: { id: true } }),
    prisma.checkout.findFirst({ where: { shopId: shop.id }, select: { id: true } }),
  ]);
  return {
    ...onboardingSteps({
      extensionSeen: extensionCapture !== null,
      pixelActive: shop.webPixelId !== null,
      activeEndpoints,
      testDelivered: testDelivery !== null,
      shopifyPlus: shop.shopifyPlus,
    }),
    isNewShop: anyCheckout === null && endpoints === 0,
  };
}
