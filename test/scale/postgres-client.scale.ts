import { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { requirePostgres } from "./harness";

requirePostgres();

// The app imports `Prisma` from @prisma/client (the SQLite client's package)
// everywhere; on PostgreSQL its values and error classes must still be the
// ones the client in use understands (scripts/postgres/client.ts).
describe("the PostgreSQL client speaks @prisma/client's Prisma namespace", () => {
  it("throws unique violations the app recognises as Prisma.PrismaClientKnownRequestError P2002", async () => {
    await prisma.processedWebhook.create({ data: { webhookId: "dup-1", shop: "a.myshopify.com", topic: "orders/create" } });
    const error = await prisma.processedWebhook
      .create({ data: { webhookId: "dup-1", shop: "a.myshopify.com", topic: "orders/create" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");
  });

  it("stores Prisma.DbNull as NULL and keeps JSON exactly as written, key order included", async () => {
    const shop = await prisma.shop.create({ data: { domain: "json-shop.myshopify.com", pixelKey: "px_json" } });
    const checkout = await prisma.checkout.create({
      data: { shopId: shop.id, token: "json-1", lastActivityAt: new Date(), lines: Prisma.DbNull, attributes: { zeta: "1", alpha: "2", Mid: "3" } },
    });
    const [row] = await prisma.$queryRaw<
      { lines: unknown; attributes: string }[]
    >`SELECT "lines", "attributes"::text AS "attributes" FROM "Checkout" WHERE id = ${checkout.id}`;
    expect(row.lines).toBeNull();
    expect(row.attributes).toBe('{"zeta":"1","alpha":"2","Mid":"3"}');
    expect(Object.keys((await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).attributes as object)).toEqual(["zeta", "alpha", "Mid"]);
  });

  it("returns money as a Decimal the app's Prisma.Decimal recognises", async () => {
    const shop = await prisma.shop.create({ data: { domain: "money-shop.myshopify.com", pixelKey: "px_money" } });
    const checkout = await prisma.checkout.create({ data: { shopId: shop.id, token: "money-1", lastActivityAt: new Date(), total: "1234.50" } });
    expect(checkout.total).toBeInstanceOf(Prisma.Decimal);
    expect(checkout.total!.toFixed(2)).toBe("1234.50");
  });
});
