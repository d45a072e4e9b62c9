import { describe, expect, it } from "vitest";
import { updateSettings } from "../app/shops/settings.server";
import { cachedShopForCapture, cachedShopForPixelKey, ensureShop, forgetCachedShops, markUninstalled } from "../app/shops/shop.server";

// The capture path caches shops (CAPTURE_SHOP_CACHE_MS); a change this process
// makes reaches its own next capture at once, not after the cache ran out.
describe("the capture path's shop cache", () => {
  it("sees this process's settings change and uninstall at once", async () => {
    const domain = "cache-shop.myshopify.com";
    const shop = await ensureShop(domain);
    expect((await cachedShopForCapture(domain)).abandonAfterMinutes).toBe(10);
    expect(await cachedShopForPixelKey(shop.pixelKey)).toMatchObject({ domain });

    await updateSettings(shop, {
      abandonAfterMinutes: 45,
      dedupeWindowHours: shop.dedupeWindowHours,
      attributionWindowDays: shop.attributionWindowDays,
      retentionDays: shop.retentionDays,
      optInText: shop.optInText,
      allowUntrustedEvents: true,
    });
    expect(await cachedShopForCapture(domain)).toMatchObject({ abandonAfterMinutes: 45, allowUntrustedEvents: true });

    await markUninstalled(domain);
    expect(await cachedShopForPixelKey(shop.pixelKey)).toBeNull();
    await ensureShop(domain);
    expect(await cachedShopForPixelKey(shop.pixelKey)).toMatchObject({ domain, uninstalledAt: null });
  });

  it("shares a lookup already under way: concurrent misses of one pixel key ask once and charge the throttle once", async () => {
    const shop = await ensureShop("cache-concurrent.myshopify.com");
    forgetCachedShops();
    let charged = 0;
    const throttle = async () => {
      charged++;
    };
    const found = await Promise.all(Array.from({ length: 8 }, () => cachedShopForPixelKey(shop.pixelKey, Date.now(), throttle)));
    expect(found.map((row) => row?.domain)).toEqual(Array(8).fill("cache-concurrent.myshopify.com"));
    expect(charged).toBe(1);

    // A throttled leader does not refuse its followers: each then asks for itself.
    forgetCachedShops();
    let calls = 0;
    const refuseFirst = async () => {
      if (calls++ === 0) throw new Error("throttled");
    };
    const answers = await Promise.allSettled(Array.from({ length: 3 }, () => cachedShopForPixelKey(shop.pixelKey, Date.now(), refuseFirst)));
    expect(answers.map((answer) => answer.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});
