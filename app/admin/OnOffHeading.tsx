import { Badge, InlineStack, Text } from "@shopify/polaris";

/** A switchable feature's name with an On / Off badge, at the top of its Settings card. */
export function OnOffHeading({ label, on }: { label: string; on: boolean }) {
  return (
    <InlineStack gap="200" blockAlign="center">
      <Text as="span" fontWeight="semibold">
        {label}
      </Text>
      <Badge tone={on ? "success" : undefined}>{on ? "On" : "Off"}</Badge>
    </InlineStack>
  );
}
