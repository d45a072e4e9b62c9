import { describe, expect, it } from "vitest";
import { COALESCE_MS, COMPANY_SHARE, waitsForCompany } from "./coalesce";

describe("a cycle waits for company", () => {
  const now = 1_000_000;

  it("until three quarters of the answers expected soon are in", () => {
    const justSent = Array.from({ length: 8 }, () => now - 2);
    expect(COMPANY_SHARE).toBe(3 / 4);
    expect(waitsForCompany(1, justSent, now)).toBe(true);
    // 23 in and 8 still out: 23 of 31 is under three quarters; 24 of 32 is not.
    expect(waitsForCompany(23, justSent, now)).toBe(true);
    expect(waitsForCompany(24, justSent, now)).toBe(false);
  });

  it("not for attempts out longer than the wait itself (a receiver that hangs)", () => {
    const hanging = Array.from({ length: 48 }, () => now - 5_000);
    expect(waitsForCompany(1, hanging, now)).toBe(false);
    expect(waitsForCompany(1, [...hanging, now - 1, now - 3], now)).toBe(true);
    expect(waitsForCompany(1, [...hanging, now - 1], now)).toBe(true);
    expect(waitsForCompany(1, [...hanging, now - COALESCE_MS], now)).toBe(false);
  });

  it("not when nothing is out", () => {
    expect(waitsForCompany(3, [], now)).toBe(false);
  });
});
