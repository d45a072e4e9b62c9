import { Badge, Banner, BlockStack, DataTable, Text } from "@shopify/polaris";
import { formatDuration, resultLabel } from "../../admin/format";
import type { ReceiverCheckKind } from "../../delivery/receiver-check.server";
import type { EndpointAnswerData } from "./use-endpoint-intent";

const CHECK_LABELS: Record<ReceiverCheckKind, { title: string; why: string }> = {
  valid: { title: "Valid event", why: "signed with your secret, current timestamp" },
  bad_signature: { title: "Bad signature", why: "signed with a different secret" },
  stale_timestamp: { title: "Stale timestamp", why: "correct signature, timestamp 1 hour old" },
};

function CheckVerdict({ acceptsForged, passed }: { acceptsForged: boolean; passed: boolean }) {
  if (acceptsForged) {
    return (
      <Banner tone="critical" title="This receiver accepts forged events">
        <p>
          It answered 2xx to an event it should have refused, so anyone who learns its URL can send it fake carts. Make it verify x-webhook-signature against
          the raw body and reject timestamps more than 5 minutes old.
        </p>
      </Banner>
    );
  }
  return passed ? (
    <Banner tone="success" title="The receiver verifies our signature">
      <p>It accepted the valid event and refused both forgeries.</p>
    </Banner>
  ) : (
    <Banner tone="warning" title="The receiver check did not pass">
      <p>See which request was not answered as expected.</p>
    </Banner>
  );
}

/** "Check receiver": the valid event and the two forgeries, each with how it was answered. */
export function CheckResult({ data }: { data: EndpointAnswerData }) {
  if (!data || !("check" in data)) return null;
  const { check } = data;
  return (
    <BlockStack gap="300">
      <CheckVerdict acceptsForged={check.acceptsForged} passed={check.passed} />
      <DataTable
        columnContentTypes={["text", "text", "text", "text", "text"]}
        headings={["Request", "Expected", "Answer", "Time", "Result"]}
        rows={check.steps.map((step) => [
          <BlockStack gap="050" key={step.check}>
            <Text as="span" fontWeight="semibold">
              {CHECK_LABELS[step.check].title}
            </Text>
            <Text as="span" variant="bodySm" tone="subdued">
              {CHECK_LABELS[step.check].why}
            </Text>
          </BlockStack>,
          step.expected,
          step.errorMessage && step.statusCode === null ? step.errorMessage : resultLabel(step.statusCode, step.errorKind),
          formatDuration(step.durationMs),
          <Badge key={`${step.check}-result`} tone={step.passed ? "success" : "critical"}>
            {step.passed ? "Pass" : "Fail"}
          </Badge>,
        ])}
      />
    </BlockStack>
  );
}
