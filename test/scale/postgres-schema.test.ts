import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema, GENERATED_HEADER, pairMigrations, SchemaTextError, sameSql } from "../../scripts/postgres-schema-text";

const source = `// comment
generator client {
  provider   = "prisma-client-js"
  engineType = "client"
}

datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

model Shop {
  id String @id
  provider String @default("sqlite")
}
`;

describe("the Postgres schema derived from the source schema", () => {
  it("swaps the datasource provider, gives the client its own output and changes nothing else", () => {
    const derived = derivePostgresSchema(source);
    expect(derived.startsWith(GENERATED_HEADER)).toBe(true);
    expect(derived).toContain('datasource db {\n  provider = "postgresql"');
    expect(derived).toContain('engineType = "client"\n  output     = "./client"\n}');
    // Only the datasource's provider changes, not a model field that happens to say sqlite.
    expect(derived).toContain('provider String @default("sqlite")');
    expect(derived.slice(GENERATED_HEADER.length).replace('"postgresql"', '"sqlite"').replace('\n  output     = "./client"', "")).toBe(source);
  });

  it.each([
    ["no sqlite datasource", source.replace('provider = "sqlite"', 'provider = "mysql"'), /exactly one datasource/],
    ["an output already set", source.replace('engineType = "client"', 'engineType = "client"\n  output = "../x"'), /must not set output/],
    ["no generator", source.replace(/generator client \{[^}]*\}/, ""), /exactly one generator client block/],
  ])("refuses a source schema with %s", (_name, text, message) => {
    expect(() => derivePostgresSchema(text)).toThrow(SchemaTextError);
    expect(() => derivePostgresSchema(text)).toThrow(message);
  });

  it("is what prisma/postgres/schema.prisma holds for the current source schema", () => {
    expect(readFileSync("prisma/postgres/schema.prisma", "utf8")).toBe(derivePostgresSchema(readFileSync("prisma/schema.prisma", "utf8")));
  });
});

describe("pairing SQLite and Postgres migrations", () => {
  it.each([
    [["0_init"], ["0_init"], [], []],
    [["0_init", "20260101_add"], ["0_init"], ["20260101_add"], []],
    [["0_init"], ["0_init", "stale"], [], ["stale"]],
    [["b", "a"], [], ["a", "b"], []],
  ])("sqlite %j, postgres %j", (sqlite, postgres, missing, extra) => {
    expect(pairMigrations(sqlite, postgres)).toEqual({ missingInPostgres: missing, extraInPostgres: extra });
  });
});

describe("comparing generated SQL", () => {
  it.each([
    ["CREATE TABLE a;\n", "CREATE TABLE a;", true],
    ["CREATE TABLE a;  \r\n", "CREATE TABLE a;\n", true],
    ["CREATE TABLE a;", "CREATE TABLE b;", false],
    ['"x" TEXT NOT NULL', '"x" TEXT', false],
  ])("%j vs %j", (a, b, same) => {
    expect(sameSql(a, b)).toBe(same);
  });
});
