import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

// One migrated SQLite template per run, in a folder of its own so concurrent
// runs never delete each other's databases; each test file copies it
// (test/setup-env.ts).
export default function setup() {
  const dir = path.resolve(`test/.tmp/run-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  process.env.CART_RELAY_TEST_DIR = dir;
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${path.join(dir, "template.sqlite")}` },
    stdio: "pipe",
  });
  return () => rmSync(dir, { recursive: true, force: true });
}
