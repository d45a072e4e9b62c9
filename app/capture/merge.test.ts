import { describe, expect, it } from "vitest";
import { emptyCheckoutState, mergeObservation, type CaptureSource, type CheckoutState, type FieldValues } from "./merge";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute));

function apply(steps: [CaptureSource, number, FieldValues, boolean?][]): CheckoutState {
  return steps.reduce(
    (state, [source, minute, values, buyerActivity = true]) => mergeObservation(state, { source, observedAt: at(minute), values, buyerActivity }).state,
    emptyCheckoutState(),
  );
}

describe("mergeObservation", () => {
  it("takes the Shopify customer id from signed sources only", () => {
    expect(apply([["pixel", 1, { customerId: "6612345678901", email: "a@x.co" }]]).fields).toEqual({ email: "a@x.co" });
    expect(apply([["webhook", 1, { customerId: "6612345678901" }]]).fields).toEqual({ customerId: "6612345678901" });
  });

  it.each<[string, [CaptureSource, number, FieldValues, boolean?][], Partial<CheckoutState["fields"]>]>([
    [
      "a partial update keeps earlier fields",
      [
        ["extension", 1, { email: "a@x.co", zip: "1" }],
        ["extension", 2, { city: "Pune" }],
      ],
      { email: "a@x.co", zip: "1", city: "Pune" },
    ],
    [
      "empty values never erase",
      [
        ["extension", 1, { email: "a@x.co", lines: [{ q: 1 }] }],
        ["webhook", 2, { email: "", lines: [], phone: null }],
      ],
      { email: "a@x.co", lines: [{ q: 1 }] },
    ],
    [
      "the newest trusted value wins",
      [
        ["extension", 1, { email: "old@x.co" }],
        ["webhook", 2, { email: "new@x.co" }],
      ],
      { email: "new@x.co" },
    ],
    [
      "an older trusted value arriving late loses",
      [
        ["webhook", 5, { email: "new@x.co" }],
        ["extension", 3, { email: "old@x.co" }],
      ],
      { email: "new@x.co" },
    ],
    [
      "the pixel fills gaps",
      [
        ["extension", 1, { email: "a@x.co" }],
        ["pixel", 2, { phone: "+1415", zip: "94103" }],
      ],
      { email: "a@x.co", phone: "+1415", zip: "94103" },
    ],
    [
      "the pixel never overrides a trusted value, however new",
      [
        ["webhook", 1, { email: "real@x.co" }],
        ["pixel", 9, { email: "spoof@x.co" }],
      ],
      { email: "real@x.co" },
    ],
    [
      "a trusted source overrides the pixel, even if older",
      [
        ["pixel", 5, { email: "pixel@x.co" }],
        ["extension", 4, { email: "typed@x.co" }],
      ],
      { email: "typed@x.co" },
    ],
    [
      "newer pixel data updates older pixel data",
      [
        ["pixel", 1, { zip: "1" }],
        ["pixel", 2, { zip: "2" }],
      ],
      { zip: "2" },
    ],
    ["only trusted sources may set the recovery URL", [["pixel", 1, { recoveryUrl: "https://evil.example/recover" }]], {}],
    [
      "a consent flag may turn false",
      [
        ["extension", 1, { whatsappOptIn: true }],
        ["extension", 2, { whatsappOptIn: false }],
      ],
      { whatsappOptIn: false },
    ],
  ])("%s", (_case, steps, expected) => {
    expect(apply(steps).fields).toEqual(expected);
  });

  it("records sources seen and whether a trusted source has seen the checkout", () => {
    expect(apply([["pixel", 1, { zip: "1" }]])).toMatchObject({ sources: ["pixel"], trustedSeen: false });
    expect(
      apply([
        ["pixel", 1, { zip: "1" }],
        ["webhook", 2, {}],
      ]),
    ).toMatchObject({ sources: ["pixel", "webhook"], trustedSeen: true });
  });

  it("moves last activity only forward and only on buyer activity", () => {
    expect(
      apply([
        ["extension", 5, { zip: "1" }],
        ["webhook", 3, { city: "x" }],
      ]).lastActivityAt,
    ).toEqual(at(5));
    expect(
      apply([
        ["extension", 5, { zip: "1" }],
        ["pixel", 9, {}, false],
      ]).lastActivityAt,
    ).toEqual(at(5));
    expect(
      apply([
        ["extension", 5, { zip: "1" }],
        ["extension", 7, {}],
      ]).lastActivityAt,
    ).toEqual(at(7));
  });

  it("reports no change for a replay, so nothing is written", () => {
    const state = apply([["extension", 5, { email: "a@x.co" }]]);
    const replay = mergeObservation(state, { source: "extension", observedAt: at(5), values: { email: "a@x.co" }, buyerActivity: true });
    expect(replay).toMatchObject({ changed: false, changedFields: [] });
  });

  it("upgrades provenance when a trusted source confirms a pixel value", () => {
    const state = apply([
      ["pixel", 1, { email: "a@x.co" }],
      ["extension", 2, { email: "a@x.co" }],
    ]);
    expect(state.fieldSources.email).toEqual({ source: "extension", at: at(2).toISOString() });
    // ... so a later pixel value can no longer replace it.
    expect(mergeObservation(state, { source: "pixel", observedAt: at(3), values: { email: "b@x.co" }, buyerActivity: true }).state.fields.email).toBe("a@x.co");
  });
});
