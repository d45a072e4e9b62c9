import { Badge, BlockStack, IndexTable, InlineStack, Text } from "@shopify/polaris";
import type { AsSent } from "../../admin/as-sent";
import { formatDateTime, formatMoney } from "../../admin/format";
import { StatusBadge, type StatusLook } from "../../admin/StatusBadge";
import { OptedOut } from "./OptedOut";
import type { listCheckouts, MessageSummary } from "./queries.server";

type CheckoutListItem = AsSent<ReturnType<typeof listCheckouts>>["checkouts"][number];

const SOURCE_LABELS: Record<string, string> = { extension: "checkout block", pixel: "pixel", webhook: "Shopify webhook" };

type PartialCapture = CheckoutListItem["partial"];

/** A checkout without phone or email: what was captured so far, so a ZIP-only checkout is visible. */
function PartialBuyer({ partial }: { partial: PartialCapture }) {
  const place = [partial.zip ? `ZIP ${partial.zip}` : null, partial.city, partial.countryCode].filter(Boolean).join(", ");
  const known = [
    partial.firstName,
    place || null,
    partial.lineCount > 0 ? `${partial.lineCount} ${partial.lineCount === 1 ? "item" : "items"} in cart` : null,
  ].filter(Boolean);
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued">
        No phone or email yet
      </Text>
      <Text as="span" variant="bodySm" tone="subdued">
        {known.length > 0 ? known.join(" · ") : "nothing else captured"}
      </Text>
    </BlockStack>
  );
}

function Consent({ label, value }: { label: string; value: boolean | null }) {
  return <Badge tone={value === true ? "success" : undefined}>{`${label} ${value === true ? "yes" : value === false ? "no" : "?"}`}</Badge>;
}

function Message({ message }: { message: MessageSummary | null }) {
  if (!message)
    return (
      <Text as="span" tone="subdued">
        Not sent
      </Text>
    );
  if (message.endpoints === 0)
    return (
      <Text as="span" tone="subdued">
        No endpoint wanted it
      </Text>
    );
  const of = message.endpoints > 1 ? ` (${message.endpoints} endpoints)` : "";
  if (message.delivered > 0) return <Badge tone="success">{`Delivered to ${message.delivered} of ${message.endpoints}`}</Badge>;
  if (message.pending > 0) return <Badge tone="attention">{`Retrying${of}`}</Badge>;
  if (message.failed > 0) return <Badge tone="critical">{`Failed${of}`}</Badge>;
  return <Badge>{`Cancelled${of}`}</Badge>;
}

const CHECKOUT_STATUS: Record<string, StatusLook> = {
  open: { tone: "info", label: "Open" },
  abandoned: { tone: "warning", label: "Abandoned" },
  converted: { tone: undefined, label: "Converted" },
  recovered: { tone: "success", label: "Recovered" },
};

function CheckoutStatusBadge({ status }: { status: string }) {
  return <StatusBadge status={status} looks={CHECKOUT_STATUS} />;
}

/** One checkout of the list: who, what, consent, status, the message sent and the order that followed. */
export function CheckoutRow({ checkout, index, timeZone }: { checkout: CheckoutListItem; index: number; timeZone: string }) {
  return (
    <IndexTable.Row id={String(checkout.id)} key={checkout.id} position={index}>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Text as="span" fontWeight="semibold">
            #{checkout.id}
          </Text>
          <Text as="span" variant="bodySm" tone="subdued">
            {formatDateTime(checkout.createdAt, timeZone)}
          </Text>
          <Text as="span" variant="bodySm" tone="subdued">
            {`via ${checkout.sources.map((source) => SOURCE_LABELS[source] ?? source).join(", ") || "unknown"}`}
          </Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {checkout.phone || checkout.email ? (
          <BlockStack gap="050">
            <Text as="span">{checkout.phone ?? "no phone"}</Text>
            {checkout.optedOut ? <OptedOut optedOut={checkout.optedOut} timeZone={timeZone} /> : null}
            <Text as="span" variant="bodySm" tone="subdued">
              {checkout.email ?? "no email"}
            </Text>
          </BlockStack>
        ) : (
          <PartialBuyer partial={checkout.partial} />
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {formatMoney(checkout.total, checkout.currency)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <InlineStack gap="100" wrap={false}>
          <Consent label="WhatsApp" value={checkout.consent.whatsapp} />
          <Consent label="SMS" value={checkout.consent.sms} />
          <Consent label="Email" value={checkout.consent.email} />
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <InlineStack>
            <CheckoutStatusBadge status={checkout.status} />
          </InlineStack>
          {checkout.collapsed ? (
            <Text as="span" variant="bodySm" tone="subdued">
              merged into a newer checkout
            </Text>
          ) : null}
          {checkout.recovery.map((note) => (
            <Text key={note} as="span" variant="bodySm" tone="subdued">
              {note}
            </Text>
          ))}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Message message={checkout.message} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        {checkout.order ? (
          <BlockStack gap="050">
            <Text as="span">{checkout.order.name}</Text>
            <Text as="span" variant="bodySm" tone="subdued">
              {formatMoney(checkout.order.total, checkout.order.currency)}
            </Text>
          </BlockStack>
        ) : (
          <Text as="span" tone="subdued">
            —
          </Text>
        )}
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}
