import { Card, EmptyState } from "@shopify/polaris";

/** What Cart Relay does, for a shop that has connected nothing yet. */
export function WelcomeCard() {
  return (
    <Card>
      <EmptyState
        heading="Recover abandoned checkouts on WhatsApp"
        action={{ content: "Connect a BSP", url: "/app/endpoints/new" }}
        secondaryAction={{ content: "Settings", url: "/app/settings" }}
        image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
      >
        <p>
          Cart Relay captures what buyers type into checkout, notices when they leave without ordering, and sends a signed abandonedCheckout event to Spur,
          LimeChat, Gupshup, Wati, Interakt, BiteSpeed, AiSensy, Whitespeed or any HTTPS endpoint.
        </p>
      </EmptyState>
    </Card>
  );
}
