import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { Checkout, Shop } from "@prisma/client";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { closeSqlDatabase, sqlDatabase } from "../app/db/sql.server";
import { contactLookup, sweepAbandonedCheckouts } from "../app/abandonment/detector.server";
import { abandonDueAt } from "../app/capture/due-time";
import { buildCartPayload } from "../app/events/payload/cart-payload";
import { deliveryBody } from "../app/events/subscriptions";
import { endpointInputSchema } from "../app/endpoints/endpoint-input";
import { createEndpoint } from "../app/endpoints/endpoint.server";
import { sweepOneAtATime } from "./one-at-a-time";

// The set-based detector against the rules applied one checkout at a time
// (the detector as it was before, kept in test/one-at-a-time.ts): every case is
// built twice, in a shop the reference sweeps and in a twin the batch sweeps,
// and both must end in the same stored state, the one the table expects.
afterAll(() => closeSqlDatabase());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = new Date("2026-11-20T12:00:00.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);

interface CheckoutSpec {
  email?: string;
  phone?: string;
  /** lastActivityAt, as time before NOW */
  idle: number;
  /** abandonDueAt as time before NOW; default: the rules' due time */
  dueAgo?: number | null;
  status?: string;
  trustedSeen?: boolean;
  whatsappOptIn?: boolean | null;
  smsMarketing?: boolean | null;
  orderedAgo?: number;
  /** an abandonedCheckout event was created this long before NOW */
  sentAgo?: number;
}

interface EndpointSpec {
  name: string;
  consentOnly?: boolean;
  drop?: string[];
}

interface Case {
  name: string;
  shop?: { uninstalled?: boolean; allowUntrustedEvents?: boolean; dedupeWindowHours?: number; buyerCapPerDay?: number };
  endpoints?: EndpointSpec[];
  checkouts: Record<string, CheckoutSpec>;
  /** per due token: sent (with the endpoints it went to), suppressed/collapsed into a token, or skipped */
  expected: Record<string, string>;
}

const cart = { currency: "INR", total: "500.00", lines: [{ title: "Jordans", quantity: 1, unitPrice: 500, linePrice: 500, variantId: "45515259445425" }] };

const cases: Case[] = [
  {
    name: "two buyers: each sent",
    endpoints: [{ name: "bsp" }],
    checkouts: { a: { email: "a@example.com", idle: 30 * MINUTE }, b: { phone: "+919876500002", idle: 20 * MINUTE } },
    expected: { a: "sent:bsp", b: "sent:bsp" },
  },
  {
    name: "one buyer, two checkouts due in the same batch: the older collapses into the newer, which is sent",
    endpoints: [{ name: "bsp" }],
    checkouts: { old: { phone: "+919876500003", idle: 40 * MINUTE }, new: { phone: "+919876500003", email: "n@example.com", idle: 15 * MINUTE } },
    expected: { old: "collapsed:new", new: "sent:bsp" },
  },
  {
    name: "three checkouts of one buyer by email: all collapse into the newest",
    endpoints: [{ name: "bsp" }],
    checkouts: {
      c1: { email: "three@example.com", idle: 50 * MINUTE },
      c2: { email: "three@example.com", idle: 40 * MINUTE },
      c3: { email: "three@example.com", idle: 30 * MINUTE },
    },
    expected: { c1: "collapsed:c3", c2: "collapsed:c3", c3: "sent:bsp" },
  },
  {
    name: "the newer checkout is not due yet: the older still collapses into it",
    endpoints: [{ name: "bsp" }],
    checkouts: { old: { email: "later@example.com", idle: 30 * MINUTE }, new: { email: "later@example.com", idle: 2 * MINUTE } },
    expected: { old: "collapsed:new" },
  },
  {
    name: "a buyer sent first in this batch suppresses their older checkout due after it",
    endpoints: [{ name: "bsp" }],
    checkouts: {
      first: { phone: "+919876500004", idle: 20 * MINUTE, dueAgo: 10 * MINUTE },
      second: { phone: "+919876500004", idle: 25 * MINUTE, dueAgo: 5 * MINUTE },
    },
    expected: { first: "sent:bsp", second: "suppressed:first" },
  },
  {
    name: "two tabs at the same moment: the first is sent, the second suppressed",
    endpoints: [{ name: "bsp" }],
    checkouts: { tab1: { email: "tabs@example.com", idle: 20 * MINUTE }, tab2: { email: "tabs@example.com", idle: 20 * MINUTE } },
    expected: { tab1: "sent:bsp", tab2: "suppressed:tab1" },
  },
  {
    name: "a buyer already messaged inside the window is suppressed",
    endpoints: [{ name: "bsp" }],
    checkouts: {
      earlier: { phone: "+919876500005", idle: 3 * HOUR, dueAgo: null, status: "abandoned", sentAgo: 2 * HOUR },
      again: { phone: "+919876500005", idle: 20 * MINUTE },
    },
    expected: { again: "suppressed:earlier" },
  },
  {
    name: "a buyer messaged before the window is sent again",
    endpoints: [{ name: "bsp" }],
    shop: { dedupeWindowHours: 24 },
    checkouts: {
      earlier: { phone: "+919876500006", idle: 30 * HOUR, dueAgo: null, status: "abandoned", sentAgo: 29 * HOUR },
      again: { phone: "+919876500006", idle: 20 * MINUTE },
    },
    expected: { again: "sent:bsp" },
  },
  {
    // The send guard's per-buyer cap (on by default) would stop it: test/recovery-send-guard.test.ts.
    name: "a short window without the buyer cap: a buyer messaged 3 hours ago is sent again",
    endpoints: [{ name: "bsp" }],
    shop: { dedupeWindowHours: 2, buyerCapPerDay: 0 },
    checkouts: {
      earlier: { email: "short@example.com", idle: 100 * MINUTE, dueAgo: null, status: "abandoned", sentAgo: 3 * HOUR },
      again: { email: "short@example.com", idle: 20 * MINUTE },
    },
    expected: { again: "sent:bsp" },
  },
  {
    name: "a newer checkout of the buyer ordered inside the window supersedes",
    endpoints: [{ name: "bsp" }],
    checkouts: {
      due: { email: "ordered@example.com", idle: 40 * MINUTE },
      ordered: { email: "ordered@example.com", idle: 30 * MINUTE, dueAgo: null, status: "converted", orderedAgo: 30 * MINUTE },
    },
    expected: { due: "collapsed:ordered" },
  },
  {
    name: "uninstalled shop: skipped, nothing sent",
    endpoints: [{ name: "bsp" }],
    shop: { uninstalled: true },
    checkouts: { a: { email: "gone@example.com", idle: 30 * MINUTE } },
    expected: { a: "skipped" },
  },
  {
    name: "pixel-only checkout with untrusted events allowed: sent",
    endpoints: [{ name: "bsp" }],
    shop: { allowUntrustedEvents: true },
    checkouts: { px: { email: "pixel@example.com", idle: 30 * MINUTE, trustedSeen: false } },
    expected: { px: "sent:bsp" },
  },
  {
    name: "pixel-only checkout without untrusted events allowed: never due",
    endpoints: [{ name: "bsp" }],
    shop: { allowUntrustedEvents: false },
    checkouts: { px: { email: "pixel2@example.com", idle: 30 * MINUTE, trustedSeen: false } },
    expected: {},
  },
  {
    name: "consent-only endpoints get only buyers who opted in; field rules give each endpoint its own body",
    endpoints: [
      { name: "all", drop: ["phone", "customer.shippingAddress.phone"] },
      { name: "consent", consentOnly: true },
    ],
    checkouts: {
      optedIn: { phone: "+919876500007", idle: 30 * MINUTE, whatsappOptIn: true },
      smsOnly: { phone: "+919876500008", idle: 30 * MINUTE, whatsappOptIn: null, smsMarketing: true },
      declined: { phone: "+919876500009", idle: 30 * MINUTE, whatsappOptIn: false, smsMarketing: true },
      unknown: { phone: "+919876500010", idle: 30 * MINUTE },
    },
    expected: { optedIn: "sent:all,consent", smsOnly: "sent:all,consent", declined: "sent:all", unknown: "sent:all" },
  },
  {
    name: "no endpoint: the event is recorded without deliveries",
    checkouts: { a: { email: "alone@example.com", idle: 30 * MINUTE } },
    expected: { a: "sent:" },
  },
];

async function buildCase(spec: Case, label: string): Promise<{ shop: Shop; tokens: Map<number, string>; endpointNames: Map<string, string> }> {
  const shop = await prisma.shop.create({
    data: {
      domain: `${label}-${randomUUID().slice(0, 8)}.myshopify.com`,
      pixelKey: randomUUID(),
      countryCode: "IN",
      uninstalledAt: spec.shop?.uninstalled ? ago(HOUR) : null,
      allowUntrustedEvents: spec.shop?.allowUntrustedEvents ?? false,
      dedupeWindowHours: spec.shop?.dedupeWindowHours ?? 24,
      buyerCapPerDay: spec.shop?.buyerCapPerDay ?? 1,
    },
  });
  const endpointNames = new Map<string, string>();
  for (const endpoint of spec.endpoints ?? []) {
    const input = endpointInputSchema({ allowLoopback: true }).parse({
      name: endpoint.name,
      url: "http://127.0.0.1:9/hook",
      topics: ["abandonedCheckout"],
      consentOnly: endpoint.consentOnly ?? false,
      fieldRules: { drop: endpoint.drop ?? [], mask: [] },
    });
    const { endpoint: created } = await createEndpoint(shop, input, ago(DAY));
    endpointNames.set(created.id, endpoint.name);
  }
  const tokens = new Map<number, string>();
  for (const [token, c] of Object.entries(spec.checkouts)) {
    const lastActivityAt = ago(c.idle);
    const row = {
      status: c.status ?? "open",
      email: c.email ?? null,
      emailNormalized: c.email?.toLowerCase() ?? null,
      phone: c.phone ?? null,
      trustedSeen: c.trustedSeen ?? true,
      lastActivityAt,
      orderId: c.orderedAgo === undefined ? null : `gid://shopify/Order/${token}`,
    };
    const created = await prisma.checkout.create({
      data: {
        ...row,
        shopId: shop.id,
        token,
        phoneE164: c.phone ?? null,
        ...cart,
        sources: row.trustedSeen ? "extension" : "pixel",
        whatsappOptIn: c.whatsappOptIn ?? null,
        smsMarketing: c.smsMarketing ?? null,
        abandonDueAt:
          c.dueAgo === undefined
            ? abandonDueAt(row, { abandonAfterMinutes: shop.abandonAfterMinutes, allowUntrustedEvents: shop.allowUntrustedEvents }, MINUTE)
            : c.dueAgo === null
              ? null
              : ago(c.dueAgo),
        orderCreatedAt: c.orderedAgo === undefined ? null : ago(c.orderedAgo),
        abandonedAt: c.sentAgo === undefined ? null : ago(c.sentAgo),
        createdAt: ago(c.idle + MINUTE),
      },
    });
    if (c.sentAgo !== undefined) {
      await prisma.event.create({
        data: {
          id: randomUUID(),
          shopId: shop.id,
          checkoutId: created.id,
          topic: "abandonedCheckout",
          payload: "{}",
          createdAt: ago(c.sentAgo),
          expiresAt: NOW,
        },
      });
    }
    tokens.set(created.id, token);
  }
  return { shop, tokens, endpointNames };
}

const DAY = 24 * HOUR;

/** Every checkout of the shop as outcomes, in tokens and endpoint names, so two shops compare. */
async function outcomes(built: Awaited<ReturnType<typeof buildCase>>, before: Map<number, Checkout>): Promise<Record<string, string>> {
  const { shop, tokens, endpointNames } = built;
  const rows = await prisma.checkout.findMany({ where: { shopId: shop.id }, include: { events: { include: { deliveries: true } } } });
  const out: Record<string, string> = {};
  for (const row of rows) {
    const was = before.get(row.id)!;
    const wasDue = was.status === "open" && was.abandonDueAt !== null && was.abandonDueAt <= NOW;
    if (!wasDue) {
      // Not due: untouched.
      expect(row).toEqual({ ...was, events: row.events });
      continue;
    }
    expect(row.abandonDueAt).toBeNull();
    const token = tokens.get(row.id)!;
    const event = row.events.find((e) => e.topic === "abandonedCheckout" && e.createdAt.getTime() === NOW.getTime());
    if (event) {
      expect(row).toMatchObject({ status: "abandoned", abandonedAt: NOW, collapsedIntoId: null });
      // The payload is the one built from the checkout as it was, and each endpoint's body its field rules applied to it.
      const payload = buildCartPayload(was, shop, { eventId: event.id, topic: "abandonedCheckout", createdAt: NOW });
      expect(JSON.parse(event.payload)).toEqual(JSON.parse(JSON.stringify(payload)));
      expect(event.expiresAt).toEqual(new Date(NOW.getTime() + shop.eventExpiryHours * HOUR));
      const endpoints = await prisma.endpoint.findMany({ where: { shopId: shop.id } });
      for (const delivery of event.deliveries) {
        const endpoint = endpoints.find((e) => e.id === delivery.endpointId)!;
        expect(delivery).toMatchObject({ status: "pending", attemptCount: 0, nextAttemptAt: NOW, createdAt: NOW, topic: "abandonedCheckout", shopId: shop.id });
        expect(delivery.body).toBe(deliveryBody(payload, "abandonedCheckout", endpoint));
        expect(delivery.id).toMatch(/^[a-z0-9]{20,}$/);
      }
      out[token] = `sent:${event.deliveries
        .map((d) => endpointNames.get(d.endpointId))
        .sort()
        .join(",")}`;
    } else if (row.status === "abandoned") {
      expect(row.abandonedAt).toEqual(NOW);
      out[token] = `suppressed:${tokens.get(row.collapsedIntoId!)}`;
    } else if (row.collapsedIntoId !== null) {
      expect(row.status).toBe("open");
      out[token] = `collapsed:${tokens.get(row.collapsedIntoId)}`;
    } else {
      expect(row).toMatchObject({ status: "open", abandonedAt: null });
      out[token] = "skipped";
    }
  }
  return out;
}

async function checkoutsOf(shopId: string) {
  return new Map((await prisma.checkout.findMany({ where: { shopId } })).map((row) => [row.id, row]));
}

describe("set-based detector", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s: the same outcome as one at a time", async (_name, spec) => {
    const reference = await buildCase(spec, "ref");
    const batch = await buildCase(spec, "batch");
    const [referenceBefore, batchBefore] = [await checkoutsOf(reference.shop.id), await checkoutsOf(batch.shop.id)];

    const one = await sweepOneAtATime(NOW, reference.shop.id);
    const set = await sweepAbandonedCheckouts(NOW);
    expect(set).toEqual(one);
    expect(await sweepAbandonedCheckouts(NOW)).toMatchObject({ due: 0 });

    expect(await outcomes(reference, referenceBefore)).toEqual(spec.expected);
    expect(await outcomes(batch, batchBefore)).toEqual(spec.expected);
  });

  it("splits a backlog into passes of `limit`, each claiming the oldest due first", async () => {
    const built = await buildCase(
      {
        name: "backlog",
        endpoints: [{ name: "bsp" }],
        checkouts: Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`b${i}`, { email: `b${i}@example.com`, idle: (40 - i) * MINUTE }])),
        expected: {},
      },
      "backlog",
    );
    expect(await sweepAbandonedCheckouts(NOW, { limit: 3 })).toEqual({ due: 3, sent: 3, suppressed: 0, collapsed: 0, heldOut: 0 });
    const sent = await prisma.checkout.findMany({ where: { shopId: built.shop.id, status: "abandoned" }, orderBy: { id: "asc" } });
    expect(sent.map((row) => row.token)).toEqual(["b0", "b1", "b2"]);
    expect(await sweepAbandonedCheckouts(NOW, { limit: 3 })).toMatchObject({ due: 3, sent: 3 });
    expect(await sweepAbandonedCheckouts(NOW, { limit: 3 })).toMatchObject({ due: 1, sent: 1 });
    expect(await prisma.event.count({ where: { shopId: built.shop.id } })).toBe(7);
  });

  it("rolls the whole pass back when writing it fails, leaving every checkout due", async () => {
    const built = await buildCase(
      {
        name: "rollback",
        endpoints: [{ name: "bsp" }],
        checkouts: { r1: { email: "r1@example.com", idle: 30 * MINUTE }, r2: { email: "r2@example.com", idle: 30 * MINUTE } },
        expected: {},
      },
      "rollback",
    );
    const [r2] = [...built.tokens.entries()].filter(([, token]) => token === "r2").map(([id]) => id);
    // An event for r2 that exists already: the pass's insert breaks the (checkoutId, topic) unique index.
    await prisma.event.create({
      data: { id: randomUUID(), shopId: built.shop.id, checkoutId: r2, topic: "abandonedCheckout", payload: "{}", createdAt: ago(DAY * 3), expiresAt: NOW },
    });
    const before = await checkoutsOf(built.shop.id);
    await expect(sweepAbandonedCheckouts(NOW)).rejects.toThrow();
    expect(await checkoutsOf(built.shop.id)).toEqual(before);
    expect(await prisma.delivery.count({ where: { shopId: built.shop.id } })).toBe(0);
    await prisma.checkout.update({ where: { id: r2 }, data: { abandonDueAt: null } });
    expect(await sweepAbandonedCheckouts(NOW)).toMatchObject({ due: 1, sent: 1 });
  });
});

