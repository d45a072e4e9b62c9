// Keeps prisma/postgres in step with the one source schema:
//
//   npx tsx scripts/postgres/schema.ts generate   after a new SQLite migration in prisma/migrations
//   npx tsx scripts/postgres/schema.ts generate --regenerate-newest
//                                                 remakes the newest Postgres migration (unreleased work only)
//   npx tsx scripts/postgres/schema.ts check      exits 1 when anything drifted (CI runs it)
//
// generate writes prisma/postgres/schema.prisma (the source schema with the
// postgresql provider), schema.sql (that schema from empty), a Postgres
// migration named like each SQLite one (with the checksum of its SQLite twin
// and a snapshot of the schema after it, from which the next one is diffed),
// and the Postgres client (scripts/postgres/client.ts). A SQLite migration
// edited in place is regenerated if it is the newest. check verifies all of it, and that replaying the
// migrations on a real server gives exactly the tables, columns, indexes and
// constraints of schema.sql.
// Prisma's JS engine needs a live server even to print SQL, so both use
// CART_RELAY_TEST_POSTGRES_URL (or a postgres:// DATABASE_URL), or start a
// throwaway one.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { applyPostgresMigrations, createDatabase, describeSchema, dropDatabases, executeSql, migrationNames, POSTGRES_MIGRATIONS_DIR } from "./migrations";
import { derivePostgresSchema, migrationHeader, migrationOrder, pairMigrations, sameSql, sha256, twinChecksum } from "./schema-text";
import { generatePostgresClient } from "./client";
import { startPostgres } from "../throwaway-servers";

const SOURCE_SCHEMA = path.resolve("prisma", "schema.prisma");
const SQLITE_MIGRATIONS_DIR = path.resolve("prisma", "migrations");
const POSTGRES_SCHEMA = path.resolve("prisma", "postgres", "schema.prisma");
const POSTGRES_SQL = path.resolve("prisma", "postgres", "schema.sql");
const LOCK_FILE = path.join(POSTGRES_MIGRATIONS_DIR, "migration_lock.toml");
const LOCK_TEXT = '# Written by scripts/postgres-schema.ts\nprovider = "postgresql"\n';
const NO_CHANGES = "-- This migration changes nothing on PostgreSQL.\n";

