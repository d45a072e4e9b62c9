// The lean capture path (decision 008) over real HTTP in this process: group
// commit, its failure and durability guarantees, budgets per buyer, and the
// body and token rules the trust-boundary review asked for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { env } from "../app/env.server";
import { checkoutStore } from "../app/capture/checkout-store.server";
import { captureObservation } from "../app/capture/observations";
import { captureBodySchema } from "../app/capture/capture-body";
import { ensureShop } from "../app/shops/shop.server";
import { clientAddress } from "../app/http/client-address";
import { verifyCheckoutToken } from "../app/http/session-token";
import { isPostgresUrl } from "../app/database-url";
import { checkoutEvent } from "../extensions/checkout-pixel/src/fake-events";
import { ingestBody } from "../extensions/checkout-pixel/src/ingest-body";
import { checkoutSessionToken } from "./shopify";
import { checkoutOf, snapshot } from "./db";
import { rawPost, startPublicApiServer, type PublicApiServer } from "./public-api-server";

const SHOP = "ingest-shop.myshopify.com";
let server: PublicApiServer;

beforeAll(async () => {
  server = await startPublicApiServer();
});
afterAll(async () => {
  await server?.close();
});

async function capture(body: unknown, options: { token?: string; raw?: string; chunks?: string[] } = {}) {
  const token = options.token ?? (await checkoutSessionToken(SHOP));
  return rawPost(`${server.url}/api/capture`, options.raw ?? JSON.stringify(body), {
    headers: { authorization: `Bearer ${token}`, ...(options.chunks ? { "transfer-encoding": "chunked" } : {}) },
    chunks: options.chunks,
  });
}

const observation = (token: string, values: Record<string, unknown>) =>
  captureObservation("extension", captureBodySchema.parse({ checkoutToken: token, ...values }), new Date());

