import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Kysely, PostgresDialect, SqliteDialect, type CompiledQuery } from "kysely";
import prisma from "../app/db.server";
import { closeSqlDatabase, sqlDatabase } from "../app/db/sql.server";
import type { DB } from "../app/db/tables";
import { dashboardAggregates, loadDashboard } from "../app/metrics/dashboard.server";
import { FIXTURE_RANGE } from "../app/metrics/dashboard.fixture";
import type { DayRange } from "../app/metrics/date-range";
import { seedDashboard, storedEndpoint } from "./admin-fixtures";
import { dashboardFromRows as fromRows } from "./one-at-a-time";

// The dashboard aggregated in SQL gives the numbers `computeDashboard` gives
// over the same stored rows, loaded the way the dashboard loaded them before.
afterAll(() => closeSqlDatabase());

async function newShop(timezone: string) {
  return prisma.shop.create({ data: { domain: `dash-sql-${randomUUID().slice(0, 8)}.myshopify.com`, pixelKey: randomUUID(), currency: "INR", timezone } });
}

describe("dashboard in SQL", () => {
  it("equals the row-by-row numbers on the fixture, for every endpoint and for ranges around it", async () => {
    const shop = await newShop("Asia/Kolkata");
    const { endpoints } = await seedDashboard(shop);
    const ranges: DayRange[] = [
      FIXTURE_RANGE,
      { ...FIXTURE_RANGE, from: "2026-03-02", to: "2026-03-02" },
      { ...FIXTURE_RANGE, from: "2026-02-20", to: "2026-03-10" },
      { ...FIXTURE_RANGE, from: "2026-04-01", to: "2026-04-02" },
    ];
    for (const range of ranges) {
      for (const endpointId of [null, endpoints.A.id, endpoints.B.id]) {
        expect(await loadDashboard(shop, range, endpointId)).toEqual(await fromRows(shop, range, endpointId));
      }
    }
    const metrics = await loadDashboard(shop, FIXTURE_RANGE, null);
    expect(metrics.deliveries.timeToFirstSuccess).toEqual({ deliveries: 4, p50Ms: 5_000, p95Ms: 130_000 });
    expect(metrics.recovery.revenue).toEqual({ currency: "INR", amount: "1900.25", orders: 2 });
  });

  it("equals the row-by-row numbers on generated rows across a DST change, day by day in the shop's zone", async () => {
    const shop = await newShop("America/New_York");
    const endpoints = [await storedEndpoint(shop, "One"), await storedEndpoint(shop, "Two")];
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
    const base = Date.parse("2026-03-05T00:00:00Z");
    const statuses = ["open", "abandoned", "recovered", "converted"] as const;
    for (let i = 0; i < 160; i++) {
      const createdAt = new Date(base + Math.floor(random() * 7 * 24) * 3_600_000 + Math.floor(random() * 3_600_000));
      const status = pick(statuses);
      const abandoned = status !== "open" || random() < 0.2;
      const ordered = status === "recovered" || status === "converted";
      const checkout = await prisma.checkout.create({
        data: {
          shopId: shop.id,
          token: `gen-${i}`,
          status,
          createdAt,
          lastActivityAt: createdAt,
          abandonedAt: abandoned ? new Date(createdAt.getTime() + 600_000) : null,
          phoneE164: random() < 0.7 ? `+1415555${String(1000 + i)}` : null,
          emailNormalized: random() < 0.6 ? `gen${i}@example.com` : null,
          whatsappOptIn: pick([true, false, null]),
          smsMarketing: pick([true, false, null]),
          emailMarketing: pick([true, false, null]),
          orderTotal: ordered ? pick(["1800.00", "999.99", "0.01", "250.50", "12.3"]) : null,
          orderCurrency: ordered ? pick(["INR", "inr", "USD", null]) : null,
        },
      });
      if (!abandoned) continue;
      const eventAt = new Date(createdAt.getTime() + 600_000);
      const event = await prisma.event.create({
        data: {
          id: randomUUID(),
          shopId: shop.id,
          checkoutId: checkout.id,
          topic: pick(["abandonedCheckout", "abandonedCheckout", "checkoutRecovered"]),
          payload: "{}",
          test: random() < 0.1,
          createdAt: eventAt,
          expiresAt: eventAt,
        },
      });
      for (const endpoint of endpoints) {
        if (random() < 0.3) continue;
        const attempts = Math.floor(random() * 4);
        const status =
          attempts === 0 ? pick(["pending", "cancelled_converted", "expired", "cancelled"]) : pick(["succeeded", "failed", "pending", "in_flight"]);
        await prisma.delivery.create({
          data: {
            shopId: shop.id,
            eventId: event.id,
            endpointId: endpoint.id,
            topic: event.topic,
            body: "{}",
            status,
            attemptCount: attempts,
            firstSuccessAt: status === "succeeded" ? new Date(eventAt.getTime() + Math.floor(random() * 600_000)) : null,
            createdAt: eventAt,
            attempts: {
              create: Array.from({ length: attempts }, (_, n) => ({
                number: n + 1,
                requestId: randomUUID(),
                startedAt: eventAt,
                ...pick([
                  { errorKind: null, statusCode: 200 },
                  { errorKind: "http", statusCode: pick([500, 503, 404]) },
                  { errorKind: "timeout", statusCode: null },
                  { errorKind: "network", statusCode: null },
                ]),
              })),
            },
          },
        });
      }
    }
    const ranges: DayRange[] = [
      { preset: "custom", from: "2026-03-05", to: "2026-03-11", timeZone: "America/New_York" },
      { preset: "custom", from: "2026-03-08", to: "2026-03-08", timeZone: "America/New_York" },
      { preset: "custom", from: "2026-03-01", to: "2026-03-31", timeZone: "UTC" },
    ];
    for (const range of ranges) {
      for (const endpointId of [null, ...endpoints.map((e) => e.id)]) {
        const fromSql = await loadDashboard(shop, range, endpointId);
        expect(fromSql).toEqual(await fromRows(shop, range, endpointId));
      }
    }
    expect((await loadDashboard(shop, ranges[0], null)).checkouts.captured).toBeGreaterThan(100);
  }, 60_000);

  it("reads the range's checkouts by (shopId, createdAt) and their deliveries by key, never a shop's or endpoint's whole history", async () => {
    const shop = await newShop("Asia/Kolkata");
    const { endpoints } = await seedDashboard(shop);
    const { codec, sqlite, pool } = sqlDatabase();
    const statements: CompiledQuery[] = [];
    const log = (event: { query: CompiledQuery }) => void statements.push(event.query);
    const logged = new Kysely<DB>({ dialect: sqlite ? new SqliteDialect({ database: sqlite }) : new PostgresDialect({ pool: pool! }), log });
    await dashboardAggregates(logged, codec, shop, FIXTURE_RANGE, endpoints.A.id);
    await dashboardAggregates(logged, codec, shop, FIXTURE_RANGE, null);
    expect(statements.length).toBeGreaterThanOrEqual(10);
    for (const statement of statements) {
      let plan: string;
      if (sqlite) {
        plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...(statement.parameters as unknown[])) as { detail: string }[])
          .map((row) => row.detail)
          .join("\n");
      } else {
        const client = await pool!.connect();
        try {
          await client.query("BEGIN");
          await client.query("SET LOCAL enable_seqscan = off");
          plan = (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${statement.sql}`, statement.parameters as unknown[])).rows
            .map((row) => row["QUERY PLAN"])
            .join("\n");
        } finally {
          await client.query("ROLLBACK");
          client.release();
        }
      }
      if (sqlite) {
        expect(plan, statement.sql).toMatch(/Checkout_shopId_createdAt_idx/);
        expect(plan, statement.sql).not.toMatch(
          /Delivery_shopId_createdAt_idx|Delivery_endpointId_createdAt_idx|Delivery_status_nextAttemptAt_idx|Attempt_startedAt_idx/,
        );
      } else {
        // PostgreSQL weighs indexes by statistics, which a handful of rows cannot give (bench/detector.ts runs it at 1M):
        // here every table must at least be reachable through an index.
        expect(plan, statement.sql).not.toMatch(/Seq Scan on "(Checkout|Event|Delivery|Attempt)"/);
      }
    }
  });
});
