import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import prisma from "../db.server";
import { read, type DbDate } from "../db/codec";
import { sqlDatabase, type SqlExecutor } from "../db/sql.server";
import { env, policyMinuteMs } from "../env.server";
import { logger } from "../logger.server";
import { openWithAppKey } from "../crypto/keyring.server";
import { recordIntegrationStatus } from "../events/integration-status.server";
import { afterAttempt, beforeAttempt, CONTROL_TOPICS, REDACTED_BODY, settledStatus, type DeliveryStatus } from "./attempt-rules";
import { deliveryHeaders, redactHeadersForLog } from "./headers";
import type { PayloadFormat } from "./payload/formats";
import { quietHoursForAttempt } from "./quiet-hours";
import { retryPolicyFromEndpoint } from "./retry-policy";
import { sendWebhook, type AttemptResult } from "./send.server";

// The delivery worker on the hot-path SQL layer (decision 004): a batch of
// due deliveries is claimed with one UPDATE ... RETURNING, loaded in three
// queries, its attempt rows written in one transaction before anything is
// sent, sent concurrently, and its results recorded in one transaction. Every
// write after the claim is conditional on the delivery still being in flight
// under this worker's lease, so a cancellation that lands meanwhile sticks.

/** How long a claim holds; longer than the 10 s send timeout, so only a dead worker loses it. */
export const LEASE_MS = 60_000;
const EXCERPT_LIMIT = 4096;
/** Candidates looked at per claimed delivery, so capped endpoints and shops do not starve the rest of a claim. */
const CLAIM_WINDOW_FACTOR = 4;
const MAX_CLAIM_WINDOW = 1000;

export interface WorkerClock {
  now: () => Date;
  random: () => number;
}

export const systemClock: WorkerClock = { now: () => new Date(), random: Math.random };

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  shopId: string;
}

/** Attempts this process has in flight, per endpoint and per shop; the claim keeps each under its cap. */
export interface InFlightLoad {
  endpoints: ReadonlyMap<string, number>;
  shops: ReadonlyMap<string, number>;
  endpointCap: number;
  shopCap: number;
}

export interface ClaimOptions {
  /** Narrows the claim to these deliveries (tests, the "send test" button). */
  deliveryIds?: string[];
  load?: InFlightLoad;
}

const NO_LOAD: InFlightLoad = { endpoints: new Map(), shops: new Map(), endpointCap: 1_000_000, shopCap: 1_000_000 };

function full(counts: ReadonlyMap<string, number>, cap: number): string[] {
  return [...counts].filter(([, n]) => n >= cap).map(([id]) => id);
}

/**
 * SQLite's planner, without statistics, likes to start from the small table
 * (one shop, one endpoint) and walk all of its deliveries; CROSS JOIN makes
 * it start from the deliveries' own index, as PostgreSQL does by itself.
 */
function deliveryFirst(sqlite: boolean) {
  return sqlite ? sql`CROSS JOIN` : sql`JOIN`;
}

/**
 * Claims up to `limit` deliveries that are due, or whose previous holder's
 * lease ran out (a crashed worker), in one statement. PostgreSQL skips rows
 * another worker is claiming (`FOR UPDATE SKIP LOCKED`); SQLite has one
 * writer. Within the claim no endpoint or shop goes over its cap of attempts
 * in flight in this process.
 */
