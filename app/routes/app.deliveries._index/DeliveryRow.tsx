import { useEffect } from "react";
import { useFetcher } from "@remix-run/react";
import { Button, IndexTable, InlineStack, Link, Text } from "@shopify/polaris";
import type { AsSent } from "../../admin/as-sent";
import { isResendable } from "../../delivery/delivery-statuses";
import { formatDateTime, resultLabel, topicLabel } from "../../admin/format";
import { postJson } from "../../admin/json-submit";
import { DeliveryStatusBadge } from "../../admin/StatusBadge";
import { showToast } from "../../admin/toast";
import type { ResendAnswer } from "./resend-answer";
import type { deliveryLog } from "./queries.server";

type DeliveryListItem = AsSent<ReturnType<typeof deliveryLog>>["deliveries"][number];

function ResendButton({ deliveryId }: { deliveryId: string }) {
  const fetcher = useFetcher<ResendAnswer>();
  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok) showToast("Delivery queued to resend");
    else showToast(fetcher.data.error, { isError: true });
  }, [fetcher.state, fetcher.data]);
  return (
    <Button size="slim" loading={fetcher.state !== "idle"} onClick={() => postJson(fetcher, { intent: "resend", deliveryId })}>
      Resend
    </Button>
  );
}

/** One delivery of the log, with a resend button where a resend can help. */
export function DeliveryRow({ delivery, index, timeZone }: { delivery: DeliveryListItem; index: number; timeZone: string }) {
  return (
    <IndexTable.Row id={delivery.id} key={delivery.id} position={index}>
      <IndexTable.Cell>
        <Link url={`/app/deliveries/${delivery.id}`} removeUnderline>
          {formatDateTime(delivery.createdAt, timeZone)}
        </Link>
      </IndexTable.Cell>
      <IndexTable.Cell>{delivery.endpoint.name}</IndexTable.Cell>
      <IndexTable.Cell>
        <InlineStack gap="100">
          <Text as="span">{topicLabel(delivery.topic)}</Text>
          {delivery.event.checkoutId ? (
            <Text as="span" tone="subdued">
              #{delivery.event.checkoutId}
            </Text>
          ) : null}
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <DeliveryStatusBadge status={delivery.status} attemptCount={delivery.attemptCount} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {delivery.attemptCount}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{resultLabel(delivery.lastStatusCode, delivery.lastErrorKind)}</IndexTable.Cell>
      <IndexTable.Cell>{delivery.status === "pending" ? formatDateTime(delivery.nextAttemptAt, timeZone) : "—"}</IndexTable.Cell>
      <IndexTable.Cell>{isResendable(delivery.status) ? <ResendButton deliveryId={delivery.id} /> : null}</IndexTable.Cell>
    </IndexTable.Row>
  );
}
