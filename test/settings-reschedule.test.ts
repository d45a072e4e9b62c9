import { describe, expect, it, vi } from "vitest";

// The demo's time scale: a policy minute of one second. Set before the app's
// configuration is read.
vi.hoisted(() => {
  process.env.CART_RELAY_TIME_SCALE = "60";
});

const { default: prisma } = await import("../app/db.server");
const { shopSettings, updateSettings } = await import("../app/shops/settings.server");
const { captureCheckout, shopRow } = await import("./pipeline");

const SECOND = 1000;

describe("saving Settings under CART_RELAY_TIME_SCALE", () => {
  it("reschedules open checkouts in policy minutes, as a capture schedules them", async () => {
    const shop = "scaled-settings.myshopify.com";
    const byEmail = await captureCheckout(shop, { checkoutToken: "scaled-1", email: "scaled@example.com" });
    const byAddressPhone = await captureCheckout(shop, { checkoutToken: "scaled-2", shippingAddress: { phone: "+91 98765 43210" } });
    for (const checkout of [byEmail, byAddressPhone]) {
      expect(checkout.abandonDueAt!.getTime() - checkout.lastActivityAt.getTime()).toBe(10 * SECOND);
    }

    const row = await shopRow(shop);
    const { rescheduled } = await updateSettings(row, { ...shopSettings(row), abandonAfterMinutes: 25 });
    expect(rescheduled).toBe(2);
    for (const checkout of [byEmail, byAddressPhone]) {
      const saved = await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
      expect(saved.abandonDueAt!.getTime() - saved.lastActivityAt.getTime()).toBe(25 * SECOND);
    }
  });
});
