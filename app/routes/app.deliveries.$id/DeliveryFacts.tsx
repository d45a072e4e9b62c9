import type { ReactNode } from "react";
import { BlockStack, Card, InlineGrid, Link, Text } from "@shopify/polaris";
import type { AsSent } from "../../admin/as-sent";
import { formatDateTime } from "../../admin/format";
import type { deliveryPage } from "./queries.server";

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" breakWord>
        {children}
      </Text>
    </BlockStack>
  );
}

/** What the delivery is: its event id, endpoint, checkout, attempts and what happens next. */
export function DeliveryFacts({ delivery, timeZone }: { delivery: AsSent<ReturnType<typeof deliveryPage>>["delivery"]; timeZone: string }) {
  return (
    <Card>
      <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
        <Field label="Event id (x-idempotency-key)">
          <code>{delivery.event.id}</code>
        </Field>
        <Field label="Endpoint">
          <Link url={`/app/endpoints/${delivery.endpoint.id}`}>{delivery.endpoint.name}</Link> · {delivery.endpoint.method} {delivery.endpoint.url}
        </Field>
        <Field label="Checkout">{delivery.event.checkoutId ? `#${delivery.event.checkoutId}` : delivery.event.test ? "Test event" : "—"}</Field>
        <Field label="Attempts">{String(delivery.attemptCount)}</Field>
        <Field label="First 2xx">{formatDateTime(delivery.firstSuccessAt, timeZone)}</Field>
        <Field label={delivery.status === "pending" ? "Next attempt" : "Event expires"}>
          {formatDateTime(delivery.status === "pending" ? delivery.nextAttemptAt : delivery.event.expiresAt, timeZone)}
        </Field>
      </InlineGrid>
    </Card>
  );
}
