import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { boundedMemo } from "../bounded-memo";
import prisma from "../db.server";
import { read, type DbDate, type SqlDialect } from "../db/codec";
import { timeOrderedId } from "../db/ids";
import { sqlDatabase, transactionSyncedOffLoop, type SqlExecutor, type SqlTransaction } from "../db/sql.server";
import { env, policyMinuteMs } from "../env.server";
import { logger } from "../logger.server";
import { openWithAppKey } from "../crypto/keyring.server";
import { recordIntegrationStatus } from "../events/integration-status.server";
import { afterAttempt, beforeAttempt, CONTROL_TOPICS, REDACTED_BODY, settledStatus, type DeliveryStatus } from "./attempt-rules";
import { deliveryHeaders, redactHeadersForLog } from "../events/headers";
import type { PayloadFormat } from "../events/payload/formats";
import { quietHoursFromEndpoint, quietHoursOnBuyerClock, type QuietHours } from "./quiet-hours";
import { retryPolicyFromEndpoint, type RetryPolicy } from "./retry-policy";
import { sendWebhook, type AttemptResult } from "./send.server";
import { pickWithinCaps, type ClaimedDelivery, type InFlightLoad } from "./claim-caps";
import { isFlowDestination } from "../flow/flow-triggers";
import { sendFlowTrigger } from "../flow/flow-sender.server";

// The delivery worker on the hot-path SQL layer (decision 004). One cycle is
// one transaction: it records the results that came back since the last
// cycle, claims due deliveries for the slots they freed (a read of the
// candidates, then one UPDATE ... RETURNING), loads them in three queries and
// writes their attempt rows; the commit is on disk before anything is sent
// (its fsync runs off the event loop, so answers keep coming in meanwhile),
// and the sends then go out concurrently. Every
// statement has fixed text (lists travel as one JSON or array parameter), so
// each is prepared once per process, and every write after the claim is
// conditional on the delivery still being in flight under this worker's
// lease, so a cancellation that lands meanwhile sticks.

/** How long a claim holds; longer than the 10 s send timeout, so only a dead worker loses it. */
export const LEASE_MS = 60_000;
const EXCERPT_LIMIT = 4096;
/**
 * A claim looks at as many due deliveries as it may take, earliest first.
 * Endpoints and shops already at their cap are left out in SQL, so a slow
 * receiver never holds back the rest; one that fills up during the pick
 * leaves the claim short, and the next cycle goes on past it. Looking at four
 * times as many, to fill such a claim at once, cost more than it carried.
 */
const MAX_CLAIM_WINDOW = 1000;

export interface WorkerClock {
  now: () => Date;
  random: () => number;
}

export const systemClock: WorkerClock = { now: () => new Date(), random: Math.random };

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
function deliveryFirst(dialect: SqlDialect) {
  return dialect === "sqlite" ? sql`CROSS JOIN` : sql`JOIN`;
}

/** `IN <list>` with one parameter whatever the list's length, so the statement's text (and its prepared plan) never changes. */
function anyOf(dialect: SqlDialect, values: readonly string[]) {
  return dialect === "sqlite" ? sql`(SELECT value FROM json_each(${JSON.stringify(values)}))` : sql`(SELECT unnest(${values}::text[]))`;
}

/**
 * A delivery still in flight under this worker's lease, as a join condition
 * after a primary-key match: SQLite would otherwise walk the status index
 * and read the JSON rows again for each delivery in flight (`+` keeps a term
 * off the index there).
 */
function stillLeased(dialect: SqlDialect, workerId: string) {
  return dialect === "sqlite" ? sql`+d.status = 'in_flight' AND +d."lockedBy" = ${workerId}` : sql`d.status = 'in_flight' AND d."lockedBy" = ${workerId}`;
}

