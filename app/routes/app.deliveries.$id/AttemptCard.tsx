import { Badge, BlockStack, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { AsSent } from "../../admin/as-sent";
import { formatDateTime, formatDuration, resultLabel } from "../../admin/format";
import { Code } from "./Code";
import type { deliveryPage } from "./queries.server";

type Attempt = AsSent<ReturnType<typeof deliveryPage>>["delivery"]["attempts"][number];

/** One attempt: its answer, how long it took, the response excerpt and the headers sent. */
export function AttemptCard({ attempt, timeZone }: { attempt: Attempt; timeZone: string }) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingSm">
              Attempt {attempt.number}
            </Text>
            <Badge tone={attempt.errorKind === null && attempt.statusCode !== null ? "success" : "critical"}>
              {resultLabel(attempt.statusCode, attempt.errorKind)}
            </Badge>
            <Text as="span" tone="subdued">
              {formatDuration(attempt.durationMs)}
            </Text>
          </InlineStack>
          <Text as="span" tone="subdued" variant="bodySm">
            {formatDateTime(attempt.startedAt, timeZone)}
          </Text>
        </InlineStack>
        {attempt.errorMessage ? (
          <Text as="p" tone="critical">
            {attempt.errorMessage}
          </Text>
        ) : null}
        <BlockStack gap="100">
          <Text as="span" variant="bodySm" tone="subdued">
            Response (first 4 KB)
          </Text>
          <Code>{attempt.responseExcerpt || "(empty)"}</Code>
        </BlockStack>
        <BlockStack gap="100">
          <Text as="span" variant="bodySm" tone="subdued">
            Request headers (signatures and secret-looking values redacted)
          </Text>
          <DataTable
            columnContentTypes={["text", "text"]}
            headings={["Header", "Value"]}
            rows={Object.entries(attempt.requestHeaders).map(([name, value]) => [<code key={name}>{name}</code>, value])}
            increasedTableDensity
          />
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
