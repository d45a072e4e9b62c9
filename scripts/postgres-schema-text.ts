// Pure text transforms behind scripts/postgres-schema.ts: the Postgres schema
// is the source schema with another datasource provider and its own client.

export const GENERATED_HEADER =
  "// Generated from prisma/schema.prisma by `npx tsx scripts/postgres-schema.ts generate`; do not edit.\n" +
  "// `npx tsx scripts/postgres-schema.ts check` fails when this file, schema.sql or migrations/ drift.\n\n";

export class SchemaTextError extends Error {
  override name = "SchemaTextError";
  readonly kind = "unexpected_schema_shape";
}

function replaceOnce(text: string, pattern: RegExp, replacement: (match: string, ...groups: string[]) => string, what: string): string {
  const matches = text.match(new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`));
  if (!matches || matches.length !== 1) throw new SchemaTextError(`prisma/schema.prisma must have exactly one ${what} (found ${matches?.length ?? 0})`);
  return text.replace(pattern, replacement as (substring: string, ...args: unknown[]) => string);
}

/**
 * The Postgres schema for a source schema: provider `postgresql`, and the
 * client generated into prisma/postgres/client instead of node_modules (where
 * the SQLite client lives).
 */
export function derivePostgresSchema(source: string): string {
  let text = replaceOnce(source, /(datasource\s+db\s*\{[^}]*?provider\s*=\s*)"sqlite"/, (_m, head) => `${head}"postgresql"`, 'datasource with provider = "sqlite"');
  if (/generator\s+client\s*\{[^}]*\boutput\s*=/.test(text)) throw new SchemaTextError("the source generator must not set output (the Postgres client's output is set here)");
  text = replaceOnce(text, /(generator\s+client\s*\{[^}]*?)(\n\})/, (_m, body, close) => `${body}\n  output     = "./client"${close}`, "generator client block");
  return GENERATED_HEADER + text;
}

/** Migration folder names in the order Prisma applies them (lexicographic). */
export function migrationOrder(names: string[]): string[] {
  return [...names].sort();
}

export interface MigrationPairing {
  missingInPostgres: string[];
  extraInPostgres: string[];
}

export function pairMigrations(sqlite: string[], postgres: string[]): MigrationPairing {
  return {
    missingInPostgres: migrationOrder(sqlite.filter((name) => !postgres.includes(name))),
    extraInPostgres: migrationOrder(postgres.filter((name) => !sqlite.includes(name))),
  };
}

/** Text equality for generated SQL, ignoring trailing whitespace and line endings. */
export function sameSql(a: string, b: string): boolean {
  const normal = (sql: string) => sql.replace(/\r\n/g, "\n").split("\n").map((line) => line.trimEnd()).join("\n").trim();
  return normal(a) === normal(b);
}
