import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { applyPostgresMigrations, createDatabase, dropDatabases } from "../scripts/postgres/migrations";

// One migrated SQLite template per run, in a folder of its own so concurrent
// runs never delete each other's databases; each test file copies it
// (test/setup-env.ts).
//
// With CART_RELAY_TEST_POSTGRES_URL (a server the run may create databases
// on, e.g. from scripts/with-test-servers.ts) the same tests run on
// PostgreSQL instead: one template database migrated from
// prisma/postgres/migrations, copied per test file.
export default async function setup() {
  const dir = path.resolve(`test/.tmp/run-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  process.env.CART_RELAY_TEST_DIR = dir;
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${path.join(dir, "template.sqlite")}` },
    stdio: "pipe",
  });

  const postgres = process.env.CART_RELAY_TEST_POSTGRES_URL;
  if (!postgres) return () => rmSync(dir, { recursive: true, force: true });
  const prefix = `cart_relay_test_${process.pid}_`;
  await dropDatabases(postgres, prefix);
  await applyPostgresMigrations(await createDatabase(postgres, `${prefix}template`));
  process.env.CART_RELAY_TEST_POSTGRES_PREFIX = prefix;
  return async () => {
    await dropDatabases(postgres, prefix);
    rmSync(dir, { recursive: true, force: true });
  };
}
