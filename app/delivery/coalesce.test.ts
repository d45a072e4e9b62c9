import { describe, expect, it } from "vitest";
import { COALESCE_MS, waitsForCompany } from "./coalesce";

describe("a cycle waits for company", () => {
  const now = 1_000_000;

  it("until half of the attempts sent just now have answered", () => {
    const justSent = Array.from({ length: 8 }, () => now - 2);
    expect(waitsForCompany(1, justSent, now)).toBe(true);
    expect(waitsForCompany(7, justSent, now)).toBe(true);
    expect(waitsForCompany(8, justSent, now)).toBe(false);
  });

  it("not for attempts out longer than the wait itself (a receiver that hangs)", () => {
    const hanging = Array.from({ length: 48 }, () => now - 5_000);
    expect(waitsForCompany(1, hanging, now)).toBe(false);
    expect(waitsForCompany(1, [...hanging, now - 1, now - 3], now)).toBe(true);
    expect(waitsForCompany(1, [...hanging, now - 1, now - COALESCE_MS], now)).toBe(false);
  });

  it("not when nothing is out", () => {
    expect(waitsForCompany(3, [], now)).toBe(false);
  });
});
