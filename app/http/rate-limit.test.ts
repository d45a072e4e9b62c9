import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows a burst up to capacity, then refills at the configured rate per key", () => {
    const limiter = new RateLimiter(3, 1);
    expect([0, 0, 0, 0].map(() => limiter.take("a", 0))).toEqual([true, true, true, false]);
    expect(limiter.retryAfterSeconds("a", 0)).toBe(1);
    expect(limiter.take("b", 0)).toBe(true);
    expect(limiter.take("a", 999)).toBe(false);
    expect(limiter.take("a", 1000)).toBe(true);
    expect(limiter.take("a", 1000)).toBe(false);
    expect(limiter.take("a", 60_000)).toBe(true);
  });

  it("keeps memory bounded by forgetting the least recently used keys", () => {
    const limiter = new RateLimiter(1, 1, 2);
    limiter.take("a", 0);
    limiter.take("b", 0);
    limiter.take("c", 0);
    // "a" was forgotten, so it starts with a full bucket again; "c" has none.
    expect(limiter.take("a", 0)).toBe(true);
    expect(limiter.take("c", 0)).toBe(false);
  });
});
