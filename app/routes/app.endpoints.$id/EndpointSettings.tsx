import { Box, Button, InlineStack, Text } from "@shopify/polaris";
import type { EndpointFormValues } from "../../admin/endpoint-form";
import { EndpointForm, type EndpointFormOptions } from "../../admin/EndpointForm";
import type { FieldErrors } from "../../admin/field-errors";

interface EndpointSettingsProps {
  values: EndpointFormValues;
  onChange: (values: EndpointFormValues) => void;
  errors: FieldErrors;
  options: EndpointFormOptions;
  dirty: boolean;
  saving: boolean;
  onSave: () => void;
  onDiscard: () => void;
}

/** The endpoint's form, what the last refused save said, and its own Save and Discard. */
export function EndpointSettings({ values, onChange, errors, options, dirty, saving, onSave, onDiscard }: EndpointSettingsProps) {
  return (
    <>
      <Text as="h2" variant="headingLg">
        Settings
      </Text>
      <EndpointForm values={values} onChange={onChange} errors={errors} options={options} refusedTitle="The changes were not saved" />
      <Box paddingBlockEnd="800">
        <InlineStack align="end" gap="200">
          <Button onClick={onDiscard} disabled={!dirty}>
            Discard
          </Button>
          <Button variant="primary" onClick={onSave} loading={saving} disabled={!dirty}>
            Save
          </Button>
        </InlineStack>
      </Box>
    </>
  );
}
