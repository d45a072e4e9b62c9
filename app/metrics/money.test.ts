import { describe, expect, it } from "vitest";
import { MoneyFormatError, sumDecimals } from "./money";

describe("sumDecimals", () => {
  it.each([
    [[], "0.00"],
    [["1800.00", "100.25"], "1900.25"],
    [["0.1", "0.2"], "0.30"],
    [["19.999", "0.001"], "20.000"],
    [["5", "-7.5"], "-2.50"],
    [["99999999999999999.99", "0.01"], "100000000000000000.00"],
  ])("%j sums to %s", (values, expected) => {
    expect(sumDecimals(values)).toBe(expected);
  });

  it("refuses text that is not an amount", () => {
    expect(() => sumDecimals(["12,50"])).toThrow(MoneyFormatError);
  });
});
