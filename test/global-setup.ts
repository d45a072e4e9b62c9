import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

export const TEMPLATE_DB = path.resolve("test/.tmp/template.sqlite");

// One migrated SQLite template per run; each test file copies it (test/setup-env.ts).
export default function setup() {
  rmSync(path.dirname(TEMPLATE_DB), { recursive: true, force: true });
  mkdirSync(path.dirname(TEMPLATE_DB), { recursive: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${TEMPLATE_DB}` },
    stdio: "pipe",
  });
}
