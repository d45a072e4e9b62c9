import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { ensureShop } from "../shops/shop.server";
import type { AdminGraphql } from "../shopify-admin/admin-graphql";
import { activatePixel } from "./activate.server";
import { rotatePixelKey } from "./rotate-pixel-key.server";

// Plays Shopify's Admin GraphQL API with responses shaped as it answers them
// (API 2026-10): `{ data: { webPixelCreate: { webPixel, userErrors } }, extensions }`.

interface AdminCall {
  operation: string;
  variables: Record<string, unknown> | undefined;
}

type Answer = Record<string, unknown> | Error | { status: number };

function fakeAdmin(answers: Record<string, Answer[]>) {
  const calls: AdminCall[] = [];
  const graphql: AdminGraphql = async (query, options) => {
    const operation = /(?:mutation|query)\s+\w+\s*(?:\([^)]*\))?\s*\{\s*(\w+)/.exec(query)?.[1] ?? "unknown";
    calls.push({ operation, variables: options?.variables });
    const answer = answers[operation]?.shift();
    if (!answer) throw new Error(`unexpected Admin API call: ${operation}`);
    if (answer instanceof Error) throw answer;
    if ("status" in answer && typeof answer.status === "number") return new Response("Unauthorized", { status: answer.status });
    return new Response(JSON.stringify({ ...answer, extensions: { cost: { requestedQueryCost: 10 } } }), {
      headers: { "content-type": "application/json" },
    });
  };
  return { graphql, calls };
}

const pixel = (id: number, settings = "{}") => ({ id: `gid://shopify/WebPixel/${id}`, settings });
const created = (id: number) => ({ data: { webPixelCreate: { webPixel: pixel(id), userErrors: [] } } });
const updated = (id: number) => ({ data: { webPixelUpdate: { webPixel: pixel(id), userErrors: [] } } });
const userError = (mutation: string, code: string, field: string[], message: string) => ({
  data: { [mutation]: { webPixel: null, userErrors: [{ code, field, message }] } },
});

const settingsOf = (call: AdminCall) => JSON.parse((call.variables!.webPixel as { settings: string }).settings);

