import { describe, expect, it } from "vitest";
import { pickWithinCaps, type ClaimCandidate, type InFlightLoad } from "./claim-caps";

const load = (endpoints: Record<string, number>, shops: Record<string, number>, endpointCap = 2, shopCap = 3): InFlightLoad => ({
  endpoints: new Map(Object.entries(endpoints)),
  shops: new Map(Object.entries(shops)),
  endpointCap,
  shopCap,
});
const candidate = (id: string, endpointId: string, shopId: string, due: number): ClaimCandidate => ({ id, endpointId, shopId, due });
const ids = (picked: ClaimCandidate[]) => picked.map((row) => row.id);

describe("pickWithinCaps", () => {
  it("takes the earliest due first, ties by id, up to the limit", () => {
    const rows = [candidate("c", "e1", "s1", 30), candidate("b", "e2", "s2", 10), candidate("a", "e3", "s3", 10)];
    expect(ids(pickWithinCaps(rows, load({}, {}), 2))).toEqual(["a", "b"]);
  });

  it("never takes an endpoint over its cap, counting what is already in flight", () => {
    const rows = [candidate("a", "e1", "s1", 1), candidate("b", "e1", "s2", 2), candidate("c", "e2", "s3", 3)];
    expect(ids(pickWithinCaps(rows, load({ e1: 1 }, {}), 10))).toEqual(["a", "c"]);
  });

  it("never takes a shop over its cap across its endpoints", () => {
    const rows = [1, 2, 3, 4].map((n) => candidate(`d${n}`, `e${n}`, "s1", n));
    expect(ids(pickWithinCaps(rows, load({}, { s1: 1 }), 10))).toEqual(["d1", "d2"]);
  });

  it("a candidate skipped for its shop's cap does not use up its endpoint's", () => {
    const rows = [candidate("a", "e1", "full-shop", 1), candidate("b", "e1", "s2", 2), candidate("c", "e1", "s3", 3)];
    expect(ids(pickWithinCaps(rows, load({}, { "full-shop": 3 }), 10))).toEqual(["b", "c"]);
  });

  it("takes nothing when the limit is zero or every endpoint is full", () => {
    const rows = [candidate("a", "e1", "s1", 1)];
    expect(pickWithinCaps(rows, load({}, {}), 0)).toEqual([]);
    expect(pickWithinCaps(rows, load({ e1: 2 }, {}), 5)).toEqual([]);
  });
});