export async function claimDueBatch(workerId: string, now: Date, limit: number, options: ClaimOptions = {}): Promise<ClaimedDelivery[]> {
  if (limit < 1) return [];
  const { db, codec } = sqlDatabase();
  const load = options.load ?? NO_LOAD;
  const at = codec.date(now);
  const until = codec.date(new Date(now.getTime() + LEASE_MS));
  const window = Math.min(MAX_CLAIM_WINDOW, limit * CLAIM_WINDOW_FACTOR);
  const fullEndpoints = full(load.endpoints, load.endpointCap);
  const fullShops = full(load.shops, load.shopCap);
  const endpointLoad = JSON.stringify(Object.fromEntries(load.endpoints));
  const shopLoad = JSON.stringify(Object.fromEntries(load.shops));
  const ids = options.deliveryIds;
  const sqlite = codec.dialect === "sqlite";
  const filters = sqlite
    ? sql`(e.status = 'active' OR d.topic IN ('integrationStatus', 'test'))
      AND d."endpointId" NOT IN (SELECT value FROM json_each(${JSON.stringify(fullEndpoints)}))
      AND d."shopId" NOT IN (SELECT value FROM json_each(${JSON.stringify(fullShops)}))
      ${ids ? sql`AND d.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))` : sql``}`
    : sql`(e.status = 'active' OR d.topic IN ('integrationStatus', 'test'))
      AND NOT (d."endpointId" = ANY(${fullEndpoints}::text[]))
      AND NOT (d."shopId" = ANY(${fullShops}::text[]))
      ${ids ? sql`AND d.id = ANY(${ids}::text[])` : sql``}`;
  const lock = sqlite ? sql`` : sql`FOR UPDATE OF d SKIP LOCKED`;
  const join = deliveryFirst(sqlite);
  // Two index range scans on (status, nextAttemptAt) instead of one sort of everything due.
  const candidates = sql`
pending_due AS (
  SELECT d.id, d."endpointId", d."shopId", d."nextAttemptAt" AS due
  FROM "Delivery" d ${join} "Endpoint" e ON e.id = d."endpointId"
  WHERE d.status = 'pending' AND d."nextAttemptAt" <= ${at} AND ${filters}
  ORDER BY d."nextAttemptAt" LIMIT ${window} ${lock}
), lease_due AS (
  SELECT d.id, d."endpointId", d."shopId", d."nextAttemptAt" AS due
  FROM "Delivery" d ${join} "Endpoint" e ON e.id = d."endpointId"
  WHERE d.status = 'in_flight' AND d."lockedUntil" < ${at} AND ${filters}
  LIMIT ${window} ${lock}
), candidates AS (
  SELECT * FROM pending_due UNION ALL SELECT * FROM lease_due
)`;
  const endpointRank = sqlite
    ? sql`coalesce(json_extract(${endpointLoad}, '$."' || "endpointId" || '"'), 0)`
    : sql`coalesce((${endpointLoad}::jsonb ->> "endpointId")::int, 0)`;
  const shopRank = sqlite ? sql`coalesce(json_extract(${shopLoad}, '$."' || "shopId" || '"'), 0)` : sql`coalesce((${shopLoad}::jsonb ->> "shopId")::int, 0)`;
  // Within the claim, an endpoint's and then a shop's deliveries beyond their cap are left for later.
  const picked = sql`
by_endpoint AS (
  SELECT id, "shopId", due, row_number() OVER (PARTITION BY "endpointId" ORDER BY due, id) + ${endpointRank} AS endpoint_load
  FROM candidates
), by_shop AS (
  SELECT id, due, row_number() OVER (PARTITION BY "shopId" ORDER BY due, id) + ${shopRank} AS shop_load
  FROM by_endpoint WHERE endpoint_load <= ${load.endpointCap}
), picked AS (
  SELECT id FROM by_shop WHERE shop_load <= ${load.shopCap} ORDER BY due, id LIMIT ${limit}
)`;
  const query = sqlite
    ? sql<ClaimedDelivery>`WITH ${candidates}, ${picked}
UPDATE "Delivery" SET status = 'in_flight', "lockedBy" = ${workerId}, "lockedUntil" = ${until}, "updatedAt" = ${at}
WHERE id IN (SELECT id FROM picked)
RETURNING id, "endpointId", "shopId"`
    : sql<ClaimedDelivery>`WITH ${candidates}, ${picked}
UPDATE "Delivery" AS d SET status = 'in_flight', "lockedBy" = ${workerId}, "lockedUntil" = ${until}, "updatedAt" = ${at}
FROM picked WHERE d.id = picked.id
RETURNING d.id, d."endpointId", d."shopId"`;
  const { rows } = await query.execute(db);
  return rows;
}

