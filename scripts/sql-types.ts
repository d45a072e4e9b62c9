// Writes app/db/tables.ts, the Kysely table types of the hot-path SQL layer,
// from prisma/schema.prisma with prisma-kysely (decision 007). Run after a
// schema change: `npm run db:types`. `check` exits 1 when the file drifted.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const SOURCE_SCHEMA = path.resolve("prisma", "schema.prisma");
const TABLES_FILE = path.resolve("app", "db", "tables.ts");
const HEADER = "// Generated from prisma/schema.prisma by `npm run db:types`; do not edit.\n";

// The client generator stays (with its output out of the way) because without
// one Prisma 6 wants to download a native engine.
const GENERATORS = (dir: string) => `generator client {
  provider   = "prisma-client-js"
  engineType = "client"
  output     = "${dir}/client"
}

generator kysely {
  provider = "prisma-kysely"
  output   = "${dir}"
  fileName = "tables.ts"
}`;

// prisma-kysely types columns as SQLite stores them (dates as text, booleans
// as 0/1, decimals as REAL). PostgreSQL returns Date, boolean and numeric
// text instead, so those columns get a type that admits both; app/db/codec.ts
// reads and writes them the same way on either database.
const DIALECT_NEUTRAL: Record<string, string> = { DateTime: "DbDate", Boolean: "DbBool", Decimal: "DbDecimal" };

function neutralTypes(source: string, tables: string): string {
  const modelTypes = new Map<string, Map<string, string>>();
  for (const [, model, body] of source.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const fields = new Map<string, string>();
    for (const [, field, type] of body.matchAll(/^\s+(\w+)\s+(DateTime|Boolean|Decimal)\??(\s|$)/gm)) fields.set(field, DIALECT_NEUTRAL[type]);
    modelTypes.set(model, fields);
  }
  let model = "";
  const lines = tables.split("\n").map((line) => {
    const start = /^export type (\w+) = \{$/.exec(line);
    if (start) model = start[1]!;
    const column = /^(\s+)(\w+): (Generated<)?(string|number)(>)?( \| null)?;$/.exec(line);
    const neutral = column && modelTypes.get(model)?.get(column[2]);
    if (!column || !neutral) return line;
    const [, indent, name, generated, , , nullable] = column;
    return `${indent}${name}: ${generated ? `Generated<${neutral}>` : neutral}${nullable ?? ""};`;
  });
  const imports = 'import type { DbBool, DbDate, DbDecimal } from "./codec";';
  return lines.join("\n").replace('import type { ColumnType } from "kysely";', `import type { ColumnType } from "kysely";\n${imports}`);
}

function generate(): string {
  // Inside the project, so Prisma finds its own package.json and installs nothing.
  const dir = mkdtempSync(path.resolve(".sql-types-"));
  try {
    const source = readFileSync(SOURCE_SCHEMA, "utf8");
    const schema = source.replace(/generator client \{[^}]*\}/, GENERATORS(dir));
    writeFileSync(path.join(dir, "schema.prisma"), schema);
    const result = spawnSync(path.resolve("node_modules", ".bin", "prisma"), ["generate", "--schema", path.join(dir, "schema.prisma")], {
      encoding: "utf8",
      // The types come from the SQLite source schema whatever database this shell points at.
      env: { ...process.env, DATABASE_URL: "file:./prisma/types.sqlite" },
    });
    if (result.status !== 0) throw new Error(`prisma generate failed:\n${result.stderr || result.stdout}`);
    return HEADER + neutralTypes(source, readFileSync(path.join(dir, "tables.ts"), "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mode = process.argv[2] ?? "generate";
const text = generate();
if (mode === "check") {
  if (readFileSync(TABLES_FILE, "utf8") !== text) {
    console.error("app/db/tables.ts is out of date with prisma/schema.prisma: run `npm run db:types`");
    process.exit(1);
  }
} else {
  writeFileSync(TABLES_FILE, text);
  console.log("wrote app/db/tables.ts");
}
