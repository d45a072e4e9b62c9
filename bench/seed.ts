// Seeding for the delivery and memory benchmarks: a shop with one endpoint,
// and checkouts that fall due at chosen moments (the detector then makes the
// events, as in production).
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { startPostgres, startRedis, type ThrowawayServer } from "../scripts/throwaway-servers";
import { applyPostgresMigrations, createDatabase } from "../scripts/postgres/migrations";
import { sqliteDatabase } from "./lib";

/**
 * The databases a benchmark mode runs on: a SQLite file (embedded), or
 * throwaway PostgreSQL and Redis servers (scale). Their teardown goes into
 * `cleanups`.
 */
export async function benchDatabases(mode: string, cleanups: (() => Promise<void> | void)[]): Promise<{ databaseUrl: string; redisUrl: string }> {
  if (mode === "embedded" || mode.startsWith("embedded-")) {
    const database = sqliteDatabase();
    cleanups.push(database.remove);
    return { databaseUrl: database.url, redisUrl: "" };
  }
  const servers: ThrowawayServer[] = [await startPostgres(), await startRedis()];
  cleanups.push(() => Promise.all(servers.map((server) => server.stop())).then(() => {}));
  const databaseUrl = await createDatabase(servers[0].url, "cart_relay_bench");
  await applyPostgresMigrations(databaseUrl);
  return { databaseUrl, redisUrl: servers[1].url };
}

export async function benchShop(prisma: PrismaClient, receiverUrl: string): Promise<string> {
  const { createEndpoint } = await import("../app/endpoints/endpoint.server");
  const { endpointInputSchema } = await import("../app/endpoints/endpoint-input");
  const shop = await prisma.shop.create({ data: { domain: "bench-shop.myshopify.com", pixelKey: randomUUID(), countryCode: "IN", currency: "INR" } });
  await createEndpoint(shop, endpointInputSchema({ allowLoopback: true }).parse({ name: "Bench BSP", url: receiverUrl, topics: ["abandonedCheckout"] }));
  return shop.id;
}

/** Checkouts `bench-<from>` ... `bench-<from + count - 1>`, each with its own buyer (no dedupe), due at `dueAt(i)`. */
export async function seedDueCheckouts(prisma: PrismaClient, shopId: string, from: number, count: number, dueAt: (i: number) => Date): Promise<void> {
  for (let start = 0; start < count; start += 500) {
    await prisma.checkout.createMany({
      data: Array.from({ length: Math.min(500, count - start) }, (_, k) => {
        const n = from + start + k;
        const due = dueAt(start + k);
        return {
          shopId,
          token: `bench-${n}`,
          status: "open",
          email: `buyer${n}@example.com`,
          emailNormalized: `buyer${n}@example.com`,
          firstName: "Asha",
          lastName: "Rao",
          countryCode: "IN",
          currency: "INR",
          subtotal: 1100,
          total: 1100,
          totalDiscount: 0,
          lines: [{ variantId: "45515259445425", productId: "8181897822385", title: "Jordans", quantity: 2, unitPrice: 500, linePrice: 1000 }],
          sources: "extension",
          trustedSeen: true,
          lastActivityAt: new Date(due.getTime() - 10 * 60_000),
          abandonDueAt: due,
        };
      }),
    });
  }
}

/** The environment of a worker process in the benchmarks. */
export function workerEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // development: the receiver is on loopback, which production refuses.
    NODE_ENV: "development",
    SHOPIFY_API_KEY: "bench-api-key",
    SHOPIFY_API_SECRET: "bench-api-secret",
    SHOPIFY_APP_URL: "https://cart-relay.bench",
    SCOPES: "read_checkouts,read_orders,write_pixels,read_customer_events",
    ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS: "true",
    CART_RELAY_EMBEDDED_WORKER: "false",
    LOG_LEVEL: "warn",
    DATABASE_URL: databaseUrl,
    REDIS_URL: "",
    ...extra,
  };
}
