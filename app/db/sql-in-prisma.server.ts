// Kysely queries inside a Prisma interactive transaction, so one transaction
// can span both (decision 007): a Prisma path that records an event runs the
// same SQL the hot paths run, through Prisma's connection. Slower than the
// direct drivers, so only the admin's and webhooks' occasional writes use it.
import type { Prisma } from "@prisma/client";
import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from "kysely";
import type { SqlDialect } from "./codec";
import type { DB } from "./tables";

// Prisma returns 64-bit integers from raw queries as BigInt.
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(row)) if (typeof row[key] === "bigint") row[key] = Number(row[key]);
  return row;
}

class PrismaTransactionConnection implements DatabaseConnection {
  constructor(private readonly tx: Prisma.TransactionClient) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const parameters = query.parameters as unknown[];
    const returnsRows = query.query.kind === "SelectQueryNode" || ("returning" in query.query && Boolean((query.query as { returning?: unknown }).returning));
    if (returnsRows || query.query.kind === "RawNode") {
      const rows = (await this.tx.$queryRawUnsafe<Record<string, unknown>[]>(query.sql, ...parameters)).map(plainRow);
      return { rows: rows as R[] };
    }
    const affected = await this.tx.$executeRawUnsafe(query.sql, ...parameters);
    return { rows: [], numAffectedRows: BigInt(affected) };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming is not supported inside a Prisma transaction");
  }
}

class PrismaTransactionDriver implements Driver {
  readonly #connection: PrismaTransactionConnection;
  constructor(tx: Prisma.TransactionClient) {
    this.#connection = new PrismaTransactionConnection(tx);
  }
  async init() {}
  async acquireConnection() {
    return this.#connection;
  }
  async beginTransaction(): Promise<void> {
    throw new Error("already inside the caller's Prisma transaction");
  }
  async commitTransaction() {}
  async rollbackTransaction() {}
  async releaseConnection() {}
  async destroy() {}
}

/** A Kysely whose every query runs in the given Prisma transaction. */
export function sqlInPrismaTransaction(tx: Prisma.TransactionClient, dialect: SqlDialect): Kysely<DB> {
  const sqlite = dialect === "sqlite";
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => (sqlite ? new SqliteAdapter() : new PostgresAdapter()),
      createDriver: () => new PrismaTransactionDriver(tx),
      createIntrospector: (db) => (sqlite ? new SqliteIntrospector(db) : new PostgresIntrospector(db)),
      createQueryCompiler: () => (sqlite ? new SqliteQueryCompiler() : new PostgresQueryCompiler()),
    },
  });
}
