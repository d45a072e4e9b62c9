// Every write of a checkout's captured state (decision 008): the extension,
// the pixel and Shopify's checkouts/* webhooks all merge through here.
//
// Writes are group-committed: observations that arrive while a commit is
// being made wait for the next one, and one transaction reads all of its
// batch's checkouts at once, merges in memory (merge.ts) and writes only the
// columns that changed. Each caller is answered after the transaction holding
// its write committed; a failing transaction fails every caller in it and
// stores none of them. `version` is bumped on every write, so Prisma writers
// that compare it never lose a capture's fields, nor a capture theirs.
import type Database from "better-sqlite3";
import type pg from "pg";
import { env, policyMinuteMs } from "../env.server";
import { isPostgresUrl } from "../database-url";
import { abandonDueAt } from "./due-time";
import { normalizeEmail, normalizePhone } from "../contact";
import { codecFor, read, type Codec } from "../db/codec";
import { openSqlite, sqlDatabase } from "../db/sql.server";
import { walFileSync } from "../db/wal-sync";
import { sqliteGate } from "../db/sqlite-gate";
import { emptyCheckoutState, mergeObservation, type CaptureSource, type CheckoutFields, type CheckoutState, type FieldName, type Observation } from "./merge";

/** What the merge needs of the shop (a Prisma `Shop` has all of it). */
export interface CaptureShop {
  id: string;
  countryCode: string | null;
  abandonAfterMinutes: number;
  allowUntrustedEvents: boolean;
}

export interface RecordedCheckout {
  id: number;
  status: string;
}

export interface RecordOptions {
  /** The pixel's checkout_completed: kept once, the first time it is seen. */
  completedHintAt?: Date;
}

const FIELD_NAMES: FieldName[] = [
  "cartToken",
  "email",
  "phone",
  "firstName",
  "lastName",
  "address1",
  "address2",
  "city",
  "province",
  "provinceCode",
  "zip",
  "country",
  "countryCode",
  "addressPhone",
  "currency",
  "subtotal",
  "total",
  "totalDiscount",
  "lines",
  "discountCodes",
  "attributes",
  "utm",
  "locale",
  "recoveryUrl",
  "whatsappOptIn",
  "emailMarketing",
  "smsMarketing",
  "whatsappOptInText",
  "whatsappOptInLocale",
  "customerId",
];
const MONEY = new Set<string>(["subtotal", "total", "totalDiscount"]);
const JSON_COLUMNS = new Set<string>(["lines", "discountCodes", "attributes", "utm", "fieldSources"]);
const BOOLS = new Set<string>(["whatsappOptIn", "emailMarketing", "smsMarketing", "trustedSeen"]);
const DATES = new Set<string>(["lastActivityAt", "abandonDueAt", "completedHintAt", "whatsappOptInAt"]);
/** Consent evidence: which channel collected the buyer's current WhatsApp answer. */
const OPT_IN_SOURCES: Record<CaptureSource, string> = { extension: "checkout_extension", pixel: "pixel", webhook: "webhook" };
/** Columns a merge writes, in the order statements list them. */
const WRITTEN: string[] = [
  ...FIELD_NAMES,
  "emailNormalized",
  "phoneE164",
  "fieldSources",
  "sources",
  "trustedSeen",
  "lastActivityAt",
  "abandonDueAt",
  "completedHintAt",
  "whatsappOptInAt",
  "whatsappOptInSource",
];
const READ = ["id", "shopId", "token", "status", "orderId", "version", ...WRITTEN];

/** The most observations one transaction carries (PostgreSQL's parameter limit bounds a multi-row insert). */
const MAX_BATCH = 500;
/** Prepared statements the SQLite backend keeps. */
const MAX_STATEMENTS = 256;

type Row = Record<string, unknown> & { id: number; shopId: string; token: string; status: string; orderId: string | null; version: number };

interface Pending {
  shop: CaptureShop;
  token: string;
  observation: Observation;
  completedHintAt?: Date;
  resolve(value: RecordedCheckout): void;
  reject(error: unknown): void;
}

/** One checkout of a batch: its stored row (if any), its merged state, and the callers waiting on it. */
interface Draft {
  key: string;
  shop: CaptureShop;
  token: string;
  row: Row | null;
  state: CheckoutState;
  completedHintAt: Date | null;
  waiting: Pending[];
}

const keyOf = (shopId: string, token: string) => `${shopId}\u0000${token}`;

