// Abandonment detector: time per sweep while the number of open checkouts
// grows from none (the baseline, same run) to 10k, 100k and 1M, with the same
// number due at each sweep. The sweep reads only due checkouts (index on
// status + abandonDueAt), so its time should stay flat.
//
//   npx tsx bench/detector.ts [--due 100] [--sweeps 5] [--sizes 10000,100000,1000000] [--databases sqlite,postgres]
//
// Each sweep turns the due checkouts into events with one delivery each (one
// active endpoint; nothing is sent). Open checkouts that are not due are
// written with SQL in bulk, spread over 100 shops.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { startPostgres } from "../scripts/throwaway-servers";
import { applyPostgresMigrations, createDatabase } from "../scripts/postgres-migrations";
import { loadNow, machine, ms, percentile, ROOT, sqliteDatabase, table } from "./lib";

const { values } = parseArgs({
  options: {
    due: { type: "string", default: "100" },
    sweeps: { type: "string", default: "5" },
    sizes: { type: "string", default: "10000,100000,1000000" },
    databases: { type: "string", default: "sqlite,postgres" },
    run: { type: "string" },
  },
});

interface SizeResult { open: number; median: number; max: number; perDue: number; fillSeconds: number; load: string }

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
          strftime('${ISO}', 'now'), strftime('${ISO}', 'now', '+1 day'), strftime('${ISO}', 'now'), strftime('${ISO}', 'now')
        FROM seq`);
      const shops = JSON.stringify(shopIds);
      if (count <= 0) return;
      for (let start = 0; start < count; start += 100_000) {
        const batch = Math.min(100_000, count - start);
        db.transaction(() => insert.run(batch, shops, BigInt(from + start), BigInt(shopIds.length), BigInt(from + start), BigInt(from + start), BigInt(from + start)))();
      }
      db.exec("ANALYZE");
    },
    async due(prefix, count, shopId) {
      const insert = db.prepare(`INSERT INTO "Checkout" ("shopId", "token", "status", "email", "emailNormalized", "sources", "trustedSeen", "lastActivityAt", "abandonDueAt", "createdAt", "updatedAt")
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
        await client.query(`INSERT INTO "Checkout" ("shopId", "token", "status", "email", "emailNormalized", "sources", "trustedSeen", "lastActivityAt", "abandonDueAt", "createdAt", "updatedAt")
          SELECT ($1::text[])[1 + (n % $2)], 'open-' || n, 'open', 'buyer' || n || '@example.com', 'buyer' || n || '@example.com', 'extension', true,
            now(), now() + interval '1 day', now(), now()
          FROM generate_series($3::int, $4::int) AS n`, [shopIds, shopIds.length, from + start, from + start + batch - 1]);
      }
      await client.query('ANALYZE "Checkout"');
    },
    async due(prefix, count, shopId) {
      await client.query(`INSERT INTO "Checkout" ("shopId", "token", "status", "email", "emailNormalized", "sources", "trustedSeen", "lastActivityAt", "abandonDueAt", "createdAt", "updatedAt")
        SELECT $1, $2 || '-' || n, 'open', $2 || '-' || n || '@example.com', $2 || '-' || n || '@example.com', 'extension', true,
          now() - interval '11 minutes', now() - interval '1 second', now(), now()
        FROM generate_series(0, $3::int - 1) AS n`, [shopId, prefix, count]);
    },
    close: () => client.end(),
  };
}

async function runDatabase(kind: string, sizes: number[], dueCount: number, sweeps: number): Promise<SizeResult[]> {
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
    cleanups.unshift(() => prisma.$disconnect());

    const shops = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      prisma.shop.create({ data: { domain: `open-${i}.myshopify.com`, pixelKey: randomUUID() } })));
    const shop = await prisma.shop.create({ data: { domain: "due-shop.myshopify.com", pixelKey: randomUUID(), countryCode: "IN" } });
    await prisma.endpoint.create({
      data: { shopId: shop.id, name: "Bench BSP", url: "https://bsp.example/hooks", topics: ["abandonedCheckout"], secretCiphertext: "unused: nothing is sent" },
    });

    // Warm-up: the first queries compile and the JIT settles; not measured.
    await filler.due("warm-up", dueCount, shop.id);
    await sweepAbandonedCheckouts(new Date(), { limit: dueCount * 2 });

    const results: SizeResult[] = [];
    let open = 0;
    for (const size of [0, ...sizes]) {
      const fillStarted = performance.now();
      await filler.fill(open, size - open, shops.map((s) => s.id));
      const fillSeconds = (performance.now() - fillStarted) / 1000;
      open = size;
      const times: number[] = [];
      for (let sweep = 0; sweep < sweeps; sweep++) {
        await filler.due(`due-${size}-${sweep}`, dueCount, shop.id);
        const started = performance.now();
        const result = await sweepAbandonedCheckouts(new Date(), { limit: dueCount * 2 });
        times.push(performance.now() - started);
        if (result.sent !== dueCount) throw new Error(`sweep sent ${result.sent} of ${dueCount} (${JSON.stringify(result)})`);
      }
      times.sort((a, b) => a - b);
      const median = percentile(times, 50);
      results.push({ open: size, median, max: times[times.length - 1]!, perDue: median / dueCount, fillSeconds, load: loadNow() });
    }
    return results;
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

const sizes = values.sizes!.split(",").map(Number);
if (values.run) {
  const results = await runDatabase(values.run, sizes, Number(values.due), Number(values.sweeps));
  process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
  process.exit(0);
}

process.stdout.write(`# Detector benchmark\n${machine()}\n\n`);
for (const database of values.databases!.split(",")) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join("bench", "detector.ts"), "--run", database, "--sizes", values.sizes!, "--due", values.due!, "--sweeps", values.sweeps!], {
    cwd: ROOT, stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const line = out.split("\n").find((l) => l.startsWith("RESULT "));
  if (code !== 0 || !line) throw new Error(`${database} run failed (${code}):\n${out}`);
  const results = JSON.parse(line.slice("RESULT ".length)) as SizeResult[];
  const baseline = results[0]!.median;
  process.stdout.write(`\n## ${database}\n\n${table(
    ["open checkouts (not due)", `sweep of ${values.due} due: median`, "max", "per due checkout", "vs baseline", "bulk fill (s)", "load after"],
    results.map((r) => [r.open === 0 ? "0 (baseline)" : r.open.toLocaleString("en"), ms(r.median), ms(r.max), ms(r.perDue), `${(r.median / baseline).toFixed(2)}x`, r.fillSeconds.toFixed(1), r.load]),
  )}\n`);
}
process.stdout.write(`\n${values.sweeps} sweeps per size; each sweep abandons ${values.due} checkouts (dedupe lookup, payload, event and delivery in one transaction each)\n`);
