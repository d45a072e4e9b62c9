// Abandonment detector and dashboard: time per sweep and per dashboard load
// while the number of stored checkouts grows from none (the baseline, same
// run) to 10k, 100k and 1M, with the same number due at each sweep and the
// same cohort on the dashboard. The sweep reads only due checkouts (index on
// status + abandonDueAt) and the dashboard only the range's days (index on
// shopId + createdAt), so both should stay flat.
//
//   npx tsx bench/detector.ts [--due 100] [--sweeps 5] [--sizes 10000,100000,1000000] [--databases sqlite,postgres] [--cohort 2000]
//
// Each sweep turns the due checkouts into events with one delivery each (one
// active endpoint; nothing is sent), once with the set-based detector and
// once with the one-at-a-time detector it replaced (test/one-at-a-time.ts),
// on fresh due checkouts each; CPU is this process's (on SQLite it includes
// the database's work, on PostgreSQL not the server's). The dashboard is
// loaded in SQL and, for comparison, the way it was before (every checkout
// of the range loaded into memory). Checkouts that are not due are written
// with SQL in bulk, spread over 100 shops and the dashboard's shop, 100 days
// old (outside the dashboard's 30 days).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { sql } from "kysely";
import pg from "pg";
import { startPostgres } from "../scripts/throwaway-servers";
import { applyPostgresMigrations, createDatabase } from "../scripts/postgres/migrations";
import { loadNow, machine, ms, percentile, ROOT, sqliteDatabase, table } from "./lib";

const { values } = parseArgs({
  options: {
    due: { type: "string", default: "100" },
    sweeps: { type: "string", default: "5" },
    sizes: { type: "string", default: "10000,100000,1000000" },
    databases: { type: "string", default: "sqlite,postgres" },
    run: { type: "string" },
    cohort: { type: "string", default: "2000" },
  },
});

interface Timing {
  median: number;
  max: number;
  cpuPerDueUs: number;
}
interface SizeResult {
  open: number;
  after: Timing;
  before: Timing;
  dashboard: { sql: number; rows: number };
  fillSeconds: number;
  load: string;
}

/** Bulk SQL for open checkouts that are not due (abandonDueAt a day ahead), and for due ones. */
interface Filler {
  fill(fromIndex: number, count: number, shopIds: string[]): Promise<void>;
  due(prefix: string, count: number, shopId: string): Promise<void>;
  close(): Promise<void>;
}

const ISO = "%Y-%m-%dT%H:%M:%f+00:00"; // how Prisma's SQLite adapter stores DateTime

function sqliteFiller(file: string): Filler {
  const db = new Database(file);
  db.pragma("busy_timeout = 10000");
  return {
    async fill(from, count, shopIds) {
      const insert = db.prepare(`WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?)
        INSERT INTO "Checkout" ("shopId", "token", "status", "email", "emailNormalized", "sources", "trustedSeen", "lastActivityAt", "abandonDueAt", "createdAt", "updatedAt")
        SELECT json_extract(?, '$[' || CAST((n + ?) % ? AS INTEGER) || ']'), 'open-' || (n + ?), 'open', 'buyer' || (n + ?) || '@example.com', 'buyer' || (n + ?) || '@example.com', 'extension', 1,
          strftime('${ISO}', 'now'), strftime('${ISO}', 'now', '+1 day'), strftime('${ISO}', 'now', '-100 days'), strftime('${ISO}', 'now')
        FROM seq`);
      const shops = JSON.stringify(shopIds);
      if (count <= 0) return;
      for (let start = 0; start < count; start += 100_000) {
        const batch = Math.min(100_000, count - start);
        db.transaction(() =>
          insert.run(batch, shops, BigInt(from + start), BigInt(shopIds.length), BigInt(from + start), BigInt(from + start), BigInt(from + start)),
        )();
      }
      db.exec("ANALYZE");
    },
    async due(prefix, count, shopId) {
      const insert =
        db.prepare(`INSERT INTO "Checkout" ("shopId", "token", "status", "email", "emailNormalized", "sources", "trustedSeen", "lastActivityAt", "abandonDueAt", "createdAt", "updatedAt")
        VALUES (?, ?, 'open', ?, ?, 'extension', 1, strftime('${ISO}', 'now', '-11 minutes'), strftime('${ISO}', 'now', '-1 second'), strftime('${ISO}', 'now'), strftime('${ISO}', 'now'))`);
      db.transaction(() => {
        for (let i = 0; i < count; i++) insert.run(shopId, `${prefix}-${i}`, `${prefix}-${i}@example.com`, `${prefix}-${i}@example.com`);
      })();
    },
    async close() {
      db.close();
    },
  };
}