// A buyer's phone comes back with every capture of their checkout; parsing it costs more than the rest of the merge.
const phones = new Map<string, string | null>();
function e164(phone: string | null, region: string | undefined): string | null {
  if (phone === null) return null;
  const key = `${region ?? ""}|${phone}`;
  let normalized = phones.get(key);
  if (normalized === undefined) {
    normalized = normalizePhone(phone, region);
    if (phones.size >= 10_000) phones.delete(phones.keys().next().value!);
    phones.set(key, normalized);
  }
  return normalized;
}

function stateOf(row: Row): CheckoutState {
  const fields: Partial<CheckoutFields> = {};
  for (const name of FIELD_NAMES) {
    const value = row[name];
    if (value === null || value === undefined) continue;
    const decoded = MONEY.has(name)
      ? read.decimalOrNull(value as number)
      : JSON_COLUMNS.has(name)
        ? read.json(value)
        : BOOLS.has(name)
          ? read.bool(value as number)
          : value;
    (fields as Record<string, unknown>)[name] = decoded;
  }
  return {
    fields,
    fieldSources: read.json<CheckoutState["fieldSources"]>(row.fieldSources) ?? {},
    sources: row.sources ? ((row.sources as string).split(",") as CaptureSource[]) : [],
    trustedSeen: read.bool(row.trustedSeen as number),
    lastActivityAt: read.dateOrNull(row.lastActivityAt as string | null),
  };
}

/** The written columns of a merged state, encoded as the database stores them. */
function columnsOf(draft: Draft, codec: Codec, now: Date): Record<string, unknown> {
  const { fields } = draft.state;
  const status = draft.row?.status ?? "open";
  const orderId = draft.row?.orderId ?? null;
  const phone = fields.phone ?? fields.addressPhone ?? null;
  const lastActivityAt = draft.state.lastActivityAt ?? now;
  const emailNormalized = normalizeEmail(fields.email ?? null);
  const due = abandonDueAt(
    { status, email: fields.email ?? null, emailNormalized, phone, trustedSeen: draft.state.trustedSeen, lastActivityAt, orderId },
    draft.shop,
    policyMinuteMs(env),
  );
  // When and where the current WhatsApp answer was collected: its provenance, unless another writer (Shopify's read-back) set it since.
  const optIn = draft.state.fieldSources.whatsappOptIn;
  const storedOptInAt = draft.row ? read.dateOrNull(draft.row.whatsappOptInAt as string | null) : null;
  const fresh = optIn !== undefined && storedOptInAt?.toISOString() !== optIn.at && fields.whatsappOptIn !== undefined;
  const values: Record<string, unknown> = {
    ...fields,
    whatsappOptInAt: fresh ? new Date(optIn.at) : storedOptInAt,
    whatsappOptInSource: fresh ? OPT_IN_SOURCES[optIn.source] : (draft.row?.whatsappOptInSource ?? null),
    emailNormalized,
    phoneE164: e164(phone, draft.shop.countryCode ?? fields.countryCode ?? undefined),
    fieldSources: draft.state.fieldSources,
    sources: draft.state.sources.join(","),
    trustedSeen: draft.state.trustedSeen,
    lastActivityAt,
    abandonDueAt: due,
    completedHintAt: draft.completedHintAt,
  };
  const columns: Record<string, unknown> = {};
  for (const name of WRITTEN) {
    const value = values[name];
    if (value === null || value === undefined) columns[name] = null;
    else if (MONEY.has(name)) columns[name] = codec.decimal(value as string);
    else if (JSON_COLUMNS.has(name)) columns[name] = codec.json(value);
    else if (BOOLS.has(name)) columns[name] = codec.bool(value as boolean);
    else if (DATES.has(name)) columns[name] = codec.date(value as Date);
    else columns[name] = value;
  }
  return columns;
}

function sameStored(stored: unknown, encoded: unknown): boolean {
  if (stored === null || stored === undefined || encoded === null) return (stored ?? null) === encoded;
  if (stored instanceof Date) return stored.getTime() === new Date(encoded as string).getTime();
  if (typeof stored === "object") return JSON.stringify(stored) === encoded;
  if (typeof stored === "boolean" || typeof encoded === "boolean") return Boolean(stored) === Boolean(encoded);
  if (typeof stored === "number" || typeof encoded === "number") return Number(stored) === Number(encoded);
  return stored === encoded;
}

/** The columns of a stored checkout that its merged state changes. */
function changedColumns(row: Row, columns: Record<string, unknown>): string[] {
  return WRITTEN.filter((name) => {
    const stored = row[name];
    const written = columns[name];
    if (stored === null || written === null) return !sameStored(stored, written);
    if (DATES.has(name)) return read.date(stored as string).getTime() !== read.date(written as string).getTime();
    // PostgreSQL reads numeric(65,30) back padded ("199.990000..."): compare amounts, not text.
    if (MONEY.has(name)) return Number(stored) !== Number(written);
    return !sameStored(stored, written);
  });
}

