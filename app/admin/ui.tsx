import { useCallback, useState } from "react";
import { isRouteErrorResponse, useRouteError, type SubmitFunction } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, InlineStack, Page, Pagination, Text, TextField } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

/** A JSON body for `submit(..., { encType: "application/json" })`; form value interfaces lack an index signature. */
export const jsonTarget = (body: object) => body as Parameters<SubmitFunction>[0];

type Tone = "success" | "critical" | "warning" | "attention" | "info" | undefined;

const ENDPOINT_STATUS: Record<string, { tone: Tone; label: string }> = {
  active: { tone: "success", label: "Active" },
  paused: { tone: "attention", label: "Paused" },
  disabled: { tone: "critical", label: "Disabled" },
};

export function EndpointStatusBadge({ status }: { status: string }) {
  const { tone, label } = ENDPOINT_STATUS[status] ?? { tone: undefined, label: status };
  return <Badge tone={tone}>{label}</Badge>;
}

export function deliveryStatusBadge(status: string, attemptCount: number): { tone: Tone; label: string } {
  switch (status) {
    case "succeeded":
      return { tone: "success", label: "Delivered" };
    case "failed":
      return { tone: "critical", label: "Failed" };
    case "pending":
      return attemptCount > 0 ? { tone: "warning", label: "Retrying" } : { tone: "info", label: "Queued" };
    case "in_flight":
      return { tone: "info", label: "Sending" };
    case "cancelled_converted":
      return { tone: undefined, label: "Cancelled: ordered" };
    case "expired":
      return { tone: "warning", label: "Expired" };
    case "cancelled":
      return { tone: undefined, label: "Cancelled" };
    default:
      return { tone: undefined, label: status };
  }
}

export function DeliveryStatusBadge({ status, attemptCount }: { status: string; attemptCount: number }) {
  const { tone, label } = deliveryStatusBadge(status, attemptCount);
  return <Badge tone={tone}>{label}</Badge>;
}

const CHECKOUT_STATUS: Record<string, { tone: Tone; label: string }> = {
  open: { tone: "info", label: "Open" },
  abandoned: { tone: "warning", label: "Abandoned" },
  converted: { tone: undefined, label: "Converted" },
  recovered: { tone: "success", label: "Recovered" },
};

export function CheckoutStatusBadge({ status }: { status: string }) {
  const { tone, label } = CHECKOUT_STATUS[status] ?? { tone: undefined, label: status };
  return <Badge tone={tone}>{label}</Badge>;
}

/** App Bridge's toast when the admin provides it (it always does when embedded). */
export function showToast(message: string, options: { isError?: boolean } = {}) {
  if (typeof window !== "undefined" && typeof window.shopify?.toast?.show === "function") {
    window.shopify.toast.show(message, { isError: options.isError });
  }
}

/** A secret shown this once, with a copy button; the text stays selectable where the clipboard is refused. */
export function SecretReveal({ secret, label = "Signing secret" }: { secret: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = useCallback(async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
      showToast("Secret copied");
    } catch {
      setCopied(false);
      showToast("Copy was blocked: select the secret and copy it by hand", { isError: true });
    }
  }, [secret]);
  return (
    <Banner tone="warning" title="Copy this secret now: it will not be shown again">
      <BlockStack gap="200">
        <TextField
          label={label}
          value={secret}
          readOnly
          autoComplete="off"
          monospaced
          selectTextOnFocus
          connectedRight={<Button onClick={copy}>{copied ? "Copied" : "Copy"}</Button>}
        />
        <Text as="p" variant="bodySm" tone="subdued">
          Paste it into your BSP's webhook settings. It verifies the x-webhook-signature header on every event.
        </Text>
      </BlockStack>
    </Banner>
  );
}

/**
 * Route error boundary: a 404 (another shop's id or a deleted one) reads as
 * a Polaris page; Shopify's auth responses go to the library's boundary.
 */
export function AdminErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && (error.status === 404 || error.status === 400)) {
    const message = typeof error.data === "object" && error.data && "error" in error.data ? String(error.data.error) : "Not found";
    return (
      <Page title={error.status === 404 ? "Not found" : "Bad request"} backAction={{ content: "Dashboard", url: "/app" }}>
        <Card>
          <BlockStack gap="200">
            <Text as="p">{message.charAt(0).toUpperCase() + message.slice(1)}.</Text>
            <Text as="p" tone="subdued">
              It may have been deleted, or it belongs to another store.
            </Text>
          </BlockStack>
        </Card>
      </Page>
    );
  }
  return boundary.error(error);
}

/** The footer of a paged list; nothing when everything fits on one page. */
export function TablePagination({
  page,
  hasPrevious,
  hasNext,
  onPage,
}: {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPage: (page: number) => void;
}) {
  if (!hasPrevious && !hasNext) return null;
  return (
    <Box padding="300" borderBlockStartWidth="025" borderColor="border">
      <InlineStack align="center">
        <Pagination hasPrevious={hasPrevious} hasNext={hasNext} onPrevious={() => onPage(page - 1)} onNext={() => onPage(page + 1)} label={`Page ${page}`} />
      </InlineStack>
    </Box>
  );
}
