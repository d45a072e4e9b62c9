// `npx tsx scripts/postgres/migrate.ts`: applies prisma/postgres/migrations to
// the PostgreSQL database in DATABASE_URL (the Postgres counterpart of
// `prisma migrate deploy`, which Prisma's JS engine cannot run there).
import { loadDotEnv } from "../../app/dotenv";
import { isPostgresUrl, postgresConnection } from "../../app/database-url";
import { applyPostgresMigrations } from "./migrations";

loadDotEnv();
const url = process.env.DATABASE_URL ?? "";
if (!isPostgresUrl(url)) {
  process.stderr.write("DATABASE_URL must be a postgres:// URL (SQLite uses `npx prisma migrate deploy`)\n");
  process.exit(2);
}
try {
  const { connectionString, schema } = postgresConnection(url);
  if (schema && schema !== "public")
    throw new Error(`DATABASE_URL schema=${schema}: the generated SQL targets the public schema; use a separate database instead`);
  const applied = await applyPostgresMigrations(connectionString);
  process.stdout.write(applied.length > 0 ? `applied: ${applied.join(", ")}\n` : "the database is up to date\n");
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