/** Merges a batch's observations into drafts, one per checkout, in arrival order. */
function draftsOf(batch: Pending[], rows: Map<string, Row>): Map<string, Draft> {
  const drafts = new Map<string, Draft>();
  for (const pending of batch) {
    const key = keyOf(pending.shop.id, pending.token);
    let draft = drafts.get(key);
    if (!draft) {
      const row = rows.get(key) ?? null;
      draft = {
        key,
        shop: pending.shop,
        token: pending.token,
        row,
        state: row ? stateOf(row) : emptyCheckoutState(),
        completedHintAt: row ? read.dateOrNull(row.completedHintAt as string | null) : null,
        waiting: [],
      };
      drafts.set(key, draft);
    }
    draft.state = mergeObservation(draft.state, pending.observation).state;
    if (pending.completedHintAt && !draft.completedHintAt) draft.completedHintAt = pending.completedHintAt;
    draft.waiting.push(pending);
  }
  return drafts;
}

interface Flushed {
  recorded: Map<string, RecordedCheckout>;
  /** Settles once the commit is on disk; callers are answered then. */
  durable: Promise<void>;
}

interface Backend {
  /** Commits a batch; resolves once committed (visible), with the wait for its durability. */
  flush(batch: Pending[]): Promise<Flushed>;
  close(): Promise<void>;
}

const DURABLE = Promise.resolve();

const quote = (name: string) => `"${name}"`;

/**
 * SQLite: a connection of its own (better-sqlite3 is synchronous, so a batch
 * runs start to commit without yielding), entered through the process's gate
 * (app/db/sqlite-gate.ts). It waits for another process's write lock by
 * yielding to the event loop instead of blocking in busy_timeout.
 */
function sqliteBackend(url: string): Backend {
  const sqlite = openSqlite(url);
  sqlite.pragma("busy_timeout = 0");
  // Commits skip SQLite's own fsync; every answer waits for walSync instead (decision 008).
  sqlite.pragma("synchronous = NORMAL");
  const walSync = walFileSync(sqlite);
  const codec = codecFor("sqlite");
  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      // An UPDATE per set of changed columns: bounded, so odd sets cannot grow the cache for ever.
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      statements.set(text, (statement = sqlite.prepare(text)));
    }
    return statement;
  };
  const columns = READ.map(quote).join(", ");
  const insertColumns = ["shopId", "token", "status", "version", "createdAt", "updatedAt", ...WRITTEN];
  const insert = `INSERT INTO "Checkout" (${insertColumns.map(quote).join(", ")}) VALUES (${insertColumns.map(() => "?").join(", ")}) RETURNING "id"`;

  function selectRows(keys: { shopId: string; token: string }[]): Map<string, Row> {
    const rows = new Map<string, Row>();
    for (let start = 0; start < keys.length; start += 128) {
      const chunk = keys.slice(start, start + 128);
      let size = 1;
      while (size < chunk.length) size *= 2;
      const params: string[] = [];
      for (let i = 0; i < size; i++) {
        const key = chunk[Math.min(i, chunk.length - 1)];
        params.push(key.shopId, key.token);
      }
      const values = Array.from({ length: size }, () => "(?, ?)").join(", ");
      for (const row of prepare(`SELECT ${columns} FROM "Checkout" WHERE ("shopId", "token") IN (VALUES ${values})`).all(...params) as Row[]) {
        rows.set(keyOf(row.shopId, row.token), row);
      }
    }
    return rows;
  }

  function begin(deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        try {
          prepare("BEGIN IMMEDIATE").run();
          resolve();
        } catch (error) {
          if ((error as { code?: string }).code === "SQLITE_BUSY" && Date.now() < deadline) setTimeout(attempt, 2);
          else reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      attempt();
    });
  }

  return {
    async flush(batch) {
      const release = await sqliteGate.acquire();
      try {
        await begin(Date.now() + 5_000);
      } catch (error) {
        release();
        throw error;
      }
      const now = new Date();
      try {
        const keys = [...new Map(batch.map((p) => [keyOf(p.shop.id, p.token), { shopId: p.shop.id, token: p.token }])).values()];
        const drafts = draftsOf(batch, selectRows(keys));
        const recorded = new Map<string, RecordedCheckout>();
        for (const draft of drafts.values()) {
          const values = columnsOf(draft, codec, now);
          if (!draft.row) {
            const { id } = prepare(insert).get(
              draft.shop.id,
              draft.token,
              "open",
              0,
              codec.date(now),
              codec.date(now),
              ...WRITTEN.map((name) => values[name]),
            ) as { id: number };
            recorded.set(draft.key, { id, status: "open" });
            continue;
          }
          const changed = changedColumns(draft.row, values);
          if (changed.length > 0) {
            const set = changed.map((name) => `${quote(name)} = ?`).join(", ");
            const result = prepare(`UPDATE "Checkout" SET ${set}, "version" = "version" + 1, "updatedAt" = ? WHERE "id" = ? AND "version" = ?`).run(
              ...changed.map((name) => values[name]),
              codec.date(now),
              draft.row.id,
              draft.row.version,
            );
            if (result.changes !== 1) throw new Error(`checkout ${draft.row.id} changed under the write lock`);
          }
          recorded.set(draft.key, { id: draft.row.id, status: draft.row.status });
        }
        prepare("COMMIT").run();
        return { recorded, durable: walSync ? walSync.sync() : DURABLE };
      } catch (error) {
        if (sqlite.inTransaction) prepare("ROLLBACK").run();
        throw error;
      } finally {
        release();
      }
    },
    async close() {
      await walSync?.close();
      sqlite.close();
    },
  };
}

