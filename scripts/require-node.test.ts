import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { nodeVersionProblem } from "./require-node.mjs";

describe("the Node version check before the demo and the tests", () => {
  it("names the version needed and where to get it on an older Node, and passes a new enough one", () => {
    expect(nodeVersionProblem("v20.20.2", ">=24")).toBe(
      `Cart Relay needs Node 24 or newer; this is Node 20.20.2. README's "The two commands" says how to get it (nvm install, or from the npm registry).`,
    );
    expect(nodeVersionProblem("v24.22.3", ">=24")).toBeNull();
    expect(nodeVersionProblem("v26.0.0", ">=24")).toBeNull();
  });

  it("lets this Node through (the suite runs on a supported one)", () => {
    expect(execFileSync(process.execPath, ["scripts/require-node.mjs"], { encoding: "utf8" })).toBe("");
  });
});