/** claimDueBatch, as delivery ids. */
export async function claimDueDeliveries(workerId: string, now: Date, limit: number, options: ClaimOptions = {}): Promise<string[]> {
  return (await claimDueBatch(workerId, now, limit, options)).map((row) => row.id);
}

/** Gives back claims this worker holds but has not started, e.g. on shutdown. */
export async function releaseClaims(workerId: string, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  const { db, codec } = sqlDatabase();
  await db
    .updateTable("Delivery")
    .set({ status: "pending", lockedBy: null, lockedUntil: null, updatedAt: codec.date(new Date()) })
    .where("id", "in", deliveryIds)
    .where("lockedBy", "=", workerId)
    .where("status", "=", "in_flight")
    .execute();
}

interface EndpointRow {
  id: string;
  url: string;
  method: string;
  format: string;
  status: string;
  standardWebhooks: boolean;
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
  previousSecretExpiresAt: Date | null;
  retryMode: string;
  retryIntervals: unknown;
  maxRetries: number;
  customHeaders: Record<string, string> | null;
  quietHoursStart: number | null;
  quietHoursEnd: number | null;
  quietHoursTimezone: string | null;
  failingSince: Date | null;
  disableAfterFailingHours: number;
}

/** One attempt that is about to go out: its attempt row is committed before the send. */
export interface PreparedAttempt {
  deliveryId: string;
  attemptId: string;
  number: number;
  /** Completed attempts before this one (interrupted ones do not count). */
  completedBefore: number;
  topic: string;
  eventId: string;
  shopId: string;
  shopDomain: string;
  endpoint: EndpointRow;
  firstSuccessAt: Date | null;
  request: { url: string; method: "POST" | "PUT"; headers: Record<string, string>; body: string };
}

export interface AttemptOutcome {
  prepared: PreparedAttempt;
  result: AttemptResult;
}

function endpointFromRow(row: Record<string, unknown>): EndpointRow {
  return {
    id: row.id as string,
    url: row.url as string,
    method: row.method as string,
    format: row.format as string,
    status: row.status as string,
    standardWebhooks: read.bool(row.standardWebhooks as number | boolean),
    secretCiphertext: row.secretCiphertext as string,
    previousSecretCiphertext: row.previousSecretCiphertext as string | null,
    previousSecretExpiresAt: read.dateOrNull(row.previousSecretExpiresAt as string | null),
    retryMode: row.retryMode as string,
    retryIntervals: read.json(row.retryIntervals),
    maxRetries: Number(row.maxRetries),
    customHeaders: read.json<Record<string, string>>(row.customHeaders),
    quietHoursStart: row.quietHoursStart === null ? null : Number(row.quietHoursStart),
    quietHoursEnd: row.quietHoursEnd === null ? null : Number(row.quietHoursEnd),
    quietHoursTimezone: row.quietHoursTimezone as string | null,
    failingSince: read.dateOrNull(row.failingSince as string | null),
    disableAfterFailingHours: Number(row.disableAfterFailingHours),
  };
}

function signingSecrets(endpoint: EndpointRow, now: Date) {
  const inGrace = endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return {
    current: openWithAppKey(endpoint.secretCiphertext),
    previous: inGrace ? openWithAppKey(endpoint.previousSecretCiphertext!) : null,
  };
}

/** Rows of `ids` still in flight under this worker's lease; PostgreSQL locks them until the caller's transaction ends. */
async function stillHeld(trx: SqlExecutor, ids: string[], workerId: string, postgres: boolean): Promise<Set<string>> {
  let query = trx.selectFrom("Delivery").select("id").where("id", "in", ids).where("status", "=", "in_flight").where("lockedBy", "=", workerId);
  if (postgres) query = query.forUpdate();
  return new Set((await query.execute()).map((row) => row.id));
}

