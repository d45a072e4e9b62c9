import { copyFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";

// A fresh copy of the migrated template for every test file: no shared
// database, no deleteMany between tests.
if (!process.env.DATABASE_URL?.startsWith("postgres")) {
  const file = path.resolve(`test/.tmp/db-${randomUUID()}.sqlite`);
  copyFileSync(path.resolve("test/.tmp/template.sqlite"), file);
  process.env.DATABASE_URL = `file:${file}`;
}