describe("group commit", () => {
  it("puts concurrent captures in one transaction and answers each only once it is committed", async () => {
    const shop = await ensureShop("group-shop.myshopify.com");
    const store = checkoutStore();
    const before = { ...store.stats };
    const writes = Array.from({ length: 20 }, (_, i) =>
      store.record(shop, `group-${i % 7}`, observation(`group-${i % 7}`, { shippingAddress: { zip: String(i) }, email: `g${i % 7}@example.com` })),
    );
    // Each answer, the moment it arrives, is already visible to another connection.
    const seen = await Promise.all(
      writes.map((write) => write.then(async (checkout) => (await prisma.checkout.findUnique({ where: { id: checkout.id } }))?.token)),
    );
    expect(store.stats.commits - before.commits).toBe(1);
    expect(store.stats.observations - before.observations).toBe(20);
    expect(seen.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `group-${i % 7}`).sort());
    // Merged in arrival order: the last capture of each checkout wins its zip.
    expect(await checkoutOf(shop.domain, "group-6")).toMatchObject({ zip: "13", email: "g6@example.com", version: 0 });
  });

  it("answers every capture of a failing transaction with 500 and stores none of them", async () => {
    const before = await snapshot();
    const url = env.DATABASE_URL;
    const poison = "poison-pill";
    const trigger = isPostgresUrl(url)
      ? [
          `CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql`,
          `CREATE TRIGGER refuse_poison BEFORE INSERT ON "Checkout" FOR EACH ROW WHEN (NEW."token" = '${poison}') EXECUTE FUNCTION refuse_poison()`,
        ]
      : [`CREATE TRIGGER refuse_poison BEFORE INSERT ON "Checkout" WHEN NEW."token" = '${poison}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`];
    for (const statement of trigger) await prisma.$executeRawUnsafe(statement);
    try {
      const tokens = await Promise.all(Array.from({ length: 8 }, () => checkoutSessionToken(SHOP)));
      const answers = await Promise.all(
        tokens.map((token, i) => capture({ checkoutToken: i === 3 ? poison : `innocent-${i}`, email: `b${i}@example.com` }, { token })),
      );
      // All eight were parsed in one I/O phase or, at worst, split across a
      // few transactions: every transaction holding the poison fails whole.
      const failed = answers.filter((a) => a.status === 500);
      expect(failed.length).toBeGreaterThanOrEqual(1);
      expect(answers[3].status).toBe(500);
      expect(failed[0].body).toEqual({ error: "internal error" });
      const stored = await prisma.checkout.findMany({ where: { token: { startsWith: "innocent-" } } });
      expect(stored.length).toBe(answers.filter((a) => a.status === 200).length);
      expect(stored.length + failed.length).toBe(8);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER refuse_poison${isPostgresUrl(url) ? ` ON "Checkout"` : ""}`);
      if (isPostgresUrl(url)) await prisma.$executeRawUnsafe("DROP FUNCTION refuse_poison()");
    }
    expect((await snapshot()).checkouts.filter((c: { token: string }) => c.token === poison)).toEqual([]);
    void before;
  });

  it("answers a whole batch that holds the failing write with 500, in the store itself", async () => {
    if (isPostgresUrl(env.DATABASE_URL)) {
      await prisma.$executeRawUnsafe(
        `CREATE FUNCTION refuse_batch() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql`,
      );
      await prisma.$executeRawUnsafe(
        `CREATE TRIGGER refuse_batch BEFORE INSERT ON "Checkout" FOR EACH ROW WHEN (NEW."token" = 'batch-poison') EXECUTE FUNCTION refuse_batch()`,
      );
    } else {
      await prisma.$executeRawUnsafe(
        `CREATE TRIGGER refuse_batch BEFORE INSERT ON "Checkout" WHEN NEW."token" = 'batch-poison' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
      );
    }
    try {
      const shop = await ensureShop("batch-shop.myshopify.com");
      const store = checkoutStore();
      const commits = store.stats.commits;
      const writes = ["batch-a", "batch-b", "batch-poison", "batch-c"].map((token) =>
        store.record(shop, token, observation(token, { email: "x@example.com" })),
      );
      const outcomes = await Promise.allSettled(writes);
      expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
      expect(store.stats.commits).toBe(commits);
      expect(await prisma.checkout.count({ where: { token: { startsWith: "batch-" } } })).toBe(0);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER refuse_batch${isPostgresUrl(env.DATABASE_URL) ? ` ON "Checkout"` : ""}`);
      if (isPostgresUrl(env.DATABASE_URL)) await prisma.$executeRawUnsafe("DROP FUNCTION refuse_batch()");
    }
  });

  it("updates many stored checkouts of one batch, each with its own changed columns, in one transaction", async () => {
    const shop = await ensureShop("update-batch-shop.myshopify.com");
    const store = checkoutStore();
    const tokens = Array.from({ length: 6 }, (_, i) => `update-batch-${i}`);
    await Promise.all(tokens.map((token) => store.record(shop, token, observation(token, { email: `${token}@example.com`, total: 100 }))));
    const before = { ...store.stats };
    await Promise.all(
      tokens.map((token, i) =>
        store.record(
          shop,
          token,
          // Two sets of changed columns (money and JSON, or a boolean and text), and one checkout that changes nothing new.
          observation(token, i % 2 === 0 ? { total: 250 + i, utm: { source: `s${i}` } } : { whatsappOptIn: true, shippingAddress: { city: `City ${i}` } }),
        ),
      ),
    );
    expect(store.stats.commits - before.commits).toBe(1);
    for (const [i, token] of tokens.entries()) {
      const stored = await checkoutOf(shop.domain, token);
      expect(stored).toMatchObject({ email: `${token}@example.com`, version: 1 });
      if (i % 2 === 0) {
        expect(stored!.total!.toString()).toBe(String(250 + i));
        expect(stored!.utm).toEqual({ source: `s${i}` });
        expect(stored!.whatsappOptIn).toBeNull();
      } else {
        expect(stored!.total!.toString()).toBe("100");
        expect(stored).toMatchObject({ whatsappOptIn: true, city: `City ${i}` });
      }
    }
  });

  it("writes only what changed and keeps a webhook writer's fields (optimistic version)", async () => {
    const first = await capture({ checkoutToken: "versioned", email: "v@example.com", total: 900 });
    expect(first.status).toBe(200);
    await prisma.checkout.update({ where: { id: first.body.checkoutId }, data: { orderName: "#1001", version: { increment: 1 } } });
    const occurredAt = new Date().toISOString();
    expect((await capture({ checkoutToken: "versioned", occurredAt, shippingAddress: { zip: "411001" } })).status).toBe(200);
    const stored = await checkoutOf(SHOP, "versioned");
    expect(stored).toMatchObject({ email: "v@example.com", zip: "411001", orderName: "#1001", version: 2 });
    expect(stored!.total!.toString()).toBe("900");
    // A replay changes nothing, not even the version.
    expect((await capture({ checkoutToken: "versioned", occurredAt, shippingAddress: { zip: "411001" } })).status).toBe(200);
    expect((await checkoutOf(SHOP, "versioned"))!.version).toBe(2);
  });
});

describe("bodies and values", () => {
  it.each([
    ["the email", { email: "a\ud800b@example.com" }, "email"],
    ["a line title", { lines: [{ quantity: 1, title: "x\udc00" }] }, "lines.0.title"],
    ["an attribute", { attributes: { note: "\ud800" } }, "attributes.note"],
  ])("answers 400 naming the field for a lone surrogate in %s, storing nothing", async (_case, values, field) => {
    const before = await snapshot();
    const answer = await capture({ checkoutToken: "surrogate", ...values });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe(`${field} must be valid Unicode text (it contains a lone UTF-16 surrogate)`);
    expect(await snapshot()).toEqual(before);
  });

  it("answers 413 (not a reset) to an oversized chunked body, and the connection's client reads it", async () => {
    const before = await snapshot();
    const answer = await capture(null, { chunks: Array.from({ length: 40 }, () => "x".repeat(4096)) });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ error: "body must be at most 65536 bytes" });
    expect(answer.headers["access-control-allow-origin"]).toBe("*");
    expect(await snapshot()).toEqual(before);
  });

  it("answers 431 with a JSON reason to headers over node:http's limit", async () => {
    const answer = await capture({ checkoutToken: "huge-header" }, { token: "a".repeat(70_000) });
    expect(answer).toMatchObject({ status: 431, body: { error: "request headers must be at most 16 KB" } });
    expect(answer.headers["access-control-allow-origin"]).toBe("*");
  });

  it.each([
    ["a hex string", "0x10"],
    ["an empty string", ""],
    ["an array", []],
    ["true", true],
    ["an exponent", "1e3"],
  ])("refuses %s as a total with 400 and keeps the stored total", async (_case, total) => {
    expect((await capture({ checkoutToken: "money", total: 900 })).status).toBe(200);
    const answer = await capture({ checkoutToken: "money", total });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe("total must be a number or a decimal string");
    expect((await checkoutOf(SHOP, "money"))!.total!.toString()).toBe("900");
  });

  it("accepts decimal strings as Shopify prints prices", async () => {
    expect((await capture({ checkoutToken: "money-text", total: "1100.50", subtotal: "1200" })).status).toBe(200);
    const stored = await checkoutOf(SHOP, "money-text");
    expect([stored!.total!.toString(), stored!.subtotal!.toString()]).toEqual(["1100.5", "1200"]);
  });
});

describe("session tokens", () => {
  const keys = { apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET };
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ["no expiry", { exp: undefined }, "session token has no expiry"],
    ["an expiry a year ahead", { exp: now() + 365 * 86_400 }, "session token lives longer than Shopify's five minutes"],
    ["an issue time in the future", { iat: now() + 3600, nbf: now() - 5, exp: now() + 3700 }, "session token was issued in the future"],
    ["a not-before in the future", { nbf: now() + 3600 }, "session token is not valid yet"],
    ["an hour-long lifetime that started long ago", { iat: now() - 3000, exp: now() + 200 }, "session token lives longer than Shopify's five minutes"],
  ])("refuses a token with %s (401, nothing stored)", async (_case, claims, message) => {
    const before = await snapshot();
    const token = await checkoutSessionToken(SHOP, { claims });
    const answer = await capture({ checkoutToken: "lifetime", email: "l@example.com" }, { token });
    expect(answer).toMatchObject({ status: 401, body: { error: message } });
    expect(await snapshot()).toEqual(before);
  });

  it("accepts Shopify's five-minute tokens within clock skew, and only HS256 signed with the secret", async () => {
    expect(verifyCheckoutToken(await checkoutSessionToken(SHOP), keys).shop).toBe(SHOP);
    expect(verifyCheckoutToken(await checkoutSessionToken(SHOP, { claims: { iat: now() + 30 } }), keys).shop).toBe(SHOP);
    const token = await checkoutSessionToken(SHOP);
    const [, payload, signature] = token.split(".");
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.${signature}`;
    expect(() => verifyCheckoutToken(none, keys)).toThrow("unauthorized");
    expect(() => verifyCheckoutToken(`${token.slice(0, -2)}xx`, keys)).toThrow("unauthorized");
  });
});