// PostgreSQL: timestamps without a zone, read as UTC whatever the process's zone.
const pgSelectColumn = (name: string) => (DATES.has(name) ? `to_char(${quote(name)}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${quote(name)}` : quote(name));
const RETRYABLE_PG = new Set(["40P01", "40001"]);
/** A written column's PostgreSQL type, for values a multi-row UPDATE carries as text. */
const pgType = (name: string) =>
  MONEY.has(name) ? "numeric" : JSON_COLUMNS.has(name) ? "json" : BOOLS.has(name) ? "boolean" : DATES.has(name) ? "timestamp(3)" : "text";

/**
 * PostgreSQL, correct across web processes: the batch's rows are read with
 * one `SELECT ... FOR UPDATE` (in key order, so two processes lock alike),
 * new checkouts inserted with one multi-row `INSERT ... ON CONFLICT DO
 * NOTHING`; a checkout another process created meanwhile is re-read and
 * merged like any existing one. A deadlock retries the whole batch.
 */
function postgresBackend(pool: pg.Pool): Backend {
  const codec = codecFor("postgres");
  const select = `SELECT ${READ.map(pgSelectColumn).join(", ")} FROM "Checkout" WHERE ("shopId", "token") IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY "shopId", "token" FOR UPDATE`;
  const insertColumns = ["shopId", "token", "status", "version", "createdAt", "updatedAt", ...WRITTEN];

  async function selectRows(client: pg.PoolClient, keys: { shopId: string; token: string }[]): Promise<Map<string, Row>> {
    const { rows } = await client.query<Row>({ name: "checkout-store-select", text: select, values: [keys.map((k) => k.shopId), keys.map((k) => k.token)] });
    return new Map(rows.map((row) => [keyOf(row.shopId, row.token), row]));
  }

  async function once(batch: Pending[]): Promise<Flushed> {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const now = new Date();
      const sorted = [...new Map(batch.map((p) => [keyOf(p.shop.id, p.token), { shopId: p.shop.id, token: p.token }])).entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, key]) => key);
      let drafts = draftsOf(batch, await selectRows(client, sorted));
      const recorded = new Map<string, RecordedCheckout>();
      const fresh = [...drafts.values()].filter((draft) => !draft.row);
      if (fresh.length > 0) {
        const params: unknown[] = [];
        const tuples = fresh.map((draft) => {
          const values = columnsOf(draft, codec, now);
          const row = [draft.shop.id, draft.token, "open", 0, codec.date(now), codec.date(now), ...WRITTEN.map((name) => values[name])];
          const placeholders = row.map((value) => `$${params.push(value)}`);
          return `(${placeholders.join(", ")})`;
        });
        const { rows } = await client.query<{ id: number; shopId: string; token: string }>(
          `INSERT INTO "Checkout" (${insertColumns.map(quote).join(", ")}) VALUES ${tuples.join(", ")} ON CONFLICT ("shopId", "token") DO NOTHING RETURNING "id", "shopId", "token"`,
          params,
        );
        for (const row of rows) recorded.set(keyOf(row.shopId, row.token), { id: row.id, status: "open" });
        const raced = fresh.filter((draft) => !recorded.has(draft.key));
        if (raced.length > 0) {
          // Created by another process since our read: merge into its row instead.
          const racedKeys = new Set(raced.map((draft) => draft.key));
          const rows = await selectRows(
            client,
            raced.map((draft) => ({ shopId: draft.shop.id, token: draft.token })),
          );
          const again = draftsOf(
            batch.filter((p) => racedKeys.has(keyOf(p.shop.id, p.token))),
            rows,
          );
          drafts = new Map([...drafts, ...again]);
        }
      }
      // One multi-row UPDATE per set of changed columns (a batch of typing buyers shares few sets).
      const updates = new Map<string, { changed: string[]; drafts: { draft: Draft; values: Record<string, unknown> }[] }>();
      for (const draft of drafts.values()) {
        if (!draft.row) continue;
        recorded.set(draft.key, { id: draft.row.id, status: draft.row.status });
        const values = columnsOf(draft, codec, now);
        const changed = changedColumns(draft.row, values);
        if (changed.length === 0) continue;
        const set = changed.join(",");
        let group = updates.get(set);
        if (!group) updates.set(set, (group = { changed, drafts: [] }));
        group.drafts.push({ draft, values });
      }
      for (const { changed, drafts: group } of updates.values()) {
        const params: unknown[] = [codec.date(now)];
        const tuples = group.map(({ draft, values }) => {
          const row = [draft.row!.id, draft.row!.version, ...changed.map((name) => values[name])];
          return `(${row.map((value) => `$${params.push(value)}`).join(", ")})`;
        });
        const set = changed.map((name) => `${quote(name)} = v.${quote(name)}::${pgType(name)}`).join(", ");
        const result = await client.query(
          `UPDATE "Checkout" AS c SET ${set}, "version" = c."version" + 1, "updatedAt" = $1 FROM (VALUES ${tuples.join(", ")}) AS v("id", "version", ${changed.map(quote).join(", ")}) WHERE c."id" = v."id"::integer AND c."version" = v."version"::integer`,
          params,
        );
        if (result.rowCount !== group.length) throw new Error(`${group.length - (result.rowCount ?? 0)} checkouts changed under their row locks`);
      }
      await client.query("COMMIT");
      return { recorded, durable: DURABLE };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  return {
    async flush(batch): Promise<Flushed> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(batch);
        } catch (error) {
          if (attempt >= 3 || !RETRYABLE_PG.has((error as { code?: string }).code ?? "")) throw error;
        }
      }
    },
    async close() {},
  };
}

