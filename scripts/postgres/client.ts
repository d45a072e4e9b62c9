// `npx tsx scripts/postgres/client.ts`: generates the Prisma client for
// PostgreSQL (prisma/postgres/client) and makes it share @prisma/client's
// runtime.
//
// Why: a client generated to a custom folder gets its own copy of Prisma's
// runtime, so its errors are not `instanceof Prisma.PrismaClientKnownRequestError`
// and it does not recognise `Prisma.DbNull` as imported from @prisma/client
// (it would store `{}` instead of NULL). The app imports `Prisma` from
// @prisma/client everywhere; with one shared runtime those checks and values
// hold on PostgreSQL exactly as on SQLite. The runtime is the same version
// (it comes from the same package), only its module path changes.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { POSTGRES_CLIENT_DIR } from "../../app/database-url";
import { shareRuntime } from "./schema-text";

const POSTGRES_SCHEMA = path.resolve("prisma", "postgres", "schema.prisma");

export class ClientGenerationError extends Error {
  override name = "ClientGenerationError";
  readonly kind = "client_generation_failed";
}

export function generatePostgresClient(databaseUrl?: string): void {
  // The schema's datasource must validate: any postgres:// URL does, nothing connects.
  const url = databaseUrl?.startsWith("postgres") ? databaseUrl : "postgres://unused@127.0.0.1:1/unused";
  const result = spawnSync(path.resolve("node_modules", ".bin", "prisma"), ["generate", "--schema", POSTGRES_SCHEMA], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new ClientGenerationError(`prisma generate failed:\n${result.stderr || result.stdout}`);
  const entry = path.join(POSTGRES_CLIENT_DIR, "index.js");
  if (!existsSync(entry)) throw new ClientGenerationError(`prisma generate wrote no ${entry}`);
  writeFileSync(entry, shareRuntime(readFileSync(entry, "utf8")));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    generatePostgresClient(process.env.DATABASE_URL);
    process.stdout.write(`generated ${path.relative(process.cwd(), POSTGRES_CLIENT_DIR)} on @prisma/client's runtime\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