/** Rows of one JSON parameter as a table `r` with typed columns (PostgreSQL types; SQLite reads each key as stored). */
function jsonRows(dialect: SqlDialect, rows: readonly object[], columns: Record<string, string>) {
  const names = Object.keys(columns);
  if (dialect === "sqlite") {
    const select = names.map((name) => `json_extract(value, '$.${name}') AS "${name}"`).join(", ");
    return sql`(SELECT ${sql.raw(select)} FROM json_each(${JSON.stringify(rows)})) AS r`;
  }
  const types = names.map((name) => `"${name}" ${columns[name]}`).join(", ");
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(${sql.raw(types)})`;
}

/**
 * Claims up to `limit` deliveries that are due, or whose previous holder's
 * lease ran out (a crashed worker). PostgreSQL skips rows another worker is
 * claiming (`FOR UPDATE SKIP LOCKED`); SQLite has one writer. Within the claim
 * no endpoint or shop goes over its cap of attempts in flight in this process
 * (pickWithinCaps). Two statements: the candidates, read through the
 * `(status, nextAttemptAt)` index, and the claim of those picked by primary
 * key; the pick runs here, because ranking the candidates in SQL (window
 * functions, a JSON lookup per row, four sorts) cost SQLite four times the
 * claim itself.
 */
export async function claimDueBatch(workerId: string, now: Date, limit: number, options: ClaimOptions = {}): Promise<ClaimedDelivery[]> {
  return sqlDatabase()
    .db.transaction()
    .execute((trx) => claimIn(trx, workerId, now, limit, options));
}

async function claimIn(executor: SqlTransaction, workerId: string, now: Date, limit: number, options: ClaimOptions = {}): Promise<ClaimedDelivery[]> {
  if (limit < 1) return [];
  const { codec } = sqlDatabase();
  const dialect = codec.dialect;
  const load = options.load ?? NO_LOAD;
  const at = codec.date(now);
  const window = Math.min(MAX_CLAIM_WINDOW, limit);
  const ids = options.deliveryIds;
  // The endpoint-takes rule (attempt-rules.ts) as SQL: an active endpoint, or a control topic.
  const filters = sql`(e.status = 'active' OR d.topic IN ${anyOf(dialect, [...CONTROL_TOPICS])})
      AND d."endpointId" NOT IN ${anyOf(dialect, full(load.endpoints, load.endpointCap))}
      AND d."shopId" NOT IN ${anyOf(dialect, full(load.shops, load.shopCap))}
      ${ids ? sql`AND d.id IN ${anyOf(dialect, ids)}` : sql``}`;
  const lock = dialect === "sqlite" ? sql`` : sql`FOR UPDATE OF d SKIP LOCKED`;
  const join = deliveryFirst(dialect);
  // Two index range scans on (status, nextAttemptAt) instead of one sort of everything due.
  const { rows } = await sql<{ id: string; endpointId: string; shopId: string; due: DbDate | null }>`WITH
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
)
SELECT * FROM pending_due UNION ALL SELECT * FROM lease_due`.execute(executor);
  const picked = pickWithinCaps(
    rows.map((row) => ({ id: row.id, endpointId: row.endpointId, shopId: row.shopId, due: row.due === null ? 0 : read.date(row.due).getTime() })),
    load,
    limit,
  );
  if (picked.length === 0) return [];
  const until = codec.date(new Date(now.getTime() + LEASE_MS));
  // Inside the caller's transaction the candidates are still claimable (SQLite has one writer, PostgreSQL holds their row locks); the check says so anyway.
  const claimable =
    dialect === "sqlite"
      ? sql`(+status = 'pending' OR (+status = 'in_flight' AND "lockedUntil" < ${at}))`
      : sql`(status = 'pending' OR (status = 'in_flight' AND "lockedUntil" < ${at}))`;
  const claimed = await sql<ClaimedDelivery>`UPDATE "Delivery" SET status = 'in_flight', "lockedBy" = ${workerId}, "lockedUntil" = ${until}, "updatedAt" = ${at}
WHERE id IN ${anyOf(
    dialect,
    picked.map((row) => row.id),
  )} AND ${claimable}
