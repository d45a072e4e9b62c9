import { Badge } from "@shopify/polaris";

export type Tone = "success" | "critical" | "warning" | "attention" | "info" | undefined;

export interface StatusLook {
  tone: Tone;
  label: string;
}

/** A status as a Polaris badge; a status the table does not know shows as it is stored. */
export function StatusBadge({ status, looks }: { status: string; looks: Record<string, StatusLook> }) {
  const { tone, label } = looks[status] ?? { tone: undefined, label: status };
  return <Badge tone={tone}>{label}</Badge>;
}

const ENDPOINT_STATUS: Record<string, StatusLook> = {
  active: { tone: "success", label: "Active" },
  paused: { tone: "attention", label: "Paused" },
  disabled: { tone: "critical", label: "Disabled" },
};

export function EndpointStatusBadge({ status }: { status: string }) {
  return <StatusBadge status={status} looks={ENDPOINT_STATUS} />;
}

export function deliveryStatusBadge(status: string, attemptCount: number): StatusLook {
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
