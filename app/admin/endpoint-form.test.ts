import { describe, expect, it } from "vitest";
import { FIELD_RULE_PATHS } from "../events/payload/field-rules";
import { FIELD_RULE_LABELS, fieldRuleLabel } from "./endpoint-form";

describe("field rule labels", () => {
  it("give every path a merchant can mask or drop a human label, and no label for a path that does not exist", () => {
    for (const path of FIELD_RULE_PATHS) expect(fieldRuleLabel(path), path).not.toBe(path);
    expect(Object.keys(FIELD_RULE_LABELS).sort()).toEqual([...FIELD_RULE_PATHS].sort());
    expect(new Set(Object.values(FIELD_RULE_LABELS)).size).toBe(FIELD_RULE_PATHS.length);
  });
});
