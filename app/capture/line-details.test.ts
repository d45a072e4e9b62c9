import { describe, expect, it } from "vitest";
import { fillLineDetails } from "./line-details";
import { emptyCheckoutState, mergeObservation, type Observation } from "./merge";

const webhookLine = { variantId: "45515259445425", title: "Jordans", quantity: 2, imageUrl: null };
const pixelLine = { variantId: "45515259445425", title: "Jordans", quantity: 1, imageUrl: "https://cdn.shopify.com/j.webp", productHandle: "jordans" };

const observe = (source: Observation["source"], minute: number, lines: Record<string, unknown>[]): Observation => ({
  source,
  observedAt: new Date(Date.UTC(2026, 0, 1, 10, minute)),
  values: { lines },
  buyerActivity: true,
});

describe("fillLineDetails", () => {
  it("takes a missing image and handle from the same variant, nothing else", () => {
    expect(fillLineDetails([webhookLine], [pixelLine])).toEqual([{ ...webhookLine, imageUrl: pixelLine.imageUrl, productHandle: "jordans" }]);
  });

  it("keeps what a line already has, and lines of other variants alone", () => {
    const own = { ...webhookLine, imageUrl: "https://cdn.shopify.com/own.webp" };
    const other = { variantId: "1", quantity: 1 };
    const filled = fillLineDetails([own, other], [pixelLine]);
    expect(filled).toEqual([{ ...own, productHandle: "jordans" }, other]);
    const untouched = [other];
    expect(fillLineDetails(untouched, [pixelLine])).toBe(untouched);
  });

  it("returns the same array when nothing was missing", () => {
    const lines = [pixelLine];
    expect(fillLineDetails(lines, [webhookLine])).toBe(lines);
  });
});

describe("merging lines across channels", () => {
  it("a trusted source's lines win, with the pixel's image and handle kept, in either order", () => {
    const pixelFirst = mergeObservation(mergeObservation(emptyCheckoutState(), observe("pixel", 1, [pixelLine])).state, observe("webhook", 2, [webhookLine]));
    const webhookFirst = mergeObservation(mergeObservation(emptyCheckoutState(), observe("webhook", 1, [webhookLine])).state, observe("pixel", 2, [pixelLine]));
    for (const result of [pixelFirst, webhookFirst]) {
      expect(result.state.fields.lines).toEqual([{ ...webhookLine, imageUrl: pixelLine.imageUrl, productHandle: "jordans" }]);
      expect(result.state.fieldSources.lines?.source).toBe("webhook");
      expect(result.changedFields).toEqual(["lines"]);
    }
  });

  it("a pixel that adds nothing changes nothing", () => {
    const detailed = mergeObservation(
      emptyCheckoutState(),
      observe("webhook", 1, [{ ...webhookLine, imageUrl: "https://cdn.shopify.com/own.webp", productHandle: "jordans" }]),
    );
    const again = mergeObservation(detailed.state, observe("pixel", 2, [pixelLine]));
    expect(again.changedFields).toEqual([]);
    expect(again.state.fields.lines).toBe(detailed.state.fields.lines);
  });
});
