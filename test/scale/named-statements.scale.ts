import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { sqlDatabase } from "../../app/db/sql.server";
import { requirePostgres } from "./harness";

requirePostgres();

// On PostgreSQL the hot paths' statements are prepared once per connection
// (app/db/sql.server.ts): a second run binds the statement PostgreSQL already
// planned instead of sending its text again.
describe("statements prepared once per PostgreSQL connection", () => {
  it("names a parameterised statement by its text and reuses it on the same connection", async () => {
    const { db } = sqlDatabase();
    const prepared = await db.connection().execute(async (connection) => {
      for (const n of [1, 2, 3]) expect((await sql<{ n: number }>`SELECT ${n}::int + 1 AS n`.execute(connection)).rows[0].n).toBe(n + 1);
      const { rows } = await sql<{ name: string; statement: string }>`SELECT name, statement FROM pg_prepared_statements`.execute(connection);
      return rows;
    });
    const mine = prepared.filter((row) => row.statement.includes("::int + 1 AS n"));
    expect(mine).toHaveLength(1);
    expect(mine[0].name).toMatch(/^cr_[A-Za-z0-9_-]{24}$/);
  });

  it("leaves a statement without parameters unnamed", async () => {
    const { db } = sqlDatabase();
    const prepared = await db.connection().execute(async (connection) => {
      await sql`SELECT 41 + 1 AS answer`.execute(connection);
      return (await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements WHERE name LIKE ${"cr\\_%"}`.execute(connection)).rows;
    });
    expect(prepared.some((row) => row.statement.includes("41 + 1"))).toBe(false);
  });
});