RETURNING id, "endpointId", "shopId"`.execute(executor);
  return claimed.rows;
}

/** When the next pending delivery falls due after `now`, if one does: how long an idle worker may sleep. */
async function nextDueIn(executor: SqlExecutor, now: Date): Promise<Date | null> {
  const { codec } = sqlDatabase();
  const { rows } = await sql<{ due: DbDate }>`SELECT "nextAttemptAt" AS due FROM "Delivery"
WHERE status = 'pending' AND "nextAttemptAt" > ${codec.date(now)} ORDER BY "nextAttemptAt" LIMIT 1`.execute(executor);
  return rows[0] ? read.date(rows[0].due) : null;
}

/** claimDueBatch, as delivery ids. */
export async function claimDueDeliveries(workerId: string, now: Date, limit: number, options: ClaimOptions = {}): Promise<string[]> {
  return (await claimDueBatch(workerId, now, limit, options)).map((row) => row.id);
}

/** Gives back claims this worker holds but has not started, e.g. on shutdown. */
export async function releaseClaims(workerId: string, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  const { db, codec } = sqlDatabase();
  await sql`UPDATE "Delivery" SET status = 'pending', "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = ${codec.date(new Date())}
WHERE id IN ${anyOf(codec.dialect, deliveryIds)} AND "lockedBy" = ${workerId} AND status = 'in_flight'`.execute(db);
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

/** Signing secrets opened before, by their sealed text: a rotation seals a new text, so an entry never goes stale. */
const openedSecrets = boundedMemo<string>(1000);

function opened(sealed: string): string {
  return openedSecrets(sealed, () => openWithAppKey(sealed));
}

function signingSecrets(endpoint: EndpointRow, now: Date) {
  const inGrace = endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return {
    current: opened(endpoint.secretCiphertext),
    previous: inGrace ? opened(endpoint.previousSecretCiphertext!) : null,
  };
}

/** `read(endpoint)` once per endpoint of one cycle. */
function perEndpoint<T>(read: (endpoint: EndpointRow) => T): (endpoint: EndpointRow) => T {
  const seen = new Map<string, T>();
  return (endpoint) => {
    if (!seen.has(endpoint.id)) seen.set(endpoint.id, read(endpoint));
    return seen.get(endpoint.id)!;
  };
}

interface Cancellation {
  deliveryId: string;
  status: DeliveryStatus;
  reason: string;
}

interface Prepared {
  prepared: PreparedAttempt[];
  cancelled: Cancellation[];
}

/**
 * Inside the caller's transaction: loads the deliveries of `deliveryIds` this
 * worker still holds (PostgreSQL locks them), applies the before-attempt
 * rules (cancel, expire, defer) and writes one attempt row per delivery that
 * will be sent. The caller commits before anything goes out: a worker killed
 * mid-flight leaves a visible interrupted attempt, and the next worker
 * resends the same body under the same idempotency key.
 */
async function prepareIn(trx: SqlExecutor, deliveryIds: string[], workerId: string, startedAt: Date): Promise<Prepared> {
  if (deliveryIds.length === 0) return { prepared: [], cancelled: [] };
  const { codec } = sqlDatabase();
  const dialect = codec.dialect;
  const join = deliveryFirst(dialect);
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
    buyerOptedOut: boolean | number | null;
  }>`SELECT d.id, d.status, d."lockedBy", d."shopId", d."eventId", d."endpointId", d.topic, d.body, d."firstSuccessAt", ev."expiresAt", c."orderId", s.domain, s."uninstalledAt", c."buyerTimeZone", s."quietHoursFollowBuyer",
  EXISTS (SELECT 1 FROM "OptOut" o WHERE o."shopId" = d."shopId" AND o."phoneE164" = c."phoneE164") AS "buyerOptedOut"
