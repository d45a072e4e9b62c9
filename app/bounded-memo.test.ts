import { describe, expect, it } from "vitest";
import { boundedMemo } from "./bounded-memo";

describe("a bounded memo", () => {
  it("computes a key once while it is held", () => {
    const memo = boundedMemo<number>(3);
    let runs = 0;
    const square = (n: number) => memo(String(n), () => (runs++, n * n));
    expect([square(2), square(2), square(3), square(2)]).toEqual([4, 4, 9, 4]);
    expect(runs).toBe(2);
  });

  it("holds at most its limit, letting the oldest go first", () => {
    const memo = boundedMemo<string>(2);
    const computed: string[] = [];
    const get = (key: string) => memo(key, () => (computed.push(key), key.toUpperCase()));
    get("a");
    get("b");
    get("c");
    get("b");
    get("a");
    expect(computed).toEqual(["a", "b", "c", "a"]);
  });
});
