import { useState } from "react";
import { BlockStack, Button, InlineGrid, InlineStack, Select, Text } from "@shopify/polaris";
import { fieldRuleLabel, type EndpointFormValues } from "./endpoint-form";
import type { FieldErrors } from "./field-errors";

type FieldRule = "send" | "mask" | "drop";

const RULE_OPTIONS = [
  { label: "Send", value: "send" },
  { label: "Mask", value: "mask" },
  { label: "Drop", value: "drop" },
];

function ruleOf(values: EndpointFormValues, path: string): FieldRule {
  if (values.dropFields.includes(path)) return "drop";
  if (values.maskFields.includes(path)) return "mask";
  return "send";
}

/** Which payload fields this endpoint gets masked or dropped: a summary, and on demand a rule per field. */
export function EndpointFieldRules({
  values,
  onChange,
  errors,
  fieldPaths,
}: {
  values: EndpointFormValues;
  onChange: (values: EndpointFormValues) => void;
  errors: FieldErrors;
  fieldPaths: string[];
}) {
  const [showFields, setShowFields] = useState(values.dropFields.length + values.maskFields.length > 0);
  const setRule = (path: string, rule: FieldRule) =>
    onChange({
      ...values,
      dropFields: rule === "drop" ? [...values.dropFields.filter((p) => p !== path), path] : values.dropFields.filter((p) => p !== path),
      maskFields: rule === "mask" ? [...values.maskFields.filter((p) => p !== path), path] : values.maskFields.filter((p) => p !== path),
    });
  const ruleSummary =
    values.dropFields.length + values.maskFields.length === 0
      ? "Every field is sent as captured."
      : `${values.maskFields.length} masked, ${values.dropFields.length} dropped (sent as an empty string).`;
  return (
    <BlockStack gap="300">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="p" tone={errors.dropFields || errors.maskFields ? "critical" : "subdued"}>
          {errors.dropFields ?? errors.maskFields ?? ruleSummary}
        </Text>
        <Button variant="plain" onClick={() => setShowFields((shown) => !shown)}>
          {showFields ? "Hide fields" : "Choose fields"}
        </Button>
      </InlineStack>
      {showFields ? (
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
          {fieldPaths.map((path) => (
            <Select
              key={path}
              label={fieldRuleLabel(path)}
              helpText={
                <Text as="span" variant="bodySm" tone="subdued">
                  <code>{path}</code>
                </Text>
              }
              options={RULE_OPTIONS}
              value={ruleOf(values, path)}
              onChange={(rule) => setRule(path, rule as FieldRule)}
            />
          ))}
        </InlineGrid>
      ) : null}
    </BlockStack>
  );
}
