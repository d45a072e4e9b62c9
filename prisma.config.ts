import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrl, isPostgresUrl } from "./app/database-url";
import { loadDotEnv } from "./app/dotenv";

loadDotEnv();

// The schema's datasource reads DATABASE_URL; default it to the embedded file.
const url = databaseUrl(process.env.DATABASE_URL);
process.env.DATABASE_URL = url;
const postgres = isPostgresUrl(url);

// Prisma 6.19 with the JS engine works offline (see ../shared/ENVIRONMENT.md).
// A postgres:// URL selects the Postgres schema generated from the source one
// (prisma/postgres, kept in step by scripts/postgres/schema.ts), so `prisma generate` builds its client.
export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: postgres ? path.join("prisma", "postgres", "schema.prisma") : path.join("prisma", "schema.prisma"),
  async adapter() {
    return postgres ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url });
  },
});