/**
 * Loads a claimed batch, applies the before-attempt rules (cancel, expire,
 * defer) and commits one attempt row per delivery that will be sent, all
 * before anything goes out: a worker killed mid-flight leaves a visible
 * interrupted attempt, and the next worker resends the same body under the
 * same idempotency key. Deliveries no longer held (cancelled meanwhile) are
 * dropped.
 */
export async function prepareAttempts(deliveryIds: string[], workerId: string, clock: WorkerClock = systemClock): Promise<PreparedAttempt[]> {
  if (deliveryIds.length === 0) return [];
  const { db, codec } = sqlDatabase();
  const join = deliveryFirst(codec.dialect === "sqlite");
  // Looked up by primary key only; whether each is still held is checked here (a status index would be walked instead).
  const loaded = await sql<{
    id: string;
    status: string;
    lockedBy: string | null;
    shopId: string;
    eventId: string;
    endpointId: string;
    topic: string;
    body: string;
    firstSuccessAt: DbDate | null;
    expiresAt: DbDate;
    orderId: string | null;
    domain: string;
    uninstalledAt: DbDate | null;
    buyerTimeZone: string | null;
    quietHoursFollowBuyer: boolean | number;
  }>`SELECT d.id, d.status, d."lockedBy", d."shopId", d."eventId", d."endpointId", d.topic, d.body, d."firstSuccessAt", ev."expiresAt", c."orderId", s.domain, s."uninstalledAt", c."buyerTimeZone", s."quietHoursFollowBuyer"
FROM "Delivery" d ${join} "Event" ev ON ev.id = d."eventId" ${join} "Shop" s ON s.id = d."shopId" LEFT JOIN "Checkout" c ON c.id = ev."checkoutId"
WHERE d.id IN (${sql.join(deliveryIds)})`.execute(db);
  const rows = loaded.rows.filter((row) => row.status === "in_flight" && row.lockedBy === workerId);
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [endpointRows, attemptRows] = await Promise.all([
    db
      .selectFrom("Endpoint")
      .selectAll()
      .where("id", "in", [...new Set(rows.map((row) => row.endpointId))])
      .execute(),
    db
      .selectFrom("Attempt")
      .select([
        "deliveryId",
        sql<number>`max(number)`.as("last"),
        sql<number>`sum(case when "errorKind" = 'interrupted' or ("statusCode" is null and "errorKind" is null) then 0 else 1 end)`.as("completed"),
      ])
      .where("deliveryId", "in", ids)
      .groupBy("deliveryId")
      .execute(),
  ]);
  const endpoints = new Map(endpointRows.map((row) => [row.id, endpointFromRow(row as Record<string, unknown>)]));
  const attempts = new Map(attemptRows.map((row) => [row.deliveryId, { last: Number(row.last), completed: Number(row.completed) }]));
  const secrets = new Map<string, ReturnType<typeof signingSecrets>>();

  const startedAt = clock.now();
  const settle: { id: string; status: DeliveryStatus; nextAttemptAt: Date | null; reason?: string }[] = [];
  const prepared: PreparedAttempt[] = [];
  for (const row of rows) {
    const endpoint = endpoints.get(row.endpointId)!;
    const before = beforeAttempt(
      {
        topic: row.topic,
        checkoutOrderId: row.orderId,
        eventExpiresAt: read.date(row.expiresAt),
        endpointStatus: endpoint.status,
        quietHours: quietHoursForAttempt(endpoint, row),
        shopUninstalled: row.uninstalledAt !== null,
        bodyRedacted: row.body === REDACTED_BODY,
      },
      startedAt,
    );
    if (before.kind === "cancel") {
      settle.push({ id: row.id, status: before.status, nextAttemptAt: null, reason: before.reason });
      continue;
    }
    if (before.kind === "defer") {
      settle.push({ id: row.id, status: "pending", nextAttemptAt: before.until });
      continue;
    }
    const history = attempts.get(row.id) ?? { last: 0, completed: 0 };
    const number = history.last + 1;
    const requestId = randomUUID();
    let secret = secrets.get(endpoint.id);
    if (!secret) secrets.set(endpoint.id, (secret = signingSecrets(endpoint, startedAt)));
    const headers = deliveryHeaders({
      shopDomain: row.domain,
      topic: row.topic,
      format: endpoint.format as PayloadFormat,
      body: row.body,
      eventId: row.eventId,
      attempt: number,
      requestId,
      timestampMs: startedAt.getTime(),
      secrets: secret,
      standardWebhooks: endpoint.standardWebhooks,
      customHeaders: endpoint.customHeaders,
    });
    prepared.push({
      deliveryId: row.id,
      attemptId: randomUUID(),
      number,
      completedBefore: history.completed,
      topic: row.topic,
      eventId: row.eventId,
      shopId: row.shopId,
      shopDomain: row.domain,
      endpoint,
      firstSuccessAt: read.dateOrNull(row.firstSuccessAt),
      request: { url: endpoint.url, method: endpoint.method === "PUT" ? "PUT" : "POST", headers, body: row.body },
    });
  }

  const at = codec.date(startedAt);
  const held = await db.transaction().execute(async (trx) => {
    const held = await stillHeld(trx, ids, workerId, codec.dialect === "postgres");
    if (held.size === 0) return held;
    await trx
      .updateTable("Attempt")
      .set({ errorKind: "interrupted", errorMessage: "the worker stopped before recording the result" })
      .where("deliveryId", "in", [...held])
      .where("statusCode", "is", null)
      .where("errorKind", "is", null)
      .execute();
    for (const item of settle) {
      if (!held.has(item.id)) continue;
      await trx
        .updateTable("Delivery")
        .set({ status: item.status, nextAttemptAt: item.nextAttemptAt && codec.date(item.nextAttemptAt), lockedBy: null, lockedUntil: null, updatedAt: at })
        .where("id", "=", item.id)
        .where("status", "=", "in_flight")
        .where("lockedBy", "=", workerId)
        .execute();
    }
    const sending = prepared.filter((item) => held.has(item.deliveryId));
    if (sending.length > 0) {
      await trx
        .insertInto("Attempt")
        .values(
          sending.map((item) => ({
            id: item.attemptId,
            deliveryId: item.deliveryId,
            number: item.number,
            requestId: item.request.headers["x-request-id"],
            startedAt: at,
            requestHeaders: codec.json(redactHeadersForLog(item.request.headers)),
          })),
        )
        .execute();
    }
    return held;
  });
  for (const item of settle) {
    if (held.has(item.id) && item.reason) logger.info({ deliveryId: item.id, status: item.status, reason: item.reason }, "delivery cancelled");
  }
  return prepared.filter((item) => held.has(item.deliveryId));
}

