import { randomBytes } from "node:crypto";
import { Prisma, type Shop } from "@prisma/client";
import prisma from "../db.server";
import { read } from "../db/codec";
import { sqlDatabase } from "../db/sql.server";

export function newPixelKey(): string {
  return `px_${randomBytes(24).toString("base64url")}`;
}

/** The Shop row for a myshopify domain after an install or re-auth. */
export async function ensureShop(domain: string, details: { scopes?: string | null } = {}): Promise<Shop> {
  const shop = await prisma.shop.upsert({
    where: { domain },
    create: { domain, pixelKey: newPixelKey(), scopes: details.scopes ?? null },
    update: { uninstalledAt: null, ...(details.scopes !== undefined ? { scopes: details.scopes } : {}) },
  });
  forgetCachedShops();
  return shop;
}

/** The Shop row for a domain a Shopify-signed request named, created on first sight. */
export async function findOrCreateShop(domain: string): Promise<Shop> {
  const existing = await prisma.shop.findUnique({ where: { domain } });
  if (existing) return existing;
  try {
    return await prisma.shop.create({ data: { domain, pixelKey: newPixelKey() } });
  } catch (error) {
    // Prisma's upsert is not atomic: on PostgreSQL, concurrent first captures of a shop race to create it.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return prisma.shop.findUniqueOrThrow({ where: { domain } });
    throw error;
  }
}

// The capture and pixel paths look a shop up per request; a settings change
// or an uninstall reaches them within this long (decision 008).
export const CAPTURE_SHOP_CACHE_MS = 15_000;
const CAPTURE_SHOP_CACHE_SIZE = 20_000;

/** What the capture and pixel paths need of a shop. */
export interface CaptureShopRow {
  id: string;
  domain: string;
  countryCode: string | null;
  abandonAfterMinutes: number;
  allowUntrustedEvents: boolean;
  uninstalledAt: Date | null;
}

/**
 * A small time-bounded cache of lookups, oldest entries dropped first. Callers
 * that miss while a lookup of the same key is under way share it: the
 * database is asked once and `beforeLoad` (a throttle) charges only the
 * caller that asked. A follower whose leader failed (its own throttle, say)
 * asks for itself.
 */
function lookupCache<T>() {
  const entries = new Map<string, { value: T; until: number }>();
  const loading = new Map<string, Promise<T>>();
  return {
    async get(key: string, nowMs: number, load: () => Promise<T>, beforeLoad?: () => Promise<void>): Promise<T> {
      const hit = entries.get(key);
      if (hit && hit.until > nowMs) return hit.value;
      const underWay = loading.get(key);
      if (underWay) {
        const shared = await underWay.then(
          (value) => ({ value }),
          () => null,
        );
        if (shared) return shared.value;
      }
      const mine = (async () => {
        await beforeLoad?.();
        return load();
      })();
      loading.set(key, mine);
      try {
        const value = await mine;
        entries.delete(key);
        if (entries.size >= CAPTURE_SHOP_CACHE_SIZE) entries.delete(entries.keys().next().value!);
        entries.set(key, { value, until: nowMs + CAPTURE_SHOP_CACHE_MS });
        return value;
      } finally {
        if (loading.get(key) === mine) loading.delete(key);
      }
    },
    clear: () => {
      entries.clear();
      loading.clear();
    },
  };
}

const shopsByDomain = lookupCache<CaptureShopRow>();
const shopsByPixelKey = lookupCache<CaptureShopRow | null>();

/** One prepared statement, not a Prisma query: a cache miss stays cheap. */
async function captureShopWhere(column: "domain" | "pixelKey", value: string): Promise<CaptureShopRow | null> {
  const row = await sqlDatabase()
    .db.selectFrom("Shop")
    .select(["id", "domain", "countryCode", "abandonAfterMinutes", "allowUntrustedEvents", "uninstalledAt"])
    .where(column, "=", value)
    .executeTakeFirst();
  if (!row) return null;
  return { ...row, allowUntrustedEvents: read.bool(row.allowUntrustedEvents), uninstalledAt: read.dateOrNull(row.uninstalledAt) };
}

/** The capture shop row without a query per capture (created on first sight): what the hot path calls. */
export function cachedShopForCapture(domain: string, nowMs = Date.now()): Promise<CaptureShopRow> {
  return shopsByDomain.get(domain, nowMs, async () => (await captureShopWhere("domain", domain)) ?? (await findOrCreateShop(domain)));
}

/**
 * The installed shop behind a pixel key, or null; unknown keys are remembered
 * too. `beforeLookup` runs only when the database must be asked (the caller's
 * throttle on keys it has not seen).
 */
export function cachedShopForPixelKey(pixelKey: string, nowMs = Date.now(), beforeLookup?: () => Promise<void>): Promise<CaptureShopRow | null> {
  return shopsByPixelKey.get(
    pixelKey,
    nowMs,
    async () => {
      const shop = await captureShopWhere("pixelKey", pixelKey);
      return shop && !shop.uninstalledAt ? shop : null;
    },
    beforeLookup,
  );
}

/** Forgets cached lookups, after this process changed a shop: its own next capture sees the change. */
export function forgetCachedShops(): void {
  shopsByDomain.clear();
  shopsByPixelKey.clear();
}

export function findShop(domain: string): Promise<Shop | null> {
  return prisma.shop.findUnique({ where: { domain } });
}

/**
 * app/uninstalled: the access token is dead, so sessions go; captured data
 * stays until shop/redact. Returns the shop when this call uninstalled it.
 */
export async function markUninstalled(domain: string, at = new Date()): Promise<Shop | null> {
  const [{ count }] = await prisma.$transaction([
    prisma.shop.updateMany({ where: { domain, uninstalledAt: null }, data: { uninstalledAt: at } }),
    prisma.session.deleteMany({ where: { shop: domain } }),
  ]);
  forgetCachedShops();
  return count === 1 ? prisma.shop.findUnique({ where: { domain } }) : null;
}

/** app/scopes_update: the scopes the merchant granted now. */
export async function updateGrantedScopes(domain: string, scopes: string[]): Promise<void> {
  const scope = scopes.join(",");
  await prisma.$transaction([
    prisma.session.updateMany({ where: { shop: domain }, data: { scope } }),
    prisma.shop.updateMany({ where: { domain }, data: { scopes: scope } }),
  ]);
}