describe("detectors racing", () => {
  const manyDue = async (label: string, count: number) =>
    buildCase(
      {
        name: label,
        endpoints: [{ name: "bsp" }],
        checkouts: Object.fromEntries(Array.from({ length: count }, (_, i) => [`${label}${i}`, { email: `${label}${i}@example.com`, idle: 30 * MINUTE }])),
        expected: {},
      },
      label,
    );

  async function expectOneEventEach(shopId: string, count: number) {
    const events = await prisma.event.findMany({ where: { shopId, topic: "abandonedCheckout" } });
    expect(events).toHaveLength(count);
    expect(new Set(events.map((e) => e.checkoutId)).size).toBe(count);
    expect(await prisma.delivery.count({ where: { shopId } })).toBe(count);
    expect(await prisma.checkout.count({ where: { shopId, status: "abandoned" } })).toBe(count);
  }

  it("two concurrent sweeps in one process never create two events for one checkout", async () => {
    const built = await manyDue("race", 40);
    const results = await Promise.all([
      sweepAbandonedCheckouts(NOW, { limit: 15 }),
      sweepAbandonedCheckouts(NOW, { limit: 15 }),
      sweepAbandonedCheckouts(NOW, { limit: 15 }),
    ]);
    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(40);
    expect(results.reduce((sum, r) => sum + r.due, 0)).toBe(40);
    await expectOneEventEach(built.shop.id, 40);
  });

  it("detector processes on their own connections, sweeping at once, never create two events for one checkout", async () => {
    const built = await manyDue("procs", 60);
    const run = () =>
      new Promise<{ code: number | null; sent: number; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/sweep-until-done.ts", NOW.toISOString(), "7"], {
          env: process.env,
          stdio: "pipe",
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("exit", (code) => resolve({ code, sent: Number(stdout.trim() || "NaN"), stderr }));
      });
    const children = await Promise.all([run(), run()]);
    for (const child of children) expect(child, child.stderr).toMatchObject({ code: 0 });
    expect(children[0].sent + children[1].sent).toBe(60);
    await expectOneEventEach(built.shop.id, 60);
  }, 60_000);
});