/** Sends one prepared attempt; never throws. */
export function sendPrepared(item: PreparedAttempt, { timeoutMs }: { timeoutMs?: number } = {}): Promise<AttemptResult> {
  return sendWebhook(item.request, { allowLoopback: env.CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS, timeoutMs });
}

export interface RecordedOutcome {
  deliveryId: string;
  /** The status recorded, or null when the delivery was no longer this worker's (cancelled or re-leased meanwhile). */
  status: DeliveryStatus | null;
  nextAttemptAt: Date | null;
}

interface Disable {
  endpointId: string;
  shopDomain: string;
  reason: string;
  statusCode: number | null;
}

/**
 * Records a batch of results in one transaction. A delivery is updated only
 * while it is still in flight under this worker's lease: a cancellation that
 * landed during the attempt (redaction, uninstall, a linked order) stays, and
 * a retry it made moot is not scheduled. Endpoints that must be disabled are
 * disabled after the commit.
 */
export async function recordOutcomes(outcomes: AttemptOutcome[], workerId: string, clock: WorkerClock = systemClock): Promise<RecordedOutcome[]> {
  if (outcomes.length === 0) return [];
  const { db, codec } = sqlDatabase();
  const now = clock.now();
  const at = codec.date(now);
  const minuteMs = policyMinuteMs(env);
  const disables = new Map<string, Disable>();
  const recorded = await db.transaction().execute(async (trx) => {
    const join = deliveryFirst(codec.dialect === "sqlite");
    const { rows: stateRows } = await sql<{ id: string; status: string; lockedBy: string | null; orderId: string | null; uninstalledAt: DbDate | null }>`
SELECT d.id, d.status, d."lockedBy", c."orderId", s."uninstalledAt"
FROM "Delivery" d ${join} "Event" ev ON ev.id = d."eventId" ${join} "Shop" s ON s.id = d."shopId" LEFT JOIN "Checkout" c ON c.id = ev."checkoutId"
WHERE d.id IN (${sql.join(outcomes.map((o) => o.prepared.deliveryId))})
${codec.dialect === "postgres" ? sql`FOR UPDATE OF d` : sql``}`.execute(trx);
    const state = new Map(stateRows.map((row) => [row.id, row]));
    const endpointIds = [...new Set(outcomes.map((o) => o.prepared.endpoint.id))];
    const health = new Map(
      (await trx.selectFrom("Endpoint").select(["id", "status", "failingSince"]).where("id", "in", endpointIds).execute()).map((row) => [
        row.id,
        { status: row.status, failingSince: read.dateOrNull(row.failingSince), touched: false },
      ]),
    );

    const results: RecordedOutcome[] = [];
    for (const { prepared, result } of outcomes) {
      const current = state.get(prepared.deliveryId);
      const mine = current?.status === "in_flight" && current.lockedBy === workerId;
      const endpoint = health.get(prepared.endpoint.id);
      const policy = retryPolicyFromEndpoint(prepared.endpoint);
      const next = afterAttempt(
        {
          result,
          // A test answers the merchant now; it is not retried.
          policy: prepared.topic === "test" ? { ...policy, maxRetries: 0 } : policy,
          attemptsMade: prepared.completedBefore + 1,
          endpointFailingSince: endpoint?.failingSince ?? null,
          disableAfterFailingHours: prepared.endpoint.disableAfterFailingHours,
          minuteMs,
        },
        now,
        clock.random,
      );
      if (mine) {
        const status = settledStatus({
          topic: prepared.topic,
          status: next.status,
          checkoutOrderId: current.orderId,
          shopUninstalled: current.uninstalledAt !== null,
        });
        const nextAttemptAt = status === "pending" ? next.nextAttemptAt : null;
        await trx
          .updateTable("Delivery")
          .set({
            status,
            nextAttemptAt: nextAttemptAt && codec.date(nextAttemptAt),
            attemptCount: prepared.number,
            lastStatusCode: result.statusCode,
            lastErrorKind: result.ok ? null : result.errorKind,
            firstSuccessAt: result.ok ? codec.date(prepared.firstSuccessAt ?? now) : prepared.firstSuccessAt && codec.date(prepared.firstSuccessAt),
            lockedBy: null,
            lockedUntil: null,
            updatedAt: at,
          })
          .where("id", "=", prepared.deliveryId)
          .where("status", "=", "in_flight")
          .where("lockedBy", "=", workerId)
          .execute();
        results.push({ deliveryId: prepared.deliveryId, status, nextAttemptAt });
      } else {
        results.push({ deliveryId: prepared.deliveryId, status: null, nextAttemptAt: null });
      }
      await trx
        .updateTable("Attempt")
        .set({
          durationMs: result.durationMs,
          statusCode: result.statusCode,
          errorKind: result.ok ? null : result.errorKind,
          errorMessage: result.errorMessage,
          // What a BSP answered about a delivery redacted meanwhile is not kept either.
          responseExcerpt: mine ? (result.responseExcerpt?.slice(0, EXCERPT_LIMIT) ?? null) : null,
        })
        .where("id", "=", prepared.attemptId)
        .execute();
      if (CONTROL_TOPICS.has(prepared.topic) || !endpoint) continue;
      endpoint.failingSince = next.endpointFailingSince;
      endpoint.touched = true;
      if (next.disableEndpoint && endpoint.status === "active" && !disables.has(prepared.endpoint.id)) {
        disables.set(prepared.endpoint.id, {
          endpointId: prepared.endpoint.id,
          shopDomain: prepared.shopDomain,
          reason: next.disableEndpoint,
          statusCode: result.statusCode,
        });
      }
    }
    for (const [id, endpoint] of health) {
      if (!endpoint.touched) continue;
      await trx
        .updateTable("Endpoint")
        .set({ lastDeliveryAt: at, failingSince: endpoint.failingSince && codec.date(endpoint.failingSince), updatedAt: at })
        .where("id", "=", id)
        .execute();
    }
    return results;
  });
  for (const disable of disables.values()) await disableEndpoint(disable, now);
  return recorded;
}

