import { describe, expect, it } from "vitest";
import { observedAt } from "./observations";

const now = new Date("2026-11-25T12:00:00Z");

describe("observedAt", () => {
  it.each([
    ["no claim", undefined, now],
    ["a claim a minute ago", "2026-11-25T11:59:00Z", new Date("2026-11-25T11:59:00Z")],
    ["a claim within clock skew ahead", "2026-11-25T12:04:00Z", new Date("2026-11-25T12:04:00Z")],
    ["a claim far in the future", "2027-01-01T00:00:00Z", now],
    ["a claim from last month", "2026-10-25T12:00:00Z", new Date("2026-11-24T12:00:00Z")],
  ])("trusts %s only within a sane window", (_case, claim, expected) => {
    expect(observedAt(claim, now)).toEqual(expected);
  });
});
