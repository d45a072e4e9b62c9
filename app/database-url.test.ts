import { describe, expect, it } from "vitest";
import { DatabaseUrlError, databaseUrl, DEFAULT_DATABASE_URL, isPostgresUrl, postgresConnection } from "./database-url";

describe("database URLs", () => {
  it.each([
    [undefined, DEFAULT_DATABASE_URL],
    ["  ", DEFAULT_DATABASE_URL],
    ["file:/tmp/x.sqlite", "file:/tmp/x.sqlite"],
    ["postgres://u@h/db", "postgres://u@h/db"],
  ])("databaseUrl(%j) is %j", (configured, expected) => {
    expect(databaseUrl(configured)).toBe(expected);
  });

  it.each([
    ["postgres://u@h/db", true],
    ["postgresql://u@h/db", true],
    ["file:postgres.sqlite", false],
    ["mysql://u@h/db", false],
  ])("isPostgresUrl(%j) is %j", (url, expected) => {
    expect(isPostgresUrl(url)).toBe(expected);
  });

  it.each([
    ["postgres://u:p@h:5432/db", { connectionString: "postgres://u:p@h:5432/db" }],
    ["postgres://u@h/db?schema=relay", { connectionString: "postgres://u@h/db", schema: "relay" }],
    ["postgres://u@h/db?connection_limit=4&sslmode=require", { connectionString: "postgres://u@h/db?sslmode=require", poolSize: 4 }],
  ])("postgresConnection(%j) takes Prisma's parameters out of the URL", (url, expected) => {
    expect(postgresConnection(url)).toEqual(expected);
  });

  it.each([
    ["file:x.sqlite", /not a postgres/],
    ["postgres://u@h/db?connection_limit=0", /connection_limit must be a whole number of at least 1 \(got "0"\)/],
    ["postgres://u@h/db?connection_limit=ten", /connection_limit/],
    ["postgres://u@h/db?schema=", /schema is empty/],
  ])("postgresConnection(%j) names the problem", (url, message) => {
    expect(() => postgresConnection(url)).toThrow(DatabaseUrlError);
    expect(() => postgresConnection(url)).toThrow(message);
  });
});