function prisma(args: string[], url: string): string {
  const result = spawnSync(path.resolve("node_modules", ".bin", "prisma"), args, {
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`prisma ${args.join(" ")} failed:\n${result.stderr || result.stdout}`);
  return result.stdout;
}

function sqlFromEmpty(schemaFile: string, url: string): string {
  return prisma(["migrate", "diff", "--from-empty", "--to-schema-datamodel", schemaFile, "--script"], url);
}

function sqlBetween(fromText: string, toFile: string, url: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cart-relay-schema-"));
  try {
    const from = path.join(dir, "previous.prisma");
    writeFileSync(from, fromText);
    return prisma(["migrate", "diff", "--from-schema-datamodel", from, "--to-schema-datamodel", toFile, "--script"], url);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sqliteMigrationNames(): string[] {
  return readdirSync(SQLITE_MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

async function withPostgres<T>(run: (adminUrl: string) => Promise<T>): Promise<T> {
  const configured = process.env.CART_RELAY_TEST_POSTGRES_URL ?? (process.env.DATABASE_URL?.startsWith("postgres") ? process.env.DATABASE_URL : undefined);
  if (configured) return run(configured);
  const server = await startPostgres();
  try {
    return await run(server.url);
  } finally {
    await server.stop();
  }
}

const snapshotFile = (name: string) => path.join(POSTGRES_MIGRATIONS_DIR, name, "schema.prisma.snapshot");
const postgresMigrationFile = (name: string) => path.join(POSTGRES_MIGRATIONS_DIR, name, "migration.sql");
const sqliteMigrationSql = (name: string) => readFileSync(path.join(SQLITE_MIGRATIONS_DIR, name, "migration.sql"), "utf8");

/** Postgres migrations whose SQLite twin changed since they were generated (edited in place before a release). */
function staleTwins(names: string[], sqliteNames: string[]): string[] {
  return names.filter(
    (name) => sqliteNames.includes(name) && twinChecksum(readFileSync(postgresMigrationFile(name), "utf8")) !== sha256(sqliteMigrationSql(name)),
  );
}

async function generate(adminUrl: string, { regenerateNewest = false } = {}): Promise<string[]> {
  const derived = derivePostgresSchema(readFileSync(SOURCE_SCHEMA, "utf8"));
  const current = existsSync(POSTGRES_SCHEMA) ? readFileSync(POSTGRES_SCHEMA, "utf8") : null;
  const sqliteNames = migrationOrder(sqliteMigrationNames());
  const { missingInPostgres, extraInPostgres } = pairMigrations(sqliteNames, migrationNames());
  if (extraInPostgres.length > 0)
    throw new Error(`Postgres migrations without a SQLite twin: ${extraInPostgres.join(", ")}; remove them or restore the SQLite ones`);
  const stale = staleTwins(migrationNames(), sqliteNames);
  const newest = sqliteNames[sqliteNames.length - 1];
  let target: string | null = null;
  if (missingInPostgres.length > 1) {
    throw new Error(`several SQLite migrations lack a Postgres twin (${missingInPostgres.join(", ")}): run generate after each SQLite migration`);
  } else if (missingInPostgres.length === 1) {
    if (missingInPostgres[0] !== newest) throw new Error(`${missingInPostgres[0]} is not the newest SQLite migration; Postgres twins are made in order`);
    if (stale.length > 0) throw new Error(`SQLite migrations changed after their Postgres twin was made: ${stale.join(", ")}`);
    target = newest;
  } else if (stale.length > 0) {
    // Editing the newest migration in place is how unreleased schema work goes; older ones are history.
    if (stale.length > 1 || stale[0] !== newest)
      throw new Error(`SQLite migrations other than the newest changed after their Postgres twin was made: ${stale.join(", ")}; add a new migration instead`);
    target = newest;
  } else if (regenerateNewest && newest) {
    target = newest;
  } else if (current !== derived) {
    throw new Error(
      "prisma/schema.prisma changed but prisma/migrations has no new or changed migration: create the SQLite migration first (see docs/decisions/001), then generate",
    );
  }

  const written: string[] = [];
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(path.relative(process.cwd(), file));
  };
  write(POSTGRES_SCHEMA, derived);
  const schemaSql = sqlFromEmpty(POSTGRES_SCHEMA, adminUrl);
  write(POSTGRES_SQL, schemaSql);
  if (target) {
    const index = sqliteNames.indexOf(target);
    const previous = index > 0 ? readFileSync(snapshotFile(sqliteNames[index - 1]), "utf8") : null;
    const step = previous === null ? schemaSql : sqlBetween(previous, POSTGRES_SCHEMA, adminUrl);
    write(postgresMigrationFile(target), migrationHeader(target, sqliteMigrationSql(target)) + (step.trim() === "" ? NO_CHANGES : step));
    write(snapshotFile(target), derived);
  }
  write(LOCK_FILE, LOCK_TEXT);
  generatePostgresClient(adminUrl);
  written.push("prisma/postgres/client/ (generated, not committed)");
  return written;
}

async function check(adminUrl: string): Promise<string[]> {
  const problems: string[] = [];
  const derived = derivePostgresSchema(readFileSync(SOURCE_SCHEMA, "utf8"));
  if (!existsSync(POSTGRES_SCHEMA)) problems.push("prisma/postgres/schema.prisma is missing");
  else if (readFileSync(POSTGRES_SCHEMA, "utf8") !== derived)
    problems.push("prisma/postgres/schema.prisma differs from the one derived from prisma/schema.prisma");
  const sqliteNames = migrationOrder(sqliteMigrationNames());
  const postgresNames = migrationNames();
  const { missingInPostgres, extraInPostgres } = pairMigrations(sqliteNames, postgresNames);
  if (missingInPostgres.length > 0) problems.push(`SQLite migrations without a Postgres twin: ${missingInPostgres.join(", ")}`);
  if (extraInPostgres.length > 0) problems.push(`Postgres migrations without a SQLite twin: ${extraInPostgres.join(", ")}`);
  const stale = staleTwins(postgresNames, sqliteNames);
  if (stale.length > 0) problems.push(`SQLite migrations changed after their Postgres twin was made: ${stale.join(", ")}`);
  const newest = postgresNames[postgresNames.length - 1];
  if (newest && (!existsSync(snapshotFile(newest)) || readFileSync(snapshotFile(newest), "utf8") !== derived)) {
    problems.push(`prisma/postgres/migrations/${newest}/schema.prisma.snapshot is not the current Postgres schema`);
  }
  if (!existsSync(LOCK_FILE) || readFileSync(LOCK_FILE, "utf8") !== LOCK_TEXT)
    problems.push("prisma/postgres/migrations/migration_lock.toml is missing or not postgresql");
  if (!existsSync(POSTGRES_SQL)) problems.push("prisma/postgres/schema.sql is missing");
  if (problems.length > 0) return problems;

  const schemaSql = readFileSync(POSTGRES_SQL, "utf8");
  if (!sameSql(sqlFromEmpty(POSTGRES_SCHEMA, adminUrl), schemaSql))
    problems.push("prisma/postgres/schema.sql is not what Prisma generates from prisma/postgres/schema.prisma");

  const prefix = `cart_relay_check_${process.pid}_`;
  try {
    const replayed = await createDatabase(adminUrl, `${prefix}migrations`);
    await applyPostgresMigrations(replayed);
    const fromSql = await createDatabase(adminUrl, `${prefix}schema`);
    await executeSql(fromSql, schemaSql);
    const [a, b] = await Promise.all([describeSchema(replayed), describeSchema(fromSql)]);
    if (!isDeepStrictEqual(a, b)) {
      problems.push(`replaying prisma/postgres/migrations does not produce schema.sql's schema:\n${describeDifference(a as Catalog, b as Catalog)}`);
    }
  } finally {
    await dropDatabases(adminUrl, prefix);
  }
  return problems;
}

type Catalog = Record<string, unknown[]>;

function describeDifference(migrated: Catalog, expected: Catalog): string {
  const lines: string[] = [];
  for (const part of Object.keys(expected)) {
    const have = new Set((migrated[part] ?? []).map((row) => JSON.stringify(row)));
    const want = new Set((expected[part] ?? []).map((row) => JSON.stringify(row)));
    for (const row of want) if (!have.has(row)) lines.push(`  missing ${part}: ${row}`);
    for (const row of have) if (!want.has(row)) lines.push(`  unexpected ${part}: ${row}`);
  }
  return lines.slice(0, 20).join("\n");
}

const command = process.argv[2];
if (command !== "generate" && command !== "check") {
  process.stderr.write("usage: npx tsx scripts/postgres/schema.ts generate|check\n");
  process.exit(2);
}
try {
  if (command === "generate") {
    const regenerateNewest = process.argv.includes("--regenerate-newest");
    const written = await withPostgres((url) => generate(url, { regenerateNewest }));
    process.stdout.write(`wrote:\n${written.map((file) => `  ${file}`).join("\n")}\n`);
  } else {
    const problems = await withPostgres(check);
    if (problems.length > 0) {
      process.stderr.write(`Postgres schema drift:\n- ${problems.join("\n- ")}\nFix: npx tsx scripts/postgres/schema.ts generate\n`);
      process.exit(1);
    }
    process.stdout.write("prisma/postgres matches prisma/schema.prisma and prisma/migrations\n");
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
