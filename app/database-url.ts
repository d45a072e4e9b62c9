import path from "node:path";

export const DEFAULT_DATABASE_URL = `file:${path.resolve("prisma", "cart-relay.sqlite")}`;

/** Where `prisma generate` writes the client for prisma/postgres/schema.prisma. */
export const POSTGRES_CLIENT_DIR = path.resolve("prisma", "postgres", "client");

/** The configured database URL, or the embedded SQLite file in the project. */
export function databaseUrl(configured: string | undefined): string {
  return configured && configured.trim() !== "" ? configured : DEFAULT_DATABASE_URL;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export interface PostgresConnection {
  /** The URL for node-postgres, without the Prisma-style parameters below. */
  connectionString: string;
  /** `?schema=`: the Postgres schema holding the tables (Prisma's convention; default public). */
  schema?: string;
  /** `?connection_limit=`: the pool size per process (node-postgres defaults to 10). */
  poolSize?: number;
}

export class DatabaseUrlError extends Error {
  override name = "DatabaseUrlError";
  readonly kind = "invalid_database_url";
}

/** Splits Prisma's URL parameters, which node-postgres would silently ignore, from a PostgreSQL URL. */
export function postgresConnection(url: string): PostgresConnection {
  if (!isPostgresUrl(url)) throw new DatabaseUrlError("DATABASE_URL is not a postgres:// URL");
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  const limit = parsed.searchParams.get("connection_limit");
  parsed.searchParams.delete("schema");
  parsed.searchParams.delete("connection_limit");
  let poolSize: number | undefined;
  if (limit !== null) {
    poolSize = Number(limit);
    if (!Number.isInteger(poolSize) || poolSize < 1)
      throw new DatabaseUrlError(`DATABASE_URL connection_limit must be a whole number of at least 1 (got ${JSON.stringify(limit)})`);
  }
  if (schema !== undefined && schema.trim() === "") throw new DatabaseUrlError("DATABASE_URL schema is empty");
  return { connectionString: parsed.toString(), ...(schema ? { schema } : {}), ...(poolSize ? { poolSize } : {}) };
}
