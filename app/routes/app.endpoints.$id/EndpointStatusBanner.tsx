import { Banner } from "@shopify/polaris";

/** Why nothing is sent to a disabled or paused endpoint, and the way back. */
export function EndpointStatusBanner({ status, disabledReason, onResume }: { status: string; disabledReason: string | null; onResume: () => void }) {
  if (status === "disabled") {
    return (
      <Banner tone="critical" title="This endpoint is disabled" action={{ content: "Resume", onAction: onResume }}>
        <p>{disabledReason ?? "Deliveries stopped."} Resume it once the receiver works again; failed deliveries can be resent from the delivery log.</p>
      </Banner>
    );
  }
  if (status === "paused") {
    return (
      <Banner tone="warning" title="This endpoint is paused">
        <p>New events are not sent to it. Tests and receiver checks still work.</p>
      </Banner>
    );
  }
  return null;
}
