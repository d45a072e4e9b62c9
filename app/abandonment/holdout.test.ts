import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { assignHoldout, checkHoldoutShare, HOLDOUT_HASH_LABEL, HoldoutError, holdoutPosition } from "./holdout";

const SHOP = "holdout-shop.myshopify.com";
const tokens = (count: number, prefix = "checkout") => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

describe("holdout position", () => {
  // Known answers: if one of these moves, every lift a merchant has seen moves with it.
  it.each([
    { shopDomain: SHOP, checkoutToken: "checkout-0", position: 0.077496086053376 },
    { shopDomain: SHOP, checkoutToken: "checkout-1", position: 0.077146419059062 },
    { shopDomain: "other-shop.myshopify.com", checkoutToken: "checkout-0", position: 0.536322063615483 },
    { shopDomain: SHOP, checkoutToken: "c1a5f6e2b0d94f7e8a3c2b1d0e9f8a7b", position: 0.041349435701932 },
  ])("is pinned for $shopDomain / $checkoutToken", ({ position, ...key }) => {
    expect(holdoutPosition(key)).toBeCloseTo(position, 12);
  });

  it("is the documented hash: SHA-256 of label, shop and token, first 48 bits over 2^48", () => {
    const digest = createHash("sha256").update(`${HOLDOUT_HASH_LABEL}\0${SHOP}\0checkout-7`).digest();
    expect(holdoutPosition({ shopDomain: SHOP, checkoutToken: "checkout-7" })).toBe(Number(BigInt(`0x${digest.subarray(0, 6).toString("hex")}`)) / 2 ** 48);
  });

  it("depends on both the shop and the checkout", () => {
    const a = holdoutPosition({ shopDomain: SHOP, checkoutToken: "x" });
    expect(holdoutPosition({ shopDomain: SHOP, checkoutToken: "x" })).toBe(a);
    expect(holdoutPosition({ shopDomain: "other.myshopify.com", checkoutToken: "x" })).not.toBe(a);
    expect(holdoutPosition({ shopDomain: SHOP, checkoutToken: "y" })).not.toBe(a);
    // The separator keeps "ab" + "c" apart from "a" + "bc".
    expect(holdoutPosition({ shopDomain: "ab", checkoutToken: "c" })).not.toBe(holdoutPosition({ shopDomain: "a", checkoutToken: "bc" }));
  });

  it("stays inside [0, 1)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (shopDomain, checkoutToken) => {
        const position = holdoutPosition({ shopDomain, checkoutToken });
        return position >= 0 && position < 1;
      }),
    );
  });

  it("refuses a missing shop or checkout token", () => {
    expect(() => holdoutPosition({ shopDomain: "", checkoutToken: "x" })).toThrow(HoldoutError);
    expect(() => holdoutPosition({ shopDomain: SHOP, checkoutToken: "" })).toThrow("holdout needs the shop domain and the checkout token");
  });
});

describe("holdout assignment", () => {
  it("never holds out at share 0", () => {
    expect(tokens(5000).filter((checkoutToken) => assignHoldout({ shopDomain: SHOP, checkoutToken }, 0).heldOut)).toEqual([]);
  });

  // Over n checkouts the held-out count is Binomial(n, share) if the hash is
  // uniform: accept anything within 4 standard deviations of n * share
  // (a fair hash lands outside with probability 6e-5; the ids are fixed, so
  // the outcome is too).
  it.each([0.5, 0.2, 0.1, 0.05, 0.01])("holds out about %s of the checkouts", (share) => {
    const n = 10_000;
    const heldOut = tokens(n).filter((checkoutToken) => assignHoldout({ shopDomain: SHOP, checkoutToken }, share).heldOut).length;
    const tolerance = 4 * Math.sqrt(n * share * (1 - share));
    expect(Math.abs(heldOut - n * share)).toBeLessThanOrEqual(tolerance);
  });

  it("spreads realistic checkout tokens evenly across ten deciles", () => {
    // 32-hex tokens as Shopify issues them, made deterministically.
    const realistic = tokens(10_000).map((seed) => createHash("md5").update(seed).digest("hex"));
    const counts = new Array<number>(10).fill(0);
    for (const checkoutToken of realistic) counts[Math.floor(holdoutPosition({ shopDomain: SHOP, checkoutToken }) * 10)] += 1;
    // Pearson's chi-square with 9 degrees of freedom: 27.88 is the 0.999 quantile.
    const expected = realistic.length / 10;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.88);
  });

  it("keeps every held-out checkout held out when the share grows", () => {
    const ids = tokens(2000);
    const at = (share: number) => new Set(ids.filter((checkoutToken) => assignHoldout({ shopDomain: SHOP, checkoutToken }, share).heldOut));
    const small = at(0.1);
    const large = at(0.3);
    expect(small.size).toBeGreaterThan(0);
    for (const token of small) expect(large.has(token)).toBe(true);
  });

  it("gives the same answer every time, with the position that explains it", () => {
    const key = { shopDomain: SHOP, checkoutToken: "checkout-0" };
    expect(assignHoldout(key, 0.5)).toEqual({ heldOut: true, position: holdoutPosition(key) });
    expect(assignHoldout(key, 0.5)).toEqual(assignHoldout({ ...key }, 0.5));
    expect(assignHoldout(key, 0.05)).toEqual({ heldOut: false, position: holdoutPosition(key) });
  });

  it.each([-0.01, 0.51, 1, 50, Number.NaN, Number.POSITIVE_INFINITY])("refuses share %s", (share) => {
    expect(() => assignHoldout({ shopDomain: SHOP, checkoutToken: "x" }, share)).toThrow(`holdout share must be between 0 and 0.5 (0 to 50 %), got ${share}`);
  });

  it("accepts the bounds themselves", () => {
    expect(checkHoldoutShare(0)).toBe(0);
    expect(checkHoldoutShare(0.5)).toBe(0.5);
  });
});
