import type { Checkout, Shop } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { describeZodError } from "../../http/validation";
import { buildTestPayload, resumeCheckoutUrl, type CartPayload } from "./cart-payload";
import { applyFieldRules, FIELD_RULE_PATHS, fieldRulesSchema, maskEmail, maskPhone, maskText } from "./field-rules";

const shop = { id: "shop_1", domain: "demo-store.myshopify.com", currency: "INR", countryCode: "IN" } as Shop;
const payload = (): CartPayload => buildTestPayload(shop, { eventId: "evt_1", topic: "test", createdAt: new Date("2026-11-25T05:00:00Z") });

/** The string at a simple dotted path, or every element's for `[]`. */
function at(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((node, segment) => {
    if (segment.endsWith("[]")) return ((node as Record<string, unknown[]>)[segment.slice(0, -2)] ?? []).map((e) => e);
    if (Array.isArray(node)) return node.map((element) => (element as Record<string, unknown>)[segment]);
    return (node as Record<string, unknown>)[segment];
  }, value);
}

describe("maskPhone", () => {
  it.each([
    ["+916000376569", "+91******6569"],
    ["+14155552671", "+1******2671"],
    ["+447911123456", "+44******3456"],
    ["+91 60003 76569", "+91******6569"],
    ["098765 43210", "****** *3210"],
    ["6000376569", "******6569"],
    ["12345", "*****"],
    ["", ""],
  ])("%s -> %s", (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});

describe("maskEmail", () => {
  it.each([
    ["darpan@example.com", "da***@example.com"],
    ["ab@example.com", "a***@example.com"],
    ["a@example.com", "***@example.com"],
    ["first.last+tag@mail.co.in", "fi***@mail.co.in"],
    ["no-at-sign", "n********n"],
    ["@example.com", "@**********m"],
  ])("%s -> %s", (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });
});

describe("maskText", () => {
  it.each([
    ["Darpan", "D****n"],
    ["Rangia, Murara", "R************a"],
    ["ab", "**"],
    ["x", "*"],
    ["Zoë", "Z*ë"],
    ["", ""],
  ])("%s -> %s", (value, masked) => {
    expect(maskText(value)).toBe(masked);
  });
});

describe("applyFieldRules", () => {
  it("returns the payload untouched without rules", () => {
    const original = payload();
    expect(applyFieldRules(original, { drop: [], mask: [] })).toEqual(payload());
  });

  it.each(FIELD_RULE_PATHS)('drop %s: the key stays, its value becomes ""', (path) => {
    const original = payload();
    const result = applyFieldRules(original, { drop: [path], mask: [] });
    const values = [at(result, path)].flat();
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(value).toBe("");
    expect([at(original, path)].flat().some((value) => value !== "")).toBe(true);
    expect(Object.keys(result)).toEqual(Object.keys(original));
  });

  it.each(FIELD_RULE_PATHS)("mask %s: still a string of a recognisable shape", (path) => {
    const original = payload();
    const before = [at(original, path)].flat() as string[];
    const after = [at(applyFieldRules(original, { drop: [], mask: [path] }), path)].flat() as string[];
    expect(after).toHaveLength(before.length);
    after.forEach((value, index) => {
      expect(typeof value).toBe("string");
      if (before[index] !== "") {
        expect(value).not.toBe(before[index]);
        expect(value).toContain("*");
      }
    });
  });

  it("masks contact fields with their own rules", () => {
    const result = applyFieldRules(payload(), { drop: [], mask: ["phone", "email", "customer.shippingAddress.phone", "customer.firstName"] });
    expect(result.phone).toBe("+91******3210");
    expect(result.email).toBe("pr***@example.com");
    expect(result.customer.shippingAddress.phone).toBe("****** *3210");
    expect(result.customer.firstName).toBe("P***a");
    expect(result.customer.email).toBe("priya.sharma@example.com");
  });

  it("leaves the caller's payload unchanged", () => {
    const original = payload();
    applyFieldRules(original, { drop: ["email", "lineItems[].name"], mask: ["phone"] });
    expect(original).toEqual(payload());
  });

  it("drops before masking when a path is in both", () => {
    expect(applyFieldRules(payload(), { drop: ["email"], mask: ["email"] }).email).toBe("");
  });

  it("ignores unknown paths and never creates keys", () => {
    const result = applyFieldRules(payload(), { drop: ["customer.ssn", "cartId", "nothing.here"], mask: ["lineItems"] });
    expect(result).toEqual(payload());
    const sparse = applyFieldRules({ phone: "+916000376569" }, { drop: ["customer.email", "lineItems[].name"], mask: [] });
    expect(sparse).toEqual({ phone: "+916000376569" });
  });

  it("keeps null values null", () => {
    expect(
      applyFieldRules({ email: null, customer: { shippingAddress: { phone: null } } }, { drop: ["email"], mask: ["customer.shippingAddress.phone"] }),
    ).toEqual({
      email: null,
      customer: { shippingAddress: { phone: null } },
    });
  });

  describe("the cart permalink does not repeat what was dropped or masked", () => {
    const params = (url: string) => [...new URL(url).searchParams.keys()];

    it.each([
      [["email"], ["checkout[email]"]],
      [["customer.shippingAddress.email"], ["checkout[email]"]],
      [["phone"], ["checkout[shipping_address][phone]"]],
      [["customer.shippingAddress.customerName"], ["checkout[shipping_address][first_name]", "checkout[shipping_address][last_name]"]],
      [
        ["customer.shippingAddress.address1", "customer.shippingAddress.zip"],
        ["checkout[shipping_address][address1]", "checkout[shipping_address][zip]"],
      ],
      [["customer.shippingAddress.countryCode"], ["checkout[shipping_address][country]"]],
    ])("%j removes %j", (paths, removed) => {
      const before = params(payload().abandonedCheckoutUrl);
      for (const rules of [
        { drop: paths, mask: [] },
        { drop: [], mask: paths },
      ]) {
        const after = params(applyFieldRules(payload(), rules).abandonedCheckoutUrl);
        expect(after).toEqual(before.filter((name) => !removed.includes(name)));
      }
    });

    it("keeps the items, discount and attribution", () => {
      const url = new URL(applyFieldRules(payload(), { drop: FIELD_RULE_PATHS.filter((p) => p !== "abandonedCheckoutUrl"), mask: [] }).abandonedCheckoutUrl);
      expect(url.pathname).toBe("/cart/44012345678901:2,44012345678902:1");
      expect([...url.searchParams.keys()]).toEqual(["discount", "attributes[_cart_relay]"]);
    });

    it("leaves Shopify's recovery URL alone", () => {
      const recoveryUrl = "https://demo-store.myshopify.com/81234/checkouts/ac/tok/recover?key=abc&checkout[email]=x";
      const result = applyFieldRules({ ...payload(), abandonedCheckoutUrl: recoveryUrl }, { drop: ["email"], mask: [] });
      expect(result.abandonedCheckoutUrl).toBe(recoveryUrl);
    });

    it("removes nothing from a permalink when only non-contact fields are ruled", () => {
      const checkout = { lines: [{ variantId: "1", quantity: 1 }], email: "a@b.co", emailNormalized: "a@b.co", discountCodes: null } as unknown as Checkout;
      const url = resumeCheckoutUrl(checkout, shop, "evt_9");
      expect(applyFieldRules({ abandonedCheckoutUrl: url }, { drop: ["lineItems[].name"], mask: ["cartToken"] }).abandonedCheckoutUrl).toBe(url);
    });
  });
});

describe("fieldRulesSchema", () => {
  it("accepts known paths and fills in missing lists", () => {
    expect(fieldRulesSchema.parse({ mask: ["phone", "phone", "customer.shippingAddress.phone"] })).toEqual({
      drop: [],
      mask: ["phone", "customer.shippingAddress.phone"],
    });
  });

  it.each([
    [{ drop: ["customer.ssn"] }, 'drop.0 "customer.ssn" is not a field that can be dropped or masked'],
    [{ drop: ["email"], mask: ["phone", "lineItems.name"] }, 'mask.1 "lineItems.name" is not a field that can be dropped or masked'],
    [{ drop: ["email"], mask: ["email"] }, 'mask.0 "email" cannot be both dropped and masked'],
    [{ drop: "email" }, "drop must be an array (got string)"],
    [{ drop: [42] }, "drop.0 must be a field path"],
  ])("rejects %j naming the path", (rules, message) => {
    const result = fieldRulesSchema.safeParse(rules);
    expect(result.success).toBe(false);
    expect(describeZodError(result.error!)).toContain(message);
  });

  it("lists every personal field of the payload", () => {
    for (const path of [
      "email",
      "phone",
      "customer.email",
      "customer.firstName",
      "customer.lastName",
      "customer.shippingAddress.customerName",
      "customer.shippingAddress.address1",
      "customer.shippingAddress.address2",
      "customer.shippingAddress.city",
      "customer.shippingAddress.zip",
      "customer.shippingAddress.email",
      "customer.shippingAddress.phone",
      "abandonedCheckoutUrl",
    ]) {
      expect(FIELD_RULE_PATHS).toContain(path);
    }
  });
});
