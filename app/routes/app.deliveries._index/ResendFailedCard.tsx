import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { postJson } from "../../admin/json-submit";
import type { ResendAnswer } from "./resend-answer";

/** After a receiver is fixed: every failed cart event of one endpoint since a time is sent again. */
export function ResendFailedCard({
  endpoints,
  endpointId,
  sinceDefault,
  timeZone,
}: {
  endpoints: { id: string; name: string; status: string }[];
  /** the endpoint the log is filtered to, if any */
  endpointId: string;
  sinceDefault: string;
  timeZone: string;
}) {
  const bulk = useFetcher<ResendAnswer>();
  const activeEndpoints = endpoints.filter((endpoint) => endpoint.status === "active");
  const [bulkEndpoint, setBulkEndpoint] = useState(endpointId || activeEndpoints[0]?.id || "");
  const [since, setSince] = useState(sinceDefault);
  const endpointName = (id: string) => endpoints.find((endpoint) => endpoint.id === id)?.name ?? "";
  return (
    <Card>
      <BlockStack gap="300">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Resend failed deliveries
          </Text>
          <Text as="p" tone="subdued">
            After fixing a receiver: every failed cart event of one endpoint created since the time you pick is sent again, with the same event id (the
            idempotency key) and body. Checkouts ordered meanwhile are skipped.
          </Text>
        </BlockStack>
        {activeEndpoints.length === 0 ? (
          <Text as="p" tone="subdued">
            No active endpoint: resume one first.
          </Text>
        ) : (
          <InlineStack gap="300" blockAlign="end">
            <Box minWidth="220px">
              <Select
                label="Endpoint"
                options={activeEndpoints.map((endpoint) => ({ label: endpoint.name, value: endpoint.id }))}
                value={bulkEndpoint || activeEndpoints[0].id}
                onChange={setBulkEndpoint}
              />
            </Box>
            <TextField label={`Failed since (${timeZone})`} type="datetime-local" value={since} onChange={setSince} autoComplete="off" />
            <Button
              loading={bulk.state !== "idle"}
              onClick={() => postJson(bulk, { intent: "resendFailed", endpointId: bulkEndpoint || activeEndpoints[0].id, since })}
            >
              Resend failed
            </Button>
          </InlineStack>
        )}
        {bulk.data && bulk.state === "idle" ? (
          bulk.data.ok ? (
            <Banner tone={bulk.data.resent > 0 ? "success" : "info"}>
              <p>
                {bulk.data.resent > 0
                  ? `${bulk.data.resent} failed ${bulk.data.resent === 1 ? "delivery is" : "deliveries are"} queued and will be sent within seconds.`
                  : `No failed deliveries of ${endpointName(bulkEndpoint)} since then.`}
              </p>
            </Banner>
          ) : (
            <Banner tone="critical">
              <p>{bulk.data.error}</p>
            </Banner>
          )
        ) : null}
      </BlockStack>
    </Card>
  );
}
