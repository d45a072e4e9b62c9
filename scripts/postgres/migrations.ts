// Applies prisma/postgres/migrations with node-postgres, because Prisma 6.19's
// JS schema engine cannot run `migrate deploy` on PostgreSQL (see
// ../shared/ENVIRONMENT.md). Applied migrations are recorded in Prisma's own
// `_prisma_migrations` table and format, so a deployment that later uses
// Prisma's regular engine sees them as applied.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { migrationOrder } from "./schema-text";

export const POSTGRES_MIGRATIONS_DIR = path.resolve("prisma", "postgres", "migrations");

// Prisma's own advisory lock key for migrations, so this and `migrate deploy` exclude each other.
const MIGRATION_LOCK = 72707369;

export class MigrationError extends Error {
  override name = "MigrationError";
  constructor(
    readonly kind: "failed_before" | "statement_failed" | "checksum_mismatch",
    message: string,
  ) {
    super(message);
  }
}

export function migrationNames(dir = POSTGRES_MIGRATIONS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return migrationOrder(
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name),
  );
}

export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

/** Applies the migrations the database has not recorded; returns their names. */
export async function applyPostgresMigrations(url: string, dir = POSTGRES_MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const unfinished = rows.find((row) => row.finished_at === null);
    if (unfinished) {
      throw new MigrationError("failed_before", `migration ${unfinished.migration_name} started earlier and never finished; resolve it before applying more`);
    }
    const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    const done: string[] = [];
    for (const name of migrationNames(dir)) {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = migrationChecksum(sql);
      if (applied.has(name)) {
        if (applied.get(name) !== checksum) {
          throw new MigrationError("checksum_mismatch", `migration ${name} was edited after it was applied (checksum differs); add a new migration instead`);
        }
        continue;
      }
      const id = randomUUID();
      await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)`, [id, checksum, name]);
      try {
        // PostgreSQL DDL is transactional: a failing migration leaves nothing behind.
        await client.query("BEGIN");
        await client.query(sql);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        const message = error instanceof Error ? error.message : String(error);
        await client.query(`UPDATE "_prisma_migrations" SET logs = $2, rolled_back_at = now() WHERE id = $1`, [id, message]);
        throw new MigrationError("statement_failed", `migration ${name} failed and was rolled back: ${message}`);
      }
      await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
      done.push(name);
    }
    return done;
  } finally {
    await client.end();
  }
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected database name ${JSON.stringify(name)}`);
  return `"${name}"`;
}

async function withAdmin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates a database, as a copy of `template` when given; returns its URL. */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  await withAdmin(adminUrl, async (client) => {
    const sql = `CREATE DATABASE ${quoteIdentifier(name)}${template ? ` TEMPLATE ${quoteIdentifier(template)}` : ""}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(sql);
        return;
      } catch (error) {
        // 55006: the template is briefly in use by another copy; copies are quick, so wait and retry.
        if ((error as { code?: string }).code !== "55006" || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  return withDatabase(adminUrl, name);
}

/** Drops every database whose name starts with `prefix`, disconnecting its clients. */
export async function dropDatabases(adminUrl: string, prefix: string): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [prefix]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
  });
}

/**
 * Tables, columns, indexes, constraints and sequences of the public schema,
 * in a stable order: two databases with equal catalogs have the same schema.
 */
export async function describeSchema(url: string): Promise<unknown> {
  return withAdmin(url, async (client) => {
    const query = async (sql: string): Promise<unknown[]> => (await client.query<Record<string, unknown>>(sql)).rows;
    return {
      columns: await query(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
          character_maximum_length, numeric_precision, numeric_scale, datetime_precision
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        ORDER BY table_name, column_name`),
      indexes: await query(`SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename, indexname`),
      constraints: await query(`SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('_prisma_migrations', '"_prisma_migrations"')
        ORDER BY 1, 2`),
      sequences: await query(`SELECT sequence_name, data_type FROM information_schema.sequences
        WHERE sequence_schema = 'public' ORDER BY sequence_name`),
    };
  });
}

/** Runs a whole SQL file (e.g. prisma/postgres/schema.sql) in one transaction. */
export async function executeSql(url: string, sql: string): Promise<void> {
  await withAdmin(url, async (client) => {
    await client.query("BEGIN");
    try {
      await client.query(sql);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
  });
}
