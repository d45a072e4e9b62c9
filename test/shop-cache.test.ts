import { describe, expect, it } from "vitest";
import { updateSettings } from "../app/shops/settings.server";
import { cachedShopForCapture, cachedShopForPixelKey, ensureShop, markUninstalled } from "../app/shops/shop.server";

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
});