describe("activatePixel", () => {
  it("creates the pixel with the shop's key and our ingest URL, and stores its id", async () => {
    const shop = await ensureShop("activate-new.myshopify.com");
    const admin = fakeAdmin({ webPixelCreate: [created(101)] });
    const result = await activatePixel(shop.domain, admin.graphql);
    expect(result).toEqual({
      ok: true,
      action: "created",
      webPixelId: "gid://shopify/WebPixel/101",
      settings: { pixelKey: shop.pixelKey, ingestUrl: "https://cart-relay.test/api/pixel" },
    });
    expect(admin.calls.map((c) => c.operation)).toEqual(["webPixelCreate"]);
    // The settings go as a JSON string, matching the fields in the pixel's shopify.extension.toml.
    expect(typeof (admin.calls[0].variables!.webPixel as { settings: unknown }).settings).toBe("string");
    expect(settingsOf(admin.calls[0])).toEqual({ pixelKey: shop.pixelKey, ingestUrl: "https://cart-relay.test/api/pixel" });
    expect(await prisma.shop.findUnique({ where: { id: shop.id } })).toMatchObject({ webPixelId: "gid://shopify/WebPixel/101", pixelKey: shop.pixelKey });
  });

  it("updates the pixel it created before, by its stored id", async () => {
    const shop = await ensureShop("activate-again.myshopify.com");
    await prisma.shop.update({ where: { id: shop.id }, data: { webPixelId: "gid://shopify/WebPixel/202" } });
    const admin = fakeAdmin({ webPixelUpdate: [updated(202)] });
    const result = await activatePixel(shop.domain, admin.graphql, { appUrl: "https://relay.example.com/" });
    expect(result).toMatchObject({ ok: true, action: "updated", webPixelId: "gid://shopify/WebPixel/202" });
    expect(admin.calls).toHaveLength(1);
    expect(admin.calls[0].variables!.id).toBe("gid://shopify/WebPixel/202");
    expect(settingsOf(admin.calls[0]).ingestUrl).toBe("https://relay.example.com/api/pixel");
  });

  it("creates a new pixel when Shopify no longer has the stored one (reinstall)", async () => {
    const shop = await ensureShop("activate-reinstalled.myshopify.com");
    await prisma.shop.update({ where: { id: shop.id }, data: { webPixelId: "gid://shopify/WebPixel/303" } });
    const admin = fakeAdmin({
      webPixelUpdate: [userError("webPixelUpdate", "NOT_FOUND", ["id"], "Web pixel not found")],
      webPixelCreate: [created(304)],
    });
    expect(await activatePixel(shop.domain, admin.graphql)).toMatchObject({ ok: true, action: "created", webPixelId: "gid://shopify/WebPixel/304" });
    expect(admin.calls.map((c) => c.operation)).toEqual(["webPixelUpdate", "webPixelCreate"]);
    expect((await prisma.shop.findUnique({ where: { id: shop.id } }))!.webPixelId).toBe("gid://shopify/WebPixel/304");
  });

  it("adopts the shop's existing pixel when Shopify says one is already taken", async () => {
    const shop = await ensureShop("activate-taken.myshopify.com");
    const admin = fakeAdmin({
      webPixelCreate: [userError("webPixelCreate", "TAKEN", ["webPixel"], "Web pixel is taken")],
      webPixel: [{ data: { webPixel: { id: "gid://shopify/WebPixel/405" } } }],
      webPixelUpdate: [updated(405)],
    });
    expect(await activatePixel(shop.domain, admin.graphql)).toMatchObject({ ok: true, action: "updated", webPixelId: "gid://shopify/WebPixel/405" });
    expect(admin.calls.map((c) => c.operation)).toEqual(["webPixelCreate", "webPixel", "webPixelUpdate"]);
    expect(admin.calls[2].variables!.id).toBe("gid://shopify/WebPixel/405");
    expect((await prisma.shop.findUnique({ where: { id: shop.id } }))!.webPixelId).toBe("gid://shopify/WebPixel/405");
  });

  it("surfaces userErrors as one clear error and stores nothing", async () => {
    const shop = await ensureShop("activate-invalid.myshopify.com");
    const admin = fakeAdmin({
      webPixelCreate: [userError("webPixelCreate", "INVALID_SETTINGS", ["webPixel", "settings"], "Settings does not match the extension's definition")],
    });
    const result = await activatePixel(shop.domain, admin.graphql);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe("user_errors");
    expect(result.error.message).toBe("webPixelCreate failed: webPixel.settings: Settings does not match the extension's definition (INVALID_SETTINGS)");
    expect(result.error.userErrors).toEqual([
      { code: "INVALID_SETTINGS", field: ["webPixel", "settings"], message: "Settings does not match the extension's definition" },
    ]);
    expect((await prisma.shop.findUnique({ where: { id: shop.id } }))!.webPixelId).toBeNull();
  });

  it.each<[string, Answer, string, string]>([
    [
      "a thrown GraphQL error (missing scope)",
      new Error("Access denied for webPixelCreate field. Required access: `write_pixels`"),
      "graphql",
      "Admin API call failed: Access denied for webPixelCreate field. Required access: `write_pixels`",
    ],
    [
      "errors in the body",
      { errors: [{ message: "Field 'webPixelCreate' doesn't exist" }] },
      "graphql",
      "Admin API errors: Field 'webPixelCreate' doesn't exist",
    ],
    ["an HTTP failure", { status: 401 }, "http", "Admin API answered HTTP 401"],
    ["a payload without the mutation", { data: {} }, "unexpected_response", "Admin API answered without webPixelCreate"],
  ])("reports %s without throwing", async (_case, answer, kind, message) => {
    const shop = await ensureShop(`activate-${kind}.myshopify.com`);
    const result = await activatePixel(shop.domain, fakeAdmin({ webPixelCreate: [answer] }).graphql);
    expect(result).toMatchObject({ ok: false, error: { kind, message } });
    expect((await prisma.shop.findUnique({ where: { id: shop.id } }))!.webPixelId).toBeNull();
  });

  it("creates the Shop row when the install hook has not yet", async () => {
    const result = await activatePixel("activate-first-sight.myshopify.com", fakeAdmin({ webPixelCreate: [created(606)] }).graphql);
    expect(result.ok).toBe(true);
    const shop = await prisma.shop.findUnique({ where: { domain: "activate-first-sight.myshopify.com" } });
    expect(shop).toMatchObject({ webPixelId: "gid://shopify/WebPixel/606" });
    expect(shop!.pixelKey).toMatch(/^px_[A-Za-z0-9_-]{32}$/);
  });
});

describe("rotatePixelKey", () => {
  it("gives the pixel a new key, and only then retires the old one", async () => {
    const shop = await ensureShop("rotate-ok.myshopify.com");
    await prisma.shop.update({ where: { id: shop.id }, data: { webPixelId: "gid://shopify/WebPixel/707" } });
    const admin = fakeAdmin({ webPixelUpdate: [updated(707)] });
    const result = await rotatePixelKey(shop.domain, admin.graphql);
    expect(result.ok).toBe(true);
    const newKey = settingsOf(admin.calls[0]).pixelKey;
    expect(newKey).not.toBe(shop.pixelKey);
    expect(newKey).toMatch(/^px_/);
    expect((await prisma.shop.findUnique({ where: { id: shop.id } }))!.pixelKey).toBe(newKey);
  });

  it("keeps the old key when Shopify refuses the new settings", async () => {
    const shop = await ensureShop("rotate-refused.myshopify.com");
    await prisma.shop.update({ where: { id: shop.id }, data: { webPixelId: "gid://shopify/WebPixel/808" } });
    const admin = fakeAdmin({ webPixelUpdate: [userError("webPixelUpdate", "INVALID_SETTINGS", ["webPixel", "settings"], "invalid")] });
    expect((await rotatePixelKey(shop.domain, admin.graphql)).ok).toBe(false);
    expect((await prisma.shop.findUnique({ where: { id: shop.id } }))!.pixelKey).toBe(shop.pixelKey);
  });
});