async function postgresFiller(url: string): Promise<Filler> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async fill(from, count, shopIds) {
      if (count <= 0) return;
      for (let start = 0; start < count; start += 100_000) {
        const batch = Math.min(100_000, count - start);
        await client.query(
          `INSERT INTO "Checkout" ("shopId", "token", "status", "email", "emailNormalized", "sources", "trustedSeen", "lastActivityAt", "abandonDueAt", "createdAt", "updatedAt")
          SELECT ($1::text[])[1 + (n % $2)], 'open-' || n, 'open', 'buyer' || n || '@example.com', 'buyer' || n || '@example.com', 'extension', true,
            now(), now() + interval '1 day', now() - interval '100 days', now()
          FROM generate_series($3::int, $4::int) AS n`,
          [shopIds, shopIds.length, from + start, from + start + batch - 1],
        );
      }
      await client.query('ANALYZE "Checkout"');
    },
    async due(prefix, count, shopId) {
      await client.query(
        `INSERT INTO "Checkout" ("shopId", "token", "status", "email", "emailNormalized", "sources", "trustedSeen", "lastActivityAt", "abandonDueAt", "createdAt", "updatedAt")
        SELECT $1, $2 || '-' || n, 'open', $2 || '-' || n || '@example.com', $2 || '-' || n || '@example.com', 'extension', true,
          now() - interval '11 minutes', now() - interval '1 second', now(), now()
        FROM generate_series(0, $3::int - 1) AS n`,
        [shopId, prefix, count],
      );
    },
    close: () => client.end(),
  };
}

/** A cohort on the dashboard's shop over the last 29 days: most abandoned, each sent with one attempt, some recovered. */
async function seedDashboardCohort(shopId: string, endpointId: string, count: number): Promise<void> {
  const { sqlDatabase } = await import("../app/db/sql.server");
  const { recordEvents } = await import("../app/events/record-event.server");
  const { db, codec } = sqlDatabase();
  const now = Date.now();
  const rows = Array.from({ length: count }, (_, i) => {
    const createdAt = new Date(now - 60_000 - Math.floor((i * 29 * 24 * 3_600_000) / count));
    const abandoned = i % 5 !== 0;
    const recovered = abandoned && i % 7 === 0;
    return {
      shopId,
      token: `dash-${i}`,
      status: recovered ? "recovered" : abandoned ? "abandoned" : "open",
      emailNormalized: `dash${i}@example.com`,
      phoneE164: i % 3 === 0 ? null : `+9198${String(i).padStart(8, "0")}`,
      whatsappOptIn: codec.bool(i % 2 === 0),
      smsMarketing: codec.bool(i % 4 === 0),
      emailMarketing: codec.bool(i % 3 === 0),
      orderTotal: recovered ? codec.decimal("1800.00") : null,
      orderCurrency: recovered ? "INR" : null,
      lastActivityAt: codec.date(createdAt),
      abandonedAt: abandoned ? codec.date(new Date(createdAt.getTime() + 600_000)) : null,
      createdAt: codec.date(createdAt),
      updatedAt: codec.date(createdAt),
    };
  });
  for (let start = 0; start < rows.length; start += 500) {
    const inserted = await db
      .insertInto("Checkout")
      .values(rows.slice(start, start + 500))
      .returning(["id", "abandonedAt"])
      .execute();
    await db.transaction().execute((tx) =>
      recordEvents(
        tx,
        inserted
          .filter((row) => row.abandonedAt !== null)
          .map((row) => {
            const at = new Date(row.abandonedAt!);
            return {
              eventId: randomUUID(),
              shopId,
              checkoutId: row.id,
              topic: "abandonedCheckout",
              payload: {},
              createdAt: at,
              expiresAt: at,
              endpoints: [{ id: endpointId, dropFields: null, maskFields: null }],
            };
          }),
      ),
    );
  }
  await db
    .updateTable("Delivery")
    .set((eb) => ({ status: "succeeded", attemptCount: 1, firstSuccessAt: eb.ref("createdAt") }))
    .where("shopId", "=", shopId)
    .execute();
  await sql`INSERT INTO "Attempt" ("id", "deliveryId", "number", "requestId", "startedAt", "statusCode")
    SELECT 'a' || "id", "id", 1, "id", "createdAt", 200 FROM "Delivery" WHERE "shopId" = ${shopId}`.execute(db);
}