describe("the contact lookup", () => {
  it("is answered from the (shopId, contact) indexes, not by scanning the shop's activity window", async () => {
    const { db, codec } = sqlDatabase();
    const shop = await prisma.shop.create({ data: { domain: `plan-${randomUUID().slice(0, 8)}.myshopify.com`, pixelKey: randomUUID() } });
    // Enough rows, all inside the window, for the planner to weigh the indexes as in production.
    const at = codec.date(ago(MINUTE));
    for (let chunk = 0; chunk < 4; chunk++) {
      await db
        .insertInto("Checkout")
        .values(
          Array.from({ length: 500 }, (_, i) => ({
            shopId: shop.id,
            token: `plan-${chunk}-${i}`,
            emailNormalized: `p${chunk}-${i}@example.com`,
            phoneE164: `+9198700${String(chunk * 500 + i).padStart(5, "0")}`,
            lastActivityAt: at,
            updatedAt: at,
          })),
        )
        .execute();
    }
    if (codec.dialect === "sqlite") sqlDatabase().sqlite!.exec("ANALYZE");
    else await prisma.$executeRawUnsafe('ANALYZE "Checkout"');

    for (const [kind, index, values] of [
      ["emailNormalized", "Checkout_shopId_emailNormalized_idx", ["p1-1@example.com", "p2-2@example.com"]],
      ["phoneE164", "Checkout_shopId_phoneE164_idx", ["+919870000001", "+919870000002"]],
    ] as const) {
      const compiled = contactLookup(db, codec, kind, [shop.id], [...values], ago(DAY)).compile();
      let plan: string;
      if (codec.dialect === "sqlite") {
        const rows = sqlDatabase()
          .sqlite!.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`)
          .all(...(compiled.parameters as unknown[])) as { detail: string }[];
        plan = rows.map((row) => row.detail).join("\n");
      } else {
        const { rows } = await sqlDatabase().pool!.query<{ "QUERY PLAN": string }>(`EXPLAIN ${compiled.sql}`, compiled.parameters as unknown[]);
        plan = rows.map((row) => row["QUERY PLAN"]).join("\n");
      }
      expect(plan).toContain(index);
      expect(plan).not.toContain("Checkout_shopId_lastActivityAt_idx");
      expect(plan).not.toMatch(/SCAN c\b|Seq Scan on "Checkout"/);
      const found = await contactLookup(db, codec, kind, [shop.id], [...values], ago(DAY)).execute();
      expect(found).toHaveLength(2);
    }
  });
});
