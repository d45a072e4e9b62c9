import { copyFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { createDatabase } from "../scripts/postgres/migrations";

// A fresh copy of the migrated template for every test file: no shared
// database, no deleteMany between tests. On PostgreSQL (test/global-setup.ts)
// the copy is a database made from the template database.
const postgres = process.env.CART_RELAY_TEST_POSTGRES_URL;
if (postgres) {
  const prefix = process.env.CART_RELAY_TEST_POSTGRES_PREFIX!;
  process.env.DATABASE_URL = await createDatabase(postgres, `${prefix}${randomUUID().replaceAll("-", "")}`, `${prefix}template`);
} else if (!process.env.DATABASE_URL?.startsWith("postgres")) {
  const dir = process.env.CART_RELAY_TEST_DIR!;
  const file = path.join(dir, `db-${randomUUID()}.sqlite`);
  copyFileSync(path.join(dir, "template.sqlite"), file);
  process.env.DATABASE_URL = `file:${file}`;
}
