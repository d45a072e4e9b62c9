// Where a delivery cycle's CPU goes, without HTTP: `--deliveries` due
// deliveries go through the worker's cycles (record the previous batch's
// results, claim and prepare the next, one transaction) against a migrated
// SQLite file, with process.cpuUsage around each cycle and every statement.
//
//   npx tsx bench/delivery-phases.ts [--deliveries 3000] [--batch 8] [--body-bytes 1300] [--wal-pages]
//
// --wal-pages: also how many pages the cycles wrote to the WAL per event
// (SQLite writes a whole page for every page a commit changed). The WAL is
// checkpointed before the cycles and not during them, so its size counts
// every page written; the CPU figures then leave out the checkpoints' share.
import { randomUUID } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { sqliteDatabase, table } from "./lib";
import { benchShop, workerEnv } from "./seed";

const { values } = parseArgs({
  options: {
    deliveries: { type: "string", default: "3000" },
    batch: { type: "string", default: "8" },
    "body-bytes": { type: "string", default: "1300" },
    "wal-pages": { type: "boolean", default: false },
  },
});
const total = Number(values.deliveries);
// About the size of a real cart body (bench/delivery.ts sends 1.3 KB).
const body = JSON.stringify({ bench: true, pad: "x".repeat(Math.max(0, Number(values["body-bytes"]) - 25)) });

const statements = new Map<string, { count: number; us: number }>();
const statementPrototype = Object.getPrototypeOf(new Database(":memory:").prepare("select 1"));
for (const method of ["all", "run", "get"]) {
  const original = statementPrototype[method];
  statementPrototype[method] = function (this: { source: string }, ...args: unknown[]) {
    const before = process.cpuUsage();
    try {
      return original.apply(this, args);
    } finally {
      const used = process.cpuUsage(before);
      const key = this.source.replace(/\s+/g, " ").trim().slice(0, 60);
      const entry = statements.get(key) ?? { count: 0, us: 0 };
      entry.count++;
      entry.us += used.user + used.system;
      statements.set(key, entry);
    }
  };
}

const rows: (string | number)[][] = [];
{
  const batch = Number(values.batch);
  const database = sqliteDatabase();
  Object.assign(process.env, workerEnv(database.url));
  const { default: prisma } = await import("../app/db.server");
  const { closeSqlDatabase, sqlDatabase } = await import("../app/db/sql.server");
  const worker = await import("../app/delivery/worker.server");
  const shopId = await benchShop(prisma, "http://127.0.0.1:9/unused");
  const endpoint = await prisma.endpoint.findFirstOrThrow({ where: { shopId } });
  const due = new Date(Date.now() - 1000);
  for (let start = 0; start < total; start += 500) {
    const ids = Array.from({ length: Math.min(500, total - start) }, () => randomUUID());
    await prisma.event.createMany({
      data: ids.map((id) => ({ id, shopId, topic: "abandonedCheckout", payload: "{}", createdAt: due, expiresAt: new Date(due.getTime() + 86_400_000) })),
    });
    await prisma.delivery.createMany({
      data: ids.map((id) => ({
        shopId,
        eventId: id,
        endpointId: endpoint.id,
        topic: "abandonedCheckout",
        body,
        status: "pending",
        nextAttemptAt: due,
      })),
    });
  }
  const sqlite = sqlDatabase().sqlite!;
  const walBytes = () => (existsSync(`${sqlite.name}-wal`) ? statSync(`${sqlite.name}-wal`).size : 0);
  if (values["wal-pages"]) {
    sqlite.pragma("wal_checkpoint(TRUNCATE)");
    sqlite.pragma("wal_autocheckpoint = 0");
  }
  const walBefore = walBytes();
  statements.clear();
  const phases = { cycle: 0 };
  const cpu = () => {
    const used = process.cpuUsage();
    return used.user + used.system;
  };
  const ok = { ok: true, statusCode: 200, durationMs: 1, errorKind: null, errorMessage: null, responseExcerpt: "{}", retryAfterMs: null };
  const load = { endpoints: new Map<string, number>(), shops: new Map<string, number>(), endpointCap: 1_000_000, shopCap: 1_000_000 };
  let done = 0;
  let cycles = 0;
  // As the lanes run them: each cycle records the previous cycle's results and claims the next batch.
  let outcomes: Parameters<typeof worker.runDeliveryCycle>[0]["outcomes"] = [];
  for (;;) {
    const at = cpu();
    const cycle = await worker.runDeliveryCycle({ workerId: "phases", outcomes, limit: batch, load });
    phases.cycle += cpu() - at;
    cycles++;
    done += outcomes.length;
    outcomes = cycle.prepared.map((prepared) => ({ prepared, result: ok }));
    if (outcomes.length === 0) break;
  }
  const perEvent = (us: number) => `${(us / done).toFixed(0)} µs`;
  // Each WAL frame is a page plus its 24-byte header.
  const frameBytes = Number(sqlite.pragma("page_size", { simple: true })) + 24;
  const walPages = values["wal-pages"] ? ((walBytes() - walBefore) / frameBytes / done).toFixed(2) : "-";
  rows.push([batch, cycles, perEvent(phases.cycle), ([...statements.values()].reduce((sum, entry) => sum + entry.count, 0) / done).toFixed(2), walPages]);
  process.stdout.write(
    `\n## batch ${batch}: per statement\n\n${table(
      ["statement", "count", "µs each"],
      [...statements]
        .sort((a, b) => b[1].us - a[1].us)
        .slice(0, 12)
        .map(([text, entry]) => [text, entry.count, (entry.us / entry.count).toFixed(0)]),
    )}\n`,
  );
  await closeSqlDatabase();
  await prisma.$disconnect();
  database.remove();
}
process.stdout.write(`\n${table(["batch", "cycles", "CPU per event", "statements per event", "WAL pages per event"], rows)}\n`);
process.exit(0);