FROM "Delivery" d ${join} "Event" ev ON ev.id = d."eventId" ${join} "Shop" s ON s.id = d."shopId" LEFT JOIN "Checkout" c ON c.id = ev."checkoutId"
WHERE d.id IN ${anyOf(dialect, deliveryIds)}
${dialect === "postgres" ? sql`FOR UPDATE OF d` : sql``}`.execute(trx);
  const rows = loaded.rows.filter((row) => row.status === "in_flight" && row.lockedBy === workerId);
  if (rows.length === 0) return { prepared: [], cancelled: [] };
  const ids = rows.map((row) => row.id);
  const endpointRows = await sql<
    Record<string, unknown>
  >`SELECT * FROM "Endpoint" WHERE id IN ${anyOf(dialect, [...new Set(rows.map((row) => row.endpointId))])}`.execute(trx);
  const attemptRows = await sql<{ deliveryId: string; last: number; completed: number }>`SELECT "deliveryId", max(number) AS last,
  sum(CASE WHEN "errorKind" = 'interrupted' OR ("statusCode" IS NULL AND "errorKind" IS NULL) THEN 0 ELSE 1 END) AS completed
FROM "Attempt" WHERE "deliveryId" IN ${anyOf(dialect, ids)} GROUP BY "deliveryId"`.execute(trx);
  const endpoints = new Map(endpointRows.rows.map((row) => [row.id as string, endpointFromRow(row)]));
  const attempts = new Map(attemptRows.rows.map((row) => [row.deliveryId, { last: Number(row.last), completed: Number(row.completed) }]));
  const secretsOf = perEndpoint((endpoint) => signingSecrets(endpoint, startedAt));
  const quietHoursOf = perEndpoint<QuietHours | null>(quietHoursFromEndpoint);

  const at = codec.date(startedAt);
  const settle: { id: string; status: DeliveryStatus; nextAttemptAt: DbDate | null; lastErrorKind: string | null }[] = [];
  const cancelled: Cancellation[] = [];
  const prepared: PreparedAttempt[] = [];
  for (const row of rows) {
    const endpoint = endpoints.get(row.endpointId)!;
    const before = beforeAttempt(
      {
        topic: row.topic,
        checkoutOrderId: row.orderId,
        eventExpiresAt: read.date(row.expiresAt),
        endpointStatus: endpoint.status,
        quietHours: quietHoursOnBuyerClock(quietHoursOf(endpoint), row),
        shopUninstalled: row.uninstalledAt !== null,
        bodyRedacted: row.body === REDACTED_BODY,
        buyerOptedOut: Boolean(row.buyerOptedOut),
      },
      startedAt,
    );
    if (before.kind === "cancel") {
      settle.push({ id: row.id, status: before.status, nextAttemptAt: null, lastErrorKind: before.errorKind ?? null });
      cancelled.push({ deliveryId: row.id, status: before.status, reason: before.reason });
      continue;
    }
    if (before.kind === "defer") {
      settle.push({ id: row.id, status: "pending", nextAttemptAt: codec.date(before.until), lastErrorKind: null });
      continue;
    }
    const history = attempts.get(row.id) ?? { last: 0, completed: 0 };
    const number = history.last + 1;
    const requestId = randomUUID();
    const headers = deliveryHeaders({
      shopDomain: row.domain,
      topic: row.topic,
      format: endpoint.format as PayloadFormat,
      body: row.body,
      eventId: row.eventId,
      attempt: number,
      requestId,
      timestampMs: startedAt.getTime(),
      secrets: secretsOf(endpoint),
      standardWebhooks: endpoint.standardWebhooks,
      customHeaders: endpoint.customHeaders,
    });
    prepared.push({
      deliveryId: row.id,
      attemptId: timeOrderedId(startedAt.getTime()),
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

  // Only a delivery tried before can have an attempt a dead worker left unfinished.
  const triedBefore = ids.filter((id) => attempts.has(id));
  if (triedBefore.length > 0) {
    await sql`UPDATE "Attempt" SET "errorKind" = 'interrupted', "errorMessage" = 'the worker stopped before recording the result'
WHERE "deliveryId" IN ${anyOf(dialect, triedBefore)} AND "statusCode" IS NULL AND "errorKind" IS NULL`.execute(trx);
  }
  if (settle.length > 0) {
    await sql`UPDATE "Delivery" AS d SET status = r.status, "nextAttemptAt" = r."nextAttemptAt", "lastErrorKind" = coalesce(r."lastErrorKind", d."lastErrorKind"),
  "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = ${at}
