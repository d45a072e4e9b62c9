import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseUrl } from "./app/database-url";
import { loadDotEnv } from "./app/dotenv";

loadDotEnv();

// The schema's datasource reads DATABASE_URL; default it to the embedded file.
const url = databaseUrl(process.env.DATABASE_URL);
process.env.DATABASE_URL = url;

// Prisma 6.19 with the JS engine works offline (see ../shared/ENVIRONMENT.md).
export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaBetterSQLite3({ url });
  },
});