async function timed(run: () => Promise<unknown>, times: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return percentile(
    samples.sort((a, b) => a - b),
    50,
  );
}

async function runDatabase(kind: string, sizes: number[], dueCount: number, sweeps: number, cohort: number): Promise<SizeResult[]> {
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    let url: string;
    let filler: Filler;
    if (kind === "sqlite") {
      const database = sqliteDatabase();
      cleanups.push(database.remove);
      url = database.url;
      filler = sqliteFiller(database.file);
    } else {
      const server = await startPostgres();
      cleanups.push(() => server.stop());
      url = await createDatabase(server.url, "cart_relay_bench");
      await applyPostgresMigrations(url);
      filler = await postgresFiller(url);
    }
    cleanups.unshift(() => filler.close());
    Object.assign(process.env, {
      NODE_ENV: "production",
      SHOPIFY_API_KEY: "bench-api-key",
      SHOPIFY_API_SECRET: "bench-api-secret",
      SHOPIFY_APP_URL: "https://cart-relay.bench",
      SCOPES: "read_checkouts,read_orders,write_pixels,read_customer_events",
      ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
      LOG_LEVEL: "warn",
      DATABASE_URL: url,
    });
    const { default: prisma } = await import("../app/db.server");
    const { sweepAbandonedCheckouts } = await import("../app/abandonment/detector.server");
    const { sweepOneAtATime, dashboardFromRows } = await import("../test/one-at-a-time");
    const { loadDashboard } = await import("../app/metrics/dashboard.server");
    const { resolveRange } = await import("../app/metrics/date-range");
    const { closeSqlDatabase } = await import("../app/db/sql.server");
    cleanups.unshift(
      () => prisma.$disconnect(),
      () => closeSqlDatabase(),
    );

    const shops = await Promise.all(
      Array.from({ length: 100 }, (_, i) => prisma.shop.create({ data: { domain: `open-${i}.myshopify.com`, pixelKey: randomUUID() } })),
    );
    const shop = await prisma.shop.create({ data: { domain: "due-shop.myshopify.com", pixelKey: randomUUID(), countryCode: "IN" } });
    await prisma.endpoint.create({
      data: {
        shopId: shop.id,
        name: "Bench BSP",
        url: "https://bsp.example/hooks",
        topics: ["abandonedCheckout"],
        secretCiphertext: "unused: nothing is sent",
      },
    });
    const dashboardShop = await prisma.shop.create({
      data: { domain: "dashboard-shop.myshopify.com", pixelKey: randomUUID(), currency: "INR", timezone: "UTC" },
    });
    const dashboardEndpoint = await prisma.endpoint.create({
      data: {
        shopId: dashboardShop.id,
        name: "Bench BSP",
        url: "https://bsp.example/hooks",
        topics: ["abandonedCheckout"],
        secretCiphertext: "unused: nothing is sent",
      },
    });
    await seedDashboardCohort(dashboardShop.id, dashboardEndpoint.id, cohort);
    const range = resolveRange({ range: "30d" }, new Date(), "UTC");

    const detectors = {
      after: (now: Date) => sweepAbandonedCheckouts(now, { limit: dueCount * 2 }),
      before: (now: Date) => sweepOneAtATime(now),
    };
    async function measureSweeps(which: keyof typeof detectors, label: string): Promise<Timing> {
      const times: number[] = [];
      let cpu = 0;
      for (let sweep = 0; sweep < sweeps; sweep++) {
        await filler.due(`${label}-${which}-${sweep}`, dueCount, shop.id);
        const cpuStarted = process.cpuUsage();
        const started = performance.now();
        const result = await detectors[which](new Date());
        times.push(performance.now() - started);
        const used = process.cpuUsage(cpuStarted);
        cpu += used.user + used.system;
        if (result.sent !== dueCount) throw new Error(`${which} sweep sent ${result.sent} of ${dueCount} (${JSON.stringify(result)})`);
      }
      times.sort((a, b) => a - b);
      return { median: percentile(times, 50), max: times[times.length - 1], cpuPerDueUs: cpu / (sweeps * dueCount) };
    }

    // Warm-up: the first queries compile and the JIT settles; not measured.
    for (const which of ["after", "before"] as const) {
      await filler.due(`warm-up-${which}`, dueCount, shop.id);
      await detectors[which](new Date());
    }
    const dashboards = {
      sql: () => loadDashboard(dashboardShop, range, null),
      rows: () => dashboardFromRows(dashboardShop, range, null),
    };
    const [fromSql, fromRows] = [await dashboards.sql(), await dashboards.rows()];
    if (JSON.stringify(fromSql) !== JSON.stringify(fromRows)) throw new Error("the dashboard in SQL and from rows disagree");
    if (fromSql.checkouts.captured !== cohort) throw new Error(`dashboard counted ${fromSql.checkouts.captured} of ${cohort}`);

    const results: SizeResult[] = [];
    let open = 0;
    for (const size of [0, ...sizes]) {
      const fillStarted = performance.now();
      await filler.fill(
        open,
        size - open,
        shops.map((s) => s.id),
      );
      const fillSeconds = (performance.now() - fillStarted) / 1000;
      open = size;
      const after = await measureSweeps("after", `due-${size}`);
      const before = await measureSweeps("before", `due-${size}`);
      const dashboard = { sql: await timed(dashboards.sql, sweeps), rows: await timed(dashboards.rows, sweeps) };
      results.push({ open: size, after, before, dashboard, fillSeconds, load: loadNow() });
    }
    return results;
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

const sizes = values.sizes.split(",").map(Number);
if (values.run) {
  const results = await runDatabase(values.run, sizes, Number(values.due), Number(values.sweeps), Number(values.cohort));
  process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
  process.exit(0);
}

process.stdout.write(`# Detector benchmark\n${machine()}\n\n`);
for (const database of values.databases.split(",")) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join("bench", "detector.ts"),
      "--run",
      database,
      "--sizes",
      values.sizes,
      "--due",
      values.due,
      "--sweeps",
      values.sweeps,
      "--cohort",
      values.cohort,
    ],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const line = out.split("\n").find((l) => l.startsWith("RESULT "));
  if (code !== 0 || !line) throw new Error(`${database} run failed (${code}):\n${out}`);
  const results = JSON.parse(line.slice("RESULT ".length)) as SizeResult[];
  const base = results[0];
  const size = (r: SizeResult) => (r.open === 0 ? "0 (baseline)" : r.open.toLocaleString("en"));
  process.stdout.write(
    `\n## ${database}: detector\n\n${table(
      [
        "stored checkouts (not due)",
        `sweep of ${values.due} due: median`,
        "per due checkout",
        "vs baseline",
        "CPU per event",
        "one at a time: per due",
        "CPU per event",
        "set-based vs one at a time (time, CPU)",
        "bulk fill (s)",
        "load after",
      ],
      results.map((r) => [
        size(r),
        ms(r.after.median),
        ms(r.after.median / Number(values.due)),
        `${(r.after.median / base.after.median).toFixed(2)}x`,
        `${r.after.cpuPerDueUs.toFixed(0)} µs`,
        ms(r.before.median / Number(values.due)),
        `${r.before.cpuPerDueUs.toFixed(0)} µs`,
        `${(r.after.median / r.before.median).toFixed(3)}x, ${(r.after.cpuPerDueUs / r.before.cpuPerDueUs).toFixed(3)}x`,
        r.fillSeconds.toFixed(1),
        r.load,
      ]),
    )}\n`,
  );
  process.stdout.write(
    `\n## ${database}: dashboard (30 days, ${Number(values.cohort).toLocaleString("en")} checkouts in range)\n\n${table(
      ["stored checkouts", "in SQL: median", "vs baseline", "rows loaded into memory (before): median", "vs baseline", "SQL vs rows"],
      results.map((r) => [
        size(r),
        ms(r.dashboard.sql),
        `${(r.dashboard.sql / base.dashboard.sql).toFixed(2)}x`,
        ms(r.dashboard.rows),
        `${(r.dashboard.rows / base.dashboard.rows).toFixed(2)}x`,
        `${(r.dashboard.sql / r.dashboard.rows).toFixed(3)}x`,
      ]),
    )}\n`,
  );
}
process.stdout.write(
  `\n${values.sweeps} sweeps per size and detector; each sweep abandons ${values.due} checkouts (dedupe lookup, payload, event and delivery)\n`,
);