FROM ${jsonRows(dialect, settle, { id: "text", status: "text", nextAttemptAt: "timestamp(3)", lastErrorKind: "text" })}
WHERE d.id = r.id AND ${stillLeased(dialect, workerId)}`.execute(trx);
  }
  if (prepared.length > 0) {
    const attemptsToWrite = prepared.map((item) => ({
      id: item.attemptId,
      deliveryId: item.deliveryId,
      number: item.number,
      requestId: item.request.headers["x-request-id"],
      requestHeaders: codec.json(redactHeadersForLog(item.request.headers)),
    }));
    const headersValue = dialect === "sqlite" ? sql`r."requestHeaders"` : sql`r."requestHeaders"::json`;
    const startedValue = dialect === "sqlite" ? sql`${at}` : sql`${at}::timestamp(3)`;
    await sql`INSERT INTO "Attempt" (id, "deliveryId", number, "requestId", "startedAt", "requestHeaders")
SELECT r.id, r."deliveryId", r.number, r."requestId", ${startedValue}, ${headersValue}
FROM ${jsonRows(dialect, attemptsToWrite, { id: "text", deliveryId: "text", number: "int", requestId: "text", requestHeaders: "text" })}`.execute(trx);
  }
  return { prepared, cancelled };
}

function logCancellations(cancelled: Cancellation[]) {
  for (const item of cancelled) logger.info({ deliveryId: item.deliveryId, status: item.status, reason: item.reason }, "delivery cancelled");
}

/**
 * Loads deliveries this worker claimed and commits their attempt rows (see
 * prepareIn); deliveries no longer held (cancelled meanwhile) are dropped.
 */
export async function prepareAttempts(deliveryIds: string[], workerId: string, clock: WorkerClock = systemClock): Promise<PreparedAttempt[]> {
  if (deliveryIds.length === 0) return [];
  const startedAt = clock.now();
  const { prepared, cancelled } = await transactionSyncedOffLoop((trx) => prepareIn(trx, deliveryIds, workerId, startedAt));
  logCancellations(cancelled);
  return prepared;
}

/** Sends one prepared attempt; never throws. */
export function sendPrepared(item: PreparedAttempt, { timeoutMs }: { timeoutMs?: number } = {}): Promise<AttemptResult> {
  if (isFlowDestination(item.endpoint.url)) return sendFlowTrigger(item);
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

interface Recorded {
  recorded: RecordedOutcome[];
  disables: Disable[];
}

/**
 * Inside the caller's transaction: records a group of results. A delivery is
 * updated only while it is still in flight under this worker's lease: a
 * cancellation that landed during the attempt (redaction, uninstall, a linked
 * order) stays, and a retry it made moot is not scheduled. Which deliveries
 * were still held comes back from the update itself; only results that would
 * schedule a retry read the checkout and the shop again first. Endpoints that
 * must be disabled are returned, to be disabled after the commit.
 */
async function recordIn(trx: SqlExecutor, outcomes: AttemptOutcome[], workerId: string, clock: WorkerClock): Promise<Recorded> {
  if (outcomes.length === 0) return { recorded: [], disables: [] };
  const { codec } = sqlDatabase();
  const dialect = codec.dialect;
  const now = clock.now();
  const at = codec.date(now);
  const minuteMs = policyMinuteMs(env);
  const disables = new Map<string, Disable>();
  const join = deliveryFirst(dialect);
  const endpointIds = [...new Set(outcomes.map((o) => o.prepared.endpoint.id))];
  const { rows: healthRows } = await sql<{ id: string; status: string; failingSince: DbDate | null }>`SELECT id, status, "failingSince" FROM "Endpoint"
