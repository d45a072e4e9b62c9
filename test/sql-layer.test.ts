import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import prisma from "../app/db.server";
import { read } from "../app/db/codec";
import { closeSqlDatabase, sqlDatabase, transactionSyncedOffLoop, type SqlExecutor } from "../app/db/sql.server";
import { sqlInPrismaTransaction } from "../app/db/sql-in-prisma.server";

// The hot-path SQL layer and Prisma read and write the same rows the same way,
// on SQLite and (in scale mode) on PostgreSQL.
afterAll(() => closeSqlDatabase());

async function newShop() {
  return prisma.shop.create({ data: { domain: `sql-${randomUUID().slice(0, 8)}.myshopify.com`, pixelKey: randomUUID() } });
}

describe("hot-path SQL layer", () => {
  it("writes columns Prisma reads back as it wrote them, and reads what Prisma wrote", async () => {
    const { db, codec } = sqlDatabase();
    const shop = await newShop();
    const at = new Date("2026-11-25T10:00:00.123Z");
    const inserted = await db
      .insertInto("Checkout")
      .values({
        shopId: shop.id,
        token: "t-sql",
        lastActivityAt: codec.date(at),
        updatedAt: codec.date(at),
        trustedSeen: codec.bool(true),
        whatsappOptIn: codec.bool(false),
        total: codec.decimal("199.99"),
        lines: codec.json([{ title: "Mug", quantity: 2 }]),
        sources: "extension",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const viaPrisma = await prisma.checkout.findUniqueOrThrow({ where: { id: inserted.id } });
    expect(viaPrisma).toMatchObject({ lastActivityAt: at, trustedSeen: true, whatsappOptIn: false, lines: [{ title: "Mug", quantity: 2 }] });
    expect(viaPrisma.total?.toString()).toBe("199.99");

    await prisma.checkout.update({ where: { id: inserted.id }, data: { abandonDueAt: at, smsMarketing: true } });
    const row = await db.selectFrom("Checkout").selectAll().where("id", "=", inserted.id).executeTakeFirstOrThrow();
    expect(read.dateOrNull(row.abandonDueAt)).toEqual(at);
    expect(read.boolOrNull(row.smsMarketing)).toBe(true);
    expect(read.decimalOrNull(row.total)).toBe("199.99");
    expect(read.json(row.lines)).toEqual([{ title: "Mug", quantity: 2 }]);
    // Dates compare in SQL as Prisma's own filters do.
    const due = await db
      .selectFrom("Checkout")
      .select("id")
      .where("abandonDueAt", "<=", codec.date(new Date(at.getTime() + 1)))
      .where("shopId", "=", shop.id)
      .execute();
    expect(due.map((r) => r.id)).toEqual([inserted.id]);
  });

  it("runs inside a Prisma transaction, committing and rolling back with it", async () => {
    const { codec } = sqlDatabase();
    const shop = await newShop();
    const at = new Date("2026-11-25T10:00:00Z");
    const insert = (token: string) => (tx: Parameters<Parameters<typeof prisma.$transaction>[0]>[0]) =>
      sqlInPrismaTransaction(tx, codec.dialect)
        .insertInto("Checkout")
        .values({ shopId: shop.id, token, lastActivityAt: codec.date(at), updatedAt: codec.date(at) })
        .execute();
    await prisma.$transaction(insert("kept"));
    await expect(
      prisma.$transaction(async (tx) => {
        await insert("rolled-back")(tx);
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    const tokens = (await prisma.checkout.findMany({ where: { shopId: shop.id }, select: { token: true } })).map((c) => c.token);
    expect(tokens).toEqual(["kept"]);
    const counted = await prisma.$transaction((tx) =>
      sqlInPrismaTransaction(tx, codec.dialect)
        .selectFrom("Checkout")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("shopId", "=", shop.id)
        .executeTakeFirstOrThrow(),
    );
    expect(Number(counted.n)).toBe(1);
  });
});

describe("app/db/tables.ts", () => {
  it("matches prisma/schema.prisma (npm run db:types)", async () => {
    const { execFileSync } = await import("node:child_process");
    expect(() => execFileSync("npx", ["tsx", "scripts/sql-types.ts", "check"], { stdio: "pipe" })).not.toThrow();
  }, 60_000);
});

describe("one process, several SQLite connections", () => {
  it("a Prisma transaction and a hot-path transaction take turns instead of failing with SQLITE_BUSY", async () => {
    const { db, codec } = sqlDatabase();
    const shop = await newShop();
    const at = new Date("2026-11-25T10:00:00Z");
    const order: string[] = [];
    let letPrismaFinish!: () => void;
    const prismaMayFinish = new Promise<void>((resolve) => (letPrismaFinish = resolve));
    const prismaSide = prisma.$transaction(async (tx) => {
      await tx.checkout.create({ data: { shopId: shop.id, token: "prisma-first", lastActivityAt: at } });
      order.push("prisma wrote");
      await prismaMayFinish;
      order.push("prisma commits");
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const hotSide = db.transaction().execute(async (trx) => {
      order.push("hot path inside");
      await trx
        .insertInto("Checkout")
        .values({ shopId: shop.id, token: "hot-second", lastActivityAt: codec.date(at), updatedAt: codec.date(at) })
        .execute();
    });
    // Held long past better-sqlite3's own busy timeout would matter only if the two blocked each other.
    await new Promise((resolve) => setTimeout(resolve, 100));
    letPrismaFinish();
    await Promise.all([prismaSide, hotSide]);
    // PostgreSQL locks rows, so there the two overlap; SQLite has one write lock, which the gate hands over.
    if (codec.dialect === "sqlite") expect(order).toEqual(["prisma wrote", "prisma commits", "hot path inside"]);
    expect((await prisma.checkout.findMany({ where: { shopId: shop.id }, orderBy: { token: "desc" } })).map((c) => c.token)).toEqual([
      "prisma-first",
      "hot-second",
    ]);
  });
});

describe("a transaction synced off the event loop", () => {
  it("resolves after its commit is on disk and rolls back on failure; on SQLite its fsync runs off the loop and the connection goes back to synchronous=FULL", async () => {
    const database = sqlDatabase();
    const sqlite = database.codec.dialect === "sqlite";
    expect(database.walSync === null).toBe(!sqlite);
    const original = database.walSync;
    const order: string[] = [];
    if (original) {
      database.walSync = async () => {
        order.push("fsync started");
        await original();
        order.push("fsync done");
      };
    }
    const synchronous = async (executor: SqlExecutor) => Number((await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(executor)).rows[0].synchronous);
    try {
      const shop = await newShop();
      await transactionSyncedOffLoop(async (trx) => {
        if (sqlite) expect(await synchronous(trx)).toBe(1);
        await trx.updateTable("Shop").set({ abandonAfterMinutes: 42 }).where("id", "=", shop.id).execute();
      }).then(() => order.push("resolved"));
      if (sqlite) {
        expect(order).toEqual(["fsync started", "fsync done", "resolved"]);
        expect(await synchronous(database.db)).toBe(2);
      }
      expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).abandonAfterMinutes).toBe(42);

      await expect(
        transactionSyncedOffLoop(async (trx) => {
          await trx.updateTable("Shop").set({ abandonAfterMinutes: 7 }).where("id", "=", shop.id).execute();
          throw new Error("the cycle failed");
        }),
      ).rejects.toThrow("the cycle failed");
      if (sqlite) expect(await synchronous(database.db)).toBe(2);
      expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).abandonAfterMinutes).toBe(42);
    } finally {
      database.walSync = original;
    }
  });
});