/** The rare path stays on Prisma: conditional on the endpoint still being active, so two workers disable it once. */
async function disableEndpoint({ endpointId, shopDomain, reason, statusCode }: Disable, now: Date) {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.endpoint.updateMany({ where: { id: endpointId, status: "active" }, data: { status: "disabled", disabledReason: reason } });
    if (count === 0) return;
    await tx.delivery.updateMany({
      where: { endpointId, status: "pending", topic: { not: "integrationStatus" } },
      data: { status: "cancelled", nextAttemptAt: null },
    });
    const endpoint = await tx.endpoint.findUniqueOrThrow({ where: { id: endpointId } });
    await recordIntegrationStatus(tx, { endpoint, shopDomain, status: "disabled", reason, now, deliver: statusCode !== 410 });
  });
  logger.warn({ shop: shopDomain, endpointId, reason }, "endpoint disabled");
}

function logAttempt({ prepared, result }: AttemptOutcome) {
  logger.info(
    {
      shop: prepared.shopDomain,
      eventId: prepared.eventId,
      deliveryId: prepared.deliveryId,
      attempt: prepared.number,
      statusCode: result.statusCode,
      errorKind: result.errorKind,
      durationMs: result.durationMs,
    },
    "delivery attempt",
  );
}

/**
 * One pass over deliveries this worker has claimed: prepare, send all at
 * once, record the results together. For tests, the "send test" button and
 * one-shot workers; the queues use the continuous lanes instead.
 */
export async function deliverClaimed(
  deliveryIds: string[],
  workerId: string,
  clock: WorkerClock = systemClock,
  { timeoutMs }: { timeoutMs?: number } = {},
): Promise<Map<string, AttemptResult>> {
  const prepared = await prepareAttempts(deliveryIds, workerId, clock);
  const outcomes = await Promise.all(prepared.map(async (item) => ({ prepared: item, result: await sendPrepared(item, { timeoutMs }) })));
  await recordOutcomes(outcomes, workerId, clock);
  outcomes.forEach(logAttempt);
  return new Map(outcomes.map((o) => [o.prepared.deliveryId, o.result]));
}

export { logAttempt };

/** One attempt of one claimed delivery; null when it was not sent (cancelled, deferred, no longer held). */
export async function performAttempt(
  deliveryId: string,
  workerId: string,
  clock: WorkerClock = systemClock,
  options: { timeoutMs?: number } = {},
): Promise<AttemptResult | null> {
  return (await deliverClaimed([deliveryId], workerId, clock, options)).get(deliveryId) ?? null;
}
