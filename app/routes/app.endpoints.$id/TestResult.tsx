import { Banner, BlockStack, Box, Link, Text } from "@shopify/polaris";
import { formatDateTime, formatDuration, resultLabel } from "../../admin/format";
import type { EndpointAnswerData } from "./use-endpoint-intent";

/** What "Send test" did: delivered, refused by the receiver, or waiting for quiet hours to end. */
export function TestResult({ data, timeZone }: { data: EndpointAnswerData; timeZone: string }) {
  if (!data || !("test" in data)) return null;
  const { test } = data;
  if (test.status === "pending") {
    return (
      <Banner tone="info" title="The test is waiting for quiet hours to end">
        <p>It will be sent at {formatDateTime(test.nextAttemptAt, timeZone)}; it is in the delivery log.</p>
      </Banner>
    );
  }
  return (
    <Banner
      tone={test.delivered ? "success" : "critical"}
      title={
        test.delivered
          ? `Delivered: ${resultLabel(test.statusCode, null)} in ${formatDuration(test.durationMs)}`
          : `Not delivered: ${test.errorMessage ?? resultLabel(test.statusCode, test.errorKind)}`
      }
    >
      <BlockStack gap="200">
        {test.responseStart ? (
          <Box background="bg-surface-secondary" padding="200" borderRadius="200">
            <Text as="p" variant="bodySm" breakWord>
              <code>{test.responseStart}</code>
            </Text>
          </Box>
        ) : (
          <Text as="p" variant="bodySm" tone="subdued">
            No response body.
          </Text>
        )}
        <Link url={`/app/deliveries/${test.deliveryId}`}>View in the delivery log</Link>
      </BlockStack>
    </Banner>
  );
}

/** Why a test or check was not run (the shop's budget is spent). */
export function Refused({ data }: { data: EndpointAnswerData }) {
  if (!data || !("refused" in data)) return null;
  return <Banner tone="warning" title={data.refused} />;
}
