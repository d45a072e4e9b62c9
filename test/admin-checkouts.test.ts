import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import prisma from "../app/db.server";
import { loader } from "../app/routes/app.checkouts._index/route";
import { adminRequest, callRoute, installShop, read } from "./admin-session";
import type { BspReceiver } from "./bsp-receiver";
import { captureCheckout, connectReceiver, MINUTE, placeOrder, runWorker, sweep, TestClock } from "./pipeline";

const SHOP = "co-shop.myshopify.com";
const OTHER = "co-other.myshopify.com";
let shop: Shop;
let receiver: BspReceiver;

beforeAll(async () => {
  shop = await installShop(SHOP, { currency: "INR" });
  await installShop(OTHER);
  ({ receiver } = await connectReceiver(shop, { topics: ["abandonedCheckout", "checkoutRecovered"] }));
  await captureCheckout(SHOP, {
    checkoutToken: "co-abandoned",
    email: "meera.iyer@example.com",
    phone: "+91 98450 12345",
    whatsappOptIn: true,
    smsMarketing: false,
    currency: "INR",
    total: 2499,
  });
  const recovered = await captureCheckout(SHOP, { checkoutToken: "co-recovered", phone: "+91 90000 22222", whatsappOptIn: true, currency: "INR", total: 1800 });
  await captureCheckout(SHOP, { checkoutToken: "co-open", email: "open.buyer@example.com", currency: "INR", total: 999 });
  await captureCheckout(OTHER, { checkoutToken: "co-theirs", email: "theirs@example.com" });
  const clock = new TestClock(new Date(Date.now() + 11 * MINUTE));
  await prisma.checkout.updateMany({ where: { token: "co-open" }, data: { abandonDueAt: null } });
  await sweep(clock);
  await runWorker(clock);
  await placeOrder(SHOP, {
    id: 5550001,
    name: "#1042",
    checkout_token: recovered.token,
    total_price: "1800.00",
    currency: "INR",
    created_at: new Date(Date.now() + 30 * MINUTE).toISOString(),
  });
});
afterAll(async () => {
  await receiver?.close();
});

async function list(query: Record<string, string> = {}, shopDomain = SHOP) {
  return read(await callRoute(loader, { request: await adminRequest(shopDomain, "/app/checkouts", { query }) }));
}

describe("checkouts", () => {
  it("lists the shop's checkouts with masked contact data, cart value, consent, status and message", async () => {
    const { status, body } = await list();
    expect(status).toBe(200);
    expect(body.counts).toEqual({ abandoned: 1, recovered: 1, open: 1 });
    const byPhone = Object.fromEntries(body.checkouts.map((c: { phone: string | null; email: string | null }) => [c.phone ?? c.email, c]));
    expect(byPhone["+91******2345"]).toMatchObject({
      status: "abandoned",
      email: "me***@example.com",
      total: "2499",
      currency: "INR",
      consent: { whatsapp: true, sms: false, email: null },
      message: { endpoints: 1, delivered: 1, failed: 0, pending: 0, cancelled: 0 },
      order: null,
    });
    expect(byPhone["+91******2222"]).toMatchObject({
      status: "recovered",
      order: { name: "#1042", total: "1800", currency: "INR" },
      message: { delivered: 1 },
    });
    expect(body.checkouts.find((c: { status: string }) => c.status === "open")).toMatchObject({ email: "op***@example.com", phone: null, message: null });
    const text = JSON.stringify(body);
    for (const secret of ["meera.iyer@example.com", "98450 12345", "9845012345", "open.buyer", "theirs@example.com"]) expect(text).not.toContain(secret);
  });

  it("filters by status and pages", async () => {
    const { body } = await list({ status: "recovered" });
    expect(body.checkouts.map((c: { status: string }) => c.status)).toEqual(["recovered"]);
    expect(body.query).toEqual({ status: "recovered", page: 1 });
    expect(body).toMatchObject({ hasNext: false, hasPrevious: false });
    expect((await list({ page: "2" })).body).toMatchObject({ checkouts: [], hasPrevious: true });
  });

  it("refuses a bad filter with a message naming it", async () => {
    expect(await list({ status: "lost" })).toEqual({ status: 400, body: { ok: false, error: "status must be one of open, abandoned, converted, recovered" } });
    expect(await list({ page: "0" })).toEqual({ status: 400, body: { ok: false, error: "page must be 1 or more" } });
  });

  it("shows another shop only its own", async () => {
    const { body } = await list({}, OTHER);
    expect(body.checkouts).toHaveLength(1);
    expect(body.checkouts[0].email).toBe("th***@example.com");
  });
});

describe("checkouts without a phone or email yet", () => {
  const PARTIAL_SHOP = "co-partial.myshopify.com";

  it("show what was captured (masked name and ZIP, city, cart) and count apart from the abandoned ones", async () => {
    await installShop(PARTIAL_SHOP);
    await captureCheckout(PARTIAL_SHOP, {
      checkoutToken: "co-zip-only",
      shippingAddress: { firstName: "Asha", zip: "560001", city: "Bengaluru", countryCode: "IN" },
      lines: [{ variantId: "1", title: "Steel bottle", quantity: 1, unitPrice: 699 }],
    });
    const { status, body } = await list({}, PARTIAL_SHOP);
    expect(status).toBe(200);
    expect(body.checkouts).toHaveLength(1);
    const [checkout] = body.checkouts;
    expect(checkout).toMatchObject({ status: "open", phone: null, email: null, sources: ["extension"] });
    expect(checkout.partial).toMatchObject({ city: "Bengaluru", countryCode: "IN", lineCount: 1 });
    expect(checkout.partial.zip).not.toBe("560001");
    expect(checkout.partial.zip).toMatch(/^5/);
    expect(checkout.partial.firstName).not.toBe("Asha");
    expect(body.everAbandoned).toEqual({});
  });

  it("explain the dashboard's abandoned count: abandoned at some point, by status now", async () => {
    const { body } = await list();
    expect(body.everAbandoned).toEqual({ abandoned: 1, recovered: 1 });
  });
});
