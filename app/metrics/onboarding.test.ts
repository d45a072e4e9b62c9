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

  it("names the four steps in order", () => {
    expect(onboardingSteps(none).steps.map((step) => step.id)).toEqual(["extension", "pixel", "endpoint", "test"]);
  });
});
