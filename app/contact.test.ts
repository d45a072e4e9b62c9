import { describe, expect, it } from "vitest";
import { normalizeEmail, normalizePhone } from "./contact";

describe("normalizePhone", () => {
  it.each([
    ["+91 6000376569", undefined, "+916000376569"],
    ["06000376569", "IN", "+916000376569"],
    ["6000376569", "IN", "+916000376569"],
    ["(415) 555-0132", "US", "+14155550132"],
    ["+44 20 7946 0958", "IN", "+442079460958"],
    ["6000376569", undefined, null],
    ["12", "IN", null],
    ["not a phone", "IN", null],
    ["", "IN", null],
    [null, "IN", null],
  ])("%s in %s -> %s", (raw, region, expected) => {
    expect(normalizePhone(raw, region)).toBe(expected);
  });
});

describe("normalizeEmail", () => {
  it.each([
    ["  Asha@Example.COM ", "asha@example.com"],
    ["no-at-sign", null],
    ["a@b", null],
    [null, null],
  ])("%s -> %s", (raw, expected) => {
    expect(normalizeEmail(raw)).toBe(expected);
  });
});