WHERE id IN ${anyOf(dialect, endpointIds)}`.execute(trx);
  const health = new Map(healthRows.map((row) => [row.id, { status: row.status, failingSince: read.dateOrNull(row.failingSince), touched: false }]));

  const policyOf = perEndpoint<RetryPolicy>(retryPolicyFromEndpoint);
  const decided = outcomes.map(({ prepared, result }) => {
    const endpoint = health.get(prepared.endpoint.id);
    const policy = policyOf(prepared.endpoint);
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
    if (!CONTROL_TOPICS.has(prepared.topic) && endpoint) {
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
    return { prepared, result, next };
  });

  // A retry is scheduled only if no order and no uninstall made it moot meanwhile: read again here (PostgreSQL locks the rows).
  const retrying = decided.filter((item) => item.next.status === "pending").map((item) => item.prepared.deliveryId);
  const moot = new Map<string, { orderId: string | null; uninstalledAt: DbDate | null }>();
  if (retrying.length > 0) {
    const { rows } = await sql<{ id: string; orderId: string | null; uninstalledAt: DbDate | null }>`
SELECT d.id, c."orderId", s."uninstalledAt"
FROM "Delivery" d ${join} "Event" ev ON ev.id = d."eventId" ${join} "Shop" s ON s.id = d."shopId" LEFT JOIN "Checkout" c ON c.id = ev."checkoutId"
WHERE d.id IN ${anyOf(dialect, retrying)}
${dialect === "postgres" ? sql`FOR UPDATE OF d` : sql``}`.execute(trx);
    for (const row of rows) moot.set(row.id, row);
  }

  const deliveryRows = decided.map(({ prepared, result, next }) => {
    const current = moot.get(prepared.deliveryId);
    const status = settledStatus({
      topic: prepared.topic,
      status: next.status,
      checkoutOrderId: current?.orderId ?? null,
      shopUninstalled: current ? current.uninstalledAt !== null : false,
    });
    const firstSuccessAt = result.ok ? (prepared.firstSuccessAt ?? now) : prepared.firstSuccessAt;
    return {
      id: prepared.deliveryId,
      status,
      nextAttemptAt: status === "pending" && next.nextAttemptAt ? codec.date(next.nextAttemptAt) : null,
      attemptCount: prepared.number,
      lastStatusCode: result.statusCode,
      lastErrorKind: result.ok ? null : result.errorKind,
      firstSuccessAt: firstSuccessAt && codec.date(firstSuccessAt),
    };
  });
  const { rows: held } = await sql<{
    id: string;
  }>`UPDATE "Delivery" AS d SET status = r.status, "nextAttemptAt" = r."nextAttemptAt", "attemptCount" = r."attemptCount",
  "lastStatusCode" = r."lastStatusCode", "lastErrorKind" = r."lastErrorKind", "firstSuccessAt" = r."firstSuccessAt",
  "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = ${at}
FROM ${jsonRows(dialect, deliveryRows, {
    id: "text",
    status: "text",
    nextAttemptAt: "timestamp(3)",
    attemptCount: "int",
    lastStatusCode: "int",
    lastErrorKind: "text",
    firstSuccessAt: "timestamp(3)",
  })}
WHERE d.id = r.id AND ${stillLeased(dialect, workerId)}
RETURNING ${dialect === "sqlite" ? sql`id` : sql`d.id`}`.execute(trx);
  const mine = new Set(held.map((row) => row.id));

  const recorded: RecordedOutcome[] = deliveryRows.map((row, i) =>
    mine.has(row.id)
      ? { deliveryId: row.id, status: row.status, nextAttemptAt: row.status === "pending" ? decided[i].next.nextAttemptAt : null }
      : { deliveryId: row.id, status: null, nextAttemptAt: null },
  );
  const attemptRows = decided.map(({ prepared, result }) => ({
    id: prepared.attemptId,
    durationMs: result.durationMs,
    statusCode: result.statusCode,
    errorKind: result.ok ? null : result.errorKind,
    errorMessage: result.errorMessage,
    // What a BSP answered about a delivery redacted (or otherwise taken back) meanwhile is not kept either.
    responseExcerpt: mine.has(prepared.deliveryId) ? (result.responseExcerpt?.slice(0, EXCERPT_LIMIT) ?? null) : null,
  }));
  await sql`UPDATE "Attempt" AS a SET "durationMs" = r."durationMs", "statusCode" = r."statusCode", "errorKind" = r."errorKind",
  "errorMessage" = r."errorMessage", "responseExcerpt" = r."responseExcerpt"
