import { describe, expect, it } from "vitest";
import { timeOrderedId } from "./ids";

describe("time-ordered ids", () => {
  const at = Date.UTC(2026, 11, 1, 12);

  it("sort in the order of the times they were made for", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => timeOrderedId(at + i * 7));
    expect(ids.every((id) => /^c[0-9a-z]{25}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });

  it("differ in their random part when made in the same millisecond, across refills of the random pool", () => {
    const ids = Array.from({ length: 5000 }, () => timeOrderedId(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(10))).size).toBe(ids.length);
  });
});