describe("budgets per client", () => {
  it.each([
    ["no trusted proxy: the socket", "6.6.6.6, 10.0.0.2", "127.0.0.1", 0, "127.0.0.1"],
    ["one proxy: the address it appended", "6.6.6.6, 203.0.113.7", "10.0.0.2", 1, "203.0.113.7"],
    ["two proxies", "6.6.6.6, 203.0.113.7, 10.0.0.3", "10.0.0.2", 2, "203.0.113.7"],
    ["fewer entries than proxies", "203.0.113.7", "10.0.0.2", 3, "203.0.113.7"],
    ["no header behind a proxy", undefined, "10.0.0.2", 1, "10.0.0.2"],
  ])("takes the client address with %s", (_case, forwarded, socket, hops, expected) => {
    expect(clientAddress(forwarded, socket, hops)).toBe(expected);
  });

  it("does not let a rotating X-Forwarded-For flood refuse another client's pixel events", async () => {
    const shop = await ensureShop("pixel-flood.myshopify.com");
    const body = (token: string) =>
      JSON.stringify(ingestBody(checkoutEvent("checkout_contact_info_submitted", { token }, new Date().toISOString()), shop.pixelKey)!);
    const flood = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        rawPost(`${server.url}/api/pixel`, body(`flood-${i}`), { localAddress: "127.0.0.2", headers: { "x-forwarded-for": `198.18.0.${i}` } }),
      ),
    );
    const refused = flood.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(25);
    expect(refused[0].body.error).toBe("too many pixel events from this client; retry later");
    const real = await Promise.all(Array.from({ length: 12 }, (_, i) => rawPost(`${server.url}/api/pixel`, body(`real-${i}`), { localAddress: "127.0.0.3" })));
    expect(real.map((a) => a.status)).toEqual(Array(12).fill(200));
  });

  it("throttles made-up pixel keys per client before looking them up", async () => {
    const body = (i: number) =>
      JSON.stringify({
        ...ingestBody(checkoutEvent("checkout_started", {}, new Date().toISOString()), "px_placeholder")!,
        pixelKey: `px_made-up-key-${i}-0000000000`,
      });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => rawPost(`${server.url}/api/pixel`, body(i), { localAddress: "127.0.0.4" })));
    const statuses = new Set(answers.map((a) => a.status));
    expect(statuses).toEqual(new Set([401, 429]));
    expect(answers.filter((a) => a.status === 401).length).toBeLessThanOrEqual(10);
    expect(answers.find((a) => a.status === 429)!.body.error).toBe("too many unknown pixel keys from this client; retry later");
  });
});
