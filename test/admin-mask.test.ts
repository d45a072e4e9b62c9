import { describe, expect, it } from "vitest";
import { maskedBody, maskFreeText, maskUrl } from "../app/admin/mask";

describe("masking buyer data for the admin", () => {
  it.each([
    ["reply for asha.rao@example.com", "reply for as***@example.com"],
    ["phone +91 98765 43210 rejected", "phone +91******3210 rejected"],
    ["checkout[email]=asha%40example.com", "checkout[email]=as***%40example.com"],
    ["phone=%2B919876543210", "phone=%2B91******3210"],
    ["order 820982911946154500 at 1795609621326", "order 820982911946154500 at 1795609621326"],
    ["2026-03-01T04:40:00.000Z", "2026-03-01T04:40:00.000Z"],
  ])("free text %s", (text, masked) => {
    expect(maskFreeText(text)).toBe(masked);
  });

  it("masks the buyer's parameters in a cart permalink and keeps the rest", () => {
    const url =
      "https://shop.myshopify.com/cart/1:2?checkout%5Bemail%5D=asha%40example.com&checkout%5Bshipping_address%5D%5Bfirst_name%5D=Asha" +
      "&checkout%5Bshipping_address%5D%5Bphone%5D=%2B919876543210&checkout%5Bshipping_address%5D%5Bcity%5D=Pune&discount=WELCOME10";
    const masked = maskUrl(url);
    expect(masked).not.toMatch(/asha%40|=Asha&|9876543210/);
    expect(masked).toContain("checkout%5Bemail%5D=as***%40example.com");
    expect(masked).toContain("checkout%5Bshipping_address%5D%5Bfirst_name%5D=A**a");
    expect(masked).toContain("checkout%5Bshipping_address%5D%5Bcity%5D=Pune&discount=WELCOME10");
  });

  it("masks contact, name and address values in a body, by key, and leaves products alone", () => {
    const body = JSON.stringify({
      email: "asha@example.com",
      phone: "+919876543210",
      lineItems: [{ name: "Jordans", skuName: "JRD-BLK" }],
      customer: { firstName: "Asha", lastName: "Rao", shippingAddress: { address1: "14 MG Road", zip: "411001", city: "Pune", phone: "098765 43210" } },
    });
    expect(JSON.parse(maskedBody(body))).toEqual({
      email: "as***@example.com",
      phone: "+91******3210",
      lineItems: [{ name: "Jordans", skuName: "JRD-BLK" }],
      customer: { firstName: "A**a", lastName: "R*o", shippingAddress: { address1: "1********d", zip: "4****1", city: "Pune", phone: "****** *3210" } },
    });
    expect(maskedBody("not json: call +91 98765 43210")).toBe("not json: call +91******3210");
  });
});