FROM ${jsonRows(dialect, attemptRows, { id: "text", durationMs: "int", statusCode: "int", errorKind: "text", errorMessage: "text", responseExcerpt: "text" })}
WHERE a.id = r.id`.execute(trx);
  for (const [id, endpoint] of health) {
    if (!endpoint.touched) continue;
    await sql`UPDATE "Endpoint" SET "lastDeliveryAt" = ${at}, "failingSince" = ${endpoint.failingSince && codec.date(endpoint.failingSince)}, "updatedAt" = ${at}
WHERE id = ${id}`.execute(trx);
  }
  return { recorded, disables: [...disables.values()] };
}

/** Records a group of results in one transaction (see recordIn), then disables the endpoints that must be. */
export async function recordOutcomes(outcomes: AttemptOutcome[], workerId: string, clock: WorkerClock = systemClock): Promise<RecordedOutcome[]> {
  if (outcomes.length === 0) return [];
  const { recorded, disables } = await transactionSyncedOffLoop((trx) => recordIn(trx, outcomes, workerId, clock));
  for (const disable of disables) await disableEndpoint(disable, clock.now());
  return recorded;
}

export interface CycleInput {
  workerId: string;
  /** Results to record. */
  outcomes: AttemptOutcome[];
  /** Deliveries to claim at most (0: only record). */
  limit: number;
  load: InFlightLoad;
  clock?: WorkerClock;
}

export interface CycleResult {
  recorded: RecordedOutcome[];
  /** Attempts committed and ready to send. */
  prepared: PreparedAttempt[];
  /** Deliveries claimed (some may have been cancelled or deferred instead of prepared). */
  claimed: ClaimedDelivery[];
  /** When the claim took less than it could: the next pending delivery's due time, if any. */
  nextDueAt: Date | null;
}

/**
 * One lane cycle in one transaction, so one commit (one fsync on SQLite)
 * carries a whole group: record `outcomes`, claim up to `limit` due
 * deliveries and write their attempt rows. If the transaction fails nothing
 * of it is stored: the results' attempts stay unfinished under their leases
 * (another pass resends the same body under the same key once they run out)
 * and nothing new was claimed, so nothing is sent.
 */
export async function runDeliveryCycle({ workerId, outcomes, limit, load, clock = systemClock }: CycleInput): Promise<CycleResult> {
  const now = clock.now();
  const result = await transactionSyncedOffLoop(async (trx) => {
    const { recorded, disables } = await recordIn(trx, outcomes, workerId, clock);
    const claimed = await claimIn(trx, workerId, now, limit, { load });
    const { prepared, cancelled } = await prepareIn(
      trx,
      claimed.map((row) => row.id),
      workerId,
      now,
    );
    const nextDueAt = limit > 0 && claimed.length < limit ? await nextDueIn(trx, now) : null;
    return { recorded, disables, claimed, prepared, cancelled, nextDueAt };
  });
  logCancellations(result.cancelled);
  // After the commit, a failure here must not make the caller think the cycle (and its claims) did not happen.
  for (const disable of result.disables) {
    await disableEndpoint(disable, clock.now()).catch((error: unknown) =>
      logger.error({ err: error, endpointId: disable.endpointId }, "could not disable endpoint; its next failure tries again"),
    );
  }
  return { recorded: result.recorded, prepared: result.prepared, claimed: result.claimed, nextDueAt: result.nextDueAt };
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

// An attempt's line is built here from ids and numbers only, so it skips the
// redaction pass every other line takes (about 0.1 ms a line, a third of an
// event's CPU in a profile of the worker).
const attemptLog = logger.child({}, { redact: [] });

function logAttempt({ prepared, result }: AttemptOutcome) {
  attemptLog.info(
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
