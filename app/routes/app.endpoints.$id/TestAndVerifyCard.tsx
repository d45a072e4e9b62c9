import { BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { CheckResult } from "./CheckResult";
import { Refused, TestResult } from "./TestResult";
import { useEndpointIntent } from "./use-endpoint-intent";

/** "Send test" and "Check receiver", each answered beside its button. */
export function TestAndVerifyCard({ timeZone }: { timeZone: string }) {
  const test = useEndpointIntent();
  const check = useEndpointIntent();
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Test and verify
          </Text>
          <Text as="p" tone="subdued">
            Send test delivers a signed sample cart now and logs it. Check receiver also sends two forgeries, which a safe receiver must refuse with 4xx.
          </Text>
        </BlockStack>
        <InlineStack gap="200">
          <Button variant="primary" onClick={() => test.run({ intent: "test" })} loading={test.busy}>
            Send test
          </Button>
          <Button onClick={() => check.run({ intent: "check" })} loading={check.busy}>
            Check receiver
          </Button>
        </InlineStack>
        <Refused data={test.data} />
        <TestResult data={test.data} timeZone={timeZone} />
        <Refused data={check.data} />
        <CheckResult data={check.data} />
      </BlockStack>
    </Card>
  );
}
