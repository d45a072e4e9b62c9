import { BlockStack, Box, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { DashboardPage } from "./queries.server";

/** The setup steps still to do, with a button to each. */
export function Onboarding({ onboarding }: { onboarding: DashboardPage["onboarding"] }) {
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="200">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Set up Cart Relay
            </Text>
            <Text as="span" tone="subdued">
              {onboarding.done} of {onboarding.steps.length} done
            </Text>
          </InlineStack>
          <ProgressBar progress={(onboarding.done / onboarding.steps.length) * 100} size="small" tone="success" />
        </BlockStack>
        <BlockStack gap="300">
          {onboarding.steps.map((step) => (
            <InlineStack key={step.id} gap="300" wrap={false} blockAlign="start" align="space-between">
              <InlineStack gap="300" wrap={false} blockAlign="start">
                <Box minWidth="20px">
                  <Text as="span" tone={step.done ? "success" : "subdued"} fontWeight="bold">
                    {step.done ? "✓" : "○"}
                  </Text>
                </Box>
                <BlockStack gap="050">
                  <Text as="p" fontWeight="semibold" tone={step.done ? "subdued" : undefined}>
                    {step.title}
                  </Text>
                  <Text as="p" variant="bodySm" tone="subdued">
                    {step.description}
                  </Text>
                </BlockStack>
              </InlineStack>
              {!step.done && step.action ? <Button url={step.action.url}>{step.action.label}</Button> : null}
            </InlineStack>
          ))}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
