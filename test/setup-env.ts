import { copyFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";

// A fresh copy of the migrated template for every test file: no shared
// database, no deleteMany between tests.
if (!process.env.DATABASE_URL?.startsWith("postgres")) {
  const dir = process.env.CART_RELAY_TEST_DIR!;
  const file = path.join(dir, `db-${randomUUID()}.sqlite`);
  copyFileSync(path.join(dir, "template.sqlite"), file);
  process.env.DATABASE_URL = `file:${file}`;
}
