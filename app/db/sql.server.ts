// The hot paths' data access (decision 007): Kysely on the same drivers
// Prisma uses (better-sqlite3, node-postgres), with statements prepared once
// per process. Prisma stays the schema, the migrations and the admin's CRUD.
import { createHash } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, type DatabaseConnection, type Driver, type Transaction, type TransactionSettings } from "kysely";
import pg from "pg";
import { env } from "../env.server";
import { isPostgresUrl, postgresConnection } from "../database-url";
import { codecFor, type Codec } from "./codec";
import { sqliteGate } from "./sqlite-gate";
import type { DB } from "./tables";
import { walFileSync } from "./wal-sync";

export type Sql = Kysely<DB>;
export type SqlTransaction = Transaction<DB>;
/** Either the database or a transaction on it: what a function that joins its caller's transaction takes. */
export type SqlExecutor = Kysely<DB> | Transaction<DB>;

export interface SqlDatabase {
  db: Sql;
  codec: Codec;
  /** The raw handle, for the few statements that run as prepared better-sqlite3 statements. */
  sqlite: Database.Database | null;
  pool: pg.Pool | null;
  /** SQLite on a file: fsyncs the WAL off the event loop (see transactionSyncedOffLoop). */
  walSync: (() => Promise<void>) | null;
  close(): Promise<void>;
}

/** Where Prisma's `file:` URL points, as better-sqlite3 opens it. */
export function sqlitePath(url: string): string {
  const file = url.replace(/^file:/, "").replace(/\?.*$/, "");
  return file === ":memory:" ? file : path.resolve(file);
}

/**
 * A better-sqlite3 handle whose `prepare` reuses statements: Kysely's SQLite
 * driver prepares every query anew, which costs more than running it. Its
 * `begin` becomes `begin immediate`, so a transaction takes the write lock up
 * front and waits for it (busy_timeout) instead of failing half-way when the
 * other connection (Prisma's) committed in between.
 */
function cachingHandle(sqlite: Database.Database): Database.Database {
  const statements = new Map<string, Database.Statement>();
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== "prepare") return Reflect.get(target, property, receiver) as unknown;
      return (text: string) => {
        const source = text === "begin" ? "begin immediate" : text;
        let statement = statements.get(source);
        if (!statement) {
          statement = target.prepare(source);
          if (statements.size > 500) statements.clear();
          statements.set(source, statement);
        }
        return statement;
      };
    },
  });
}

/** Kysely's SQLite dialect, each use of its one connection passing the process's gate (app/db/sqlite-gate.ts). */
class GatedSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return new GatedDriver(super.createDriver());
  }
}

class GatedDriver implements Driver {
  #release: (() => void) | null = null;
  constructor(private readonly driver: Driver) {}
  init() {
    return this.driver.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await sqliteGate.acquire();
    try {
      const connection = await this.driver.acquireConnection();
      this.#release = release;
      return connection;
    } catch (error) {
      release();
      throw error;
    }
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.driver.releaseConnection(connection);
    } finally {
      const release = this.#release;
      this.#release = null;
      release?.();
    }
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return this.driver.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection) {
    return this.driver.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return this.driver.rollbackTransaction(connection);
  }
  destroy() {
    return this.driver.destroy();
  }
}

/** Distinct statement texts a process names for PostgreSQL; past them statements go unnamed, since a connection never forgets one. */
const NAMED_STATEMENTS_KEPT = 500;
const statementNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < NAMED_STATEMENTS_KEPT) {
    name = `cr_${createHash("sha256").update(text).digest("base64url").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * node-postgres sends a statement with a name through PostgreSQL's extended
 * protocol once per connection and then only binds it, where an unnamed one is
 * parsed and planned again on every run. Kysely passes no names, so each
 * client of the pool names the parameterised statements it runs by their
 * text (the hot paths' texts are fixed: lists travel as one array parameter).
 */
function nameStatements(client: pg.Client): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text === "string" && Array.isArray(values) && values.length > 0 && args.length === 2) {
      const name = statementName(text);
      if (name) return query({ name, text, values });
    }
    return query(...args);
  };
}

export function openSqlite(url: string): Database.Database {
  const sqlite = new Database(sqlitePath(url), { timeout: 5_000 });
  // WAL: one fsync per commit and readers never wait; FULL keeps every commit through a power cut.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("secure_delete = ON"); // redacted rows leave no bytes in free pages
  return sqlite;
}

export function createSqlDatabase(url: string): SqlDatabase {
  if (!isPostgresUrl(url)) {
    const sqlite = openSqlite(url);
    const db = new Kysely<DB>({ dialect: new GatedSqliteDialect({ database: cachingHandle(sqlite) }) });
    const wal = walFileSync(sqlite);
    return {
      db,
      codec: codecFor("sqlite"),
      sqlite,
      pool: null,
      walSync: wal?.sync ?? null,
      async close() {
        await wal?.close();
        await db.destroy();
      },
    };
  }
  const { connectionString, schema, poolSize } = postgresConnection(url);
  const pool = new pg.Pool({
    connectionString,
    ...(poolSize ? { max: poolSize } : {}),
    ...(schema ? { options: `-c search_path="${schema.replaceAll('"', '""')}"` } : {}),
  });
  pool.on("connect", nameStatements);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, codec: codecFor("postgres"), sqlite: null, pool, walSync: null, close: () => db.destroy() };
}

declare global {
  // Vite's dev server reloads modules; keep one connection per process.
  var cartRelaySql: SqlDatabase | undefined;
}

let current: SqlDatabase | undefined = globalThis.cartRelaySql;

/** The process's hot-path database, opened on first use. */
export function sqlDatabase(): SqlDatabase {
  if (!current) {
    current = createSqlDatabase(env.DATABASE_URL);
    if (env.NODE_ENV !== "production") globalThis.cartRelaySql = current;
  }
  return current;
}

/**
 * One transaction whose commit is as durable as any other (it resolves only
 * once the commit is on disk) but whose fsync does not hold the event loop:
 * on SQLite this one commit runs with `synchronous=NORMAL` and the WAL is then
 * fsynced on libuv's thread pool, so the sends and answers in flight go on
 * meanwhile. The connection goes back to `synchronous=FULL` before anyone else
 * may use it. PostgreSQL, or SQLite in memory: an ordinary transaction.
 */
export async function transactionSyncedOffLoop<T>(work: (trx: SqlTransaction) => Promise<T>): Promise<T> {
  const { db, sqlite, walSync } = sqlDatabase();
  if (!walSync || !sqlite) return db.transaction().execute(work);
  // Holding the connection (and so the process's gate) from before BEGIN to after COMMIT: nobody else commits under NORMAL.
  // Not prepared once: SQLite applies this PRAGMA when it compiles it.
  const result = await db.connection().execute(async (connection) => {
    sqlite.exec("PRAGMA synchronous = NORMAL");
    try {
      return await connection.transaction().execute(work);
    } finally {
      sqlite.exec("PRAGMA synchronous = FULL");
    }
  });
  await walSync();
  return result;
}

/** Closes the hot-path connections; for graceful shutdown and tests. */
export async function closeSqlDatabase(): Promise<void> {
  const open = current;
  current = undefined;
  globalThis.cartRelaySql = undefined;
  await open?.close();
}
