import { Banner, Box, Button, InlineStack, Text } from "@shopify/polaris";
import type { EndpointFormValues } from "../../admin/endpoint-form";
import { EndpointForm, type EndpointFormOptions } from "../../admin/EndpointForm";
import { summarize, type FieldErrors } from "../../admin/field-errors";

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
      {Object.keys(errors).length > 0 ? (
        <Banner tone="critical" title="The changes were not saved">
          <p>{summarize(errors)}</p>
        </Banner>
      ) : null}
      <EndpointForm values={values} onChange={onChange} errors={errors} options={options} />
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