/** Batches observations into shared transactions; one per process. */
export class CheckoutStore {
  private pending: Pending[] = [];
  private running = false;
  private scheduled = false;
  /** Transactions committed and observations they carried, for tests and the benchmark. */
  readonly stats = { commits: 0, observations: 0, failures: 0 };

  constructor(private readonly backend: Backend) {}

  record(shop: CaptureShop, token: string, observation: Observation, options: RecordOptions = {}): Promise<RecordedCheckout> {
    return new Promise((resolve, reject) => {
      this.pending.push({ shop, token, observation, completedHintAt: options.completedHintAt, resolve, reject });
      if (!this.running && !this.scheduled) {
        this.scheduled = true;
        // After the current I/O phase: every request parsed in it joins this batch.
        setImmediate(() => void this.run());
      }
    });
  }

  private async run(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        // The next batch commits while this one waits for its fsync.
        let flushed: Flushed;
        try {
          flushed = await this.backend.flush(batch);
        } catch (error) {
          this.fail(batch, error);
          continue;
        }
        flushed.durable.then(
          () => {
            this.stats.commits++;
            this.stats.observations += batch.length;
            for (const pending of batch) pending.resolve(flushed.recorded.get(keyOf(pending.shop.id, pending.token))!);
          },
          (error: unknown) => this.fail(batch, error),
        );
      }
    } finally {
      this.running = false;
    }
  }

  private fail(batch: Pending[], error: unknown): void {
    this.stats.failures++;
    for (const pending of batch) pending.reject(error);
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

export function createCheckoutStore(url: string): CheckoutStore {
  return new CheckoutStore(isPostgresUrl(url) ? postgresBackend(sqlDatabase().pool!) : sqliteBackend(url));
}

let current: CheckoutStore | undefined;

/** The process's checkout store, opened on first use. */
export function checkoutStore(): CheckoutStore {
  current ??= createCheckoutStore(env.DATABASE_URL);
  return current;
}

export async function closeCheckoutStore(): Promise<void> {
  const open = current;
  current = undefined;
  await open?.close();
}

/** Merges one observation into the shop's checkout, creating it on first sight; resolves once committed. */
export function recordObservation(shop: CaptureShop, token: string, observation: Observation, options?: RecordOptions): Promise<RecordedCheckout> {
  return checkoutStore().record(shop, token, observation, options);
}
