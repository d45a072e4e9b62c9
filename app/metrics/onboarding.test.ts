import { describe, expect, it } from "vitest";
import { onboardingSteps } from "./onboarding";

const none = { extensionSeen: false, pixelActive: false, activeEndpoints: 0, testDelivered: false };

describe("onboarding checklist", () => {
  it.each([
    [none, [false, false, false, false], false],
    [{ ...none, pixelActive: true, activeEndpoints: 2 }, [false, true, true, false], false],
    [{ extensionSeen: true, pixelActive: true, activeEndpoints: 1, testDelivered: true }, [true, true, true, true], true],
  ])("%o", (facts, done, complete) => {
    const checklist = onboardingSteps(facts);
    expect(checklist.steps.map((step) => step.done)).toEqual(done);
    expect(checklist.done).toBe(done.filter(Boolean).length);
    expect(checklist.complete).toBe(complete);
  });

  it("leaves out the checkout block on stores without Shopify Plus, so the checklist can finish", () => {
    const checklist = onboardingSteps({ extensionSeen: false, pixelActive: true, activeEndpoints: 1, testDelivered: true, shopifyPlus: false });
    expect(checklist.steps.map((step) => step.id)).toEqual(["pixel", "endpoint", "test"]);
    expect(checklist.complete).toBe(true);
  });

  it("names the four steps in order", () => {
    expect(onboardingSteps(none).steps.map((step) => step.id)).toEqual(["extension", "pixel", "endpoint", "test"]);
  });
});
