import { createRequire } from "node:module";
import { Prisma, PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { sqliteGate } from "./db/sqlite-gate";
import { env } from "./env.server";
import { isPostgresUrl, POSTGRES_CLIENT_DIR, postgresConnection } from "./database-url";

type PrismaClientClass = new (options: { adapter: PrismaPg }) => PrismaClient;

const GENERATE_POSTGRES_CLIENT = "run `npx tsx scripts/postgres/client.ts`";

/**
 * A client generated for SQLite refuses a Postgres adapter, so PostgreSQL runs
 * on the client generated from prisma/postgres/schema.prisma: the same models
 * from the same source schema, hence the same API. It must run on
 * @prisma/client's own runtime, or `Prisma.DbNull` and the error classes the
 * app imports from @prisma/client would not be the ones it uses.
 */
function postgresClientClass(): PrismaClientClass {
  let generated: { PrismaClient: PrismaClientClass; Prisma?: { PrismaClientKnownRequestError?: unknown } };
  try {
    generated = createRequire(import.meta.url)(POSTGRES_CLIENT_DIR) as typeof generated;
  } catch (error) {
    throw new Error(`DATABASE_URL is a PostgreSQL URL but its Prisma client is missing in ${POSTGRES_CLIENT_DIR}: ${GENERATE_POSTGRES_CLIENT}`, {
      cause: error,
    });
  }
  if (generated.Prisma?.PrismaClientKnownRequestError !== Prisma.PrismaClientKnownRequestError) {
    throw new Error(`the Prisma client in ${POSTGRES_CLIENT_DIR} has its own runtime (a plain \`prisma generate\` made it): ${GENERATE_POSTGRES_CLIENT}`);
  }
  return generated.PrismaClient;
}

/**
 * SQLite in WAL mode: a commit costs one fsync instead of several, and reads
 * never wait for a write (docs/benchmarks.md measures the difference). The
 * mode is stored in the file; synchronous stays FULL, so a commit survives a
 * power cut.
 */
function sqliteAdapter(url: string): PrismaBetterSQLite3 {
  const factory = new PrismaBetterSQLite3({ url });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    await adapter.executeScript("PRAGMA journal_mode = WAL");
    // Deleted rows are zeroed in place, so redacted buyer data leaves no bytes in free pages.
    await adapter.executeScript("PRAGMA secure_delete = ON");
    passThroughGate(adapter);
    return adapter;
  };
  return factory;
}

/**
 * Prisma's queries and transactions pass the process's SQLite gate
 * (app/db/sqlite-gate.ts) like the hot paths' do. Its BEGIN becomes BEGIN
 * IMMEDIATE, so a transaction that reads and then writes takes the write lock
 * up front instead of failing half-way when another process committed.
 */
type SqlDriverAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;

function passThroughGate(adapter: SqlDriverAdapter): void {
  const client = (adapter as unknown as { client: { prepare(sql: string): unknown } }).client;
  const prepare = client.prepare.bind(client);
  client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);

  const queryRaw = adapter.queryRaw.bind(adapter);
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.queryRaw = (query) => sqliteGate.run(() => queryRaw(query));
  adapter.executeRaw = (query) => sqliteGate.run(() => executeRaw(query));
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const release = await sqliteGate.acquire();
    try {
      const transaction = await startTransaction(isolationLevel);
      const commit = transaction.commit.bind(transaction);
      const rollback = transaction.rollback.bind(transaction);
      transaction.commit = () => commit().finally(release);
      transaction.rollback = () => rollback().finally(release);
      return transaction;
    } catch (error) {
      release();
      throw error;
    }
  };
}

function createClient(url: string): PrismaClient {
  if (!isPostgresUrl(url)) return new PrismaClient({ adapter: sqliteAdapter(url) });
  const { connectionString, schema, poolSize } = postgresConnection(url);
  const adapter = new PrismaPg({ connectionString, ...(poolSize ? { max: poolSize } : {}) }, schema ? { schema } : undefined);
  return new (postgresClientClass())({ adapter });
}

declare global {
  // Vite's dev server reloads modules; keep one client per process.
  var cartRelayPrisma: PrismaClient | undefined;
}

const prisma: PrismaClient = globalThis.cartRelayPrisma ?? createClient(env.DATABASE_URL);
if (env.NODE_ENV !== "production") globalThis.cartRelayPrisma = prisma;

export default prisma;
