import { describe, expect, it } from "vitest";
import { scaledMinutes, timeScaleNotice } from "./time-scale";

describe("policy durations in the app's time scale", () => {
  it.each([
    [4, 1000, "runs as 4 seconds here"],
    [1, 1000, "runs as 1 second here"],
    [3, 500, "runs as 1.5 seconds here"],
    [4, 60_000, null],
  ])("%d policy minutes of %d ms: %s", (minutes, minuteMs, expected) => {
    expect(scaledMinutes(minutes, minuteMs)).toBe(expected);
  });

  it("names the setting only when the scale is not 1", () => {
    expect(timeScaleNotice(60_000)).toBeNull();
    expect(timeScaleNotice(1000)).toContain("CART_RELAY_TIME_SCALE=60");
  });
});
