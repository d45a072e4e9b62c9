// The dashboard's setup checklist, pure: each step is done when stored rows show it.

export interface OnboardingFacts {
  /** a checkout was captured by the checkout UI extension (Checkout.sources has "extension") */
  extensionSeen: boolean;
  /** Shopify accepted our web pixel (Shop.webPixelId is set) */
  pixelActive: boolean;
  /** endpoints of the shop that are active */
  activeEndpoints: number;
  /** a `test` delivery succeeded */
  testDelivered: boolean;
  /** Shop.shopifyPlus: false hides the extension step, which only Plus checkouts can run */
  shopifyPlus?: boolean | null;
}

export type OnboardingStepId = "extension" | "pixel" | "endpoint" | "test";

export interface OnboardingStep {
  id: OnboardingStepId;
  title: string;
  description: string;
  done: boolean;
  action: { label: string; url: string } | null;
}

export function onboardingSteps(facts: OnboardingFacts): { steps: OnboardingStep[]; done: number; complete: boolean } {
  const steps: OnboardingStep[] = [
    {
      id: "extension",
      title: "Add the Cart Relay block to checkout",
      description:
        "In the checkout editor, add the Cart Relay block (Shopify Plus). It captures the buyer's contact and WhatsApp opt-in as they type, with the words the buyer agreed to. To keep the opt-in on the customer in Shopify too, turn on WhatsApp consent in Shopify in Settings. Done once a checkout arrives through it.",
      done: facts.extensionSeen,
      action: null,
    },
    {
      id: "pixel",
      title: "Activate the checkout pixel",
      description: "The pixel captures checkouts on every plan. Activate it once from Settings.",
      done: facts.pixelActive,
      action: { label: "Open settings", url: "/app/settings" },
    },
    {
      id: "endpoint",
      title: "Connect a WhatsApp BSP",
      description:
        "Add the webhook URL of Spur, LimeChat, Gupshup, Wati, Interakt, BiteSpeed, AiSensy, Whitespeed or any HTTPS endpoint. Automating in Shopify Flow too? Turn on the Flow triggers (Checkout abandoned, Checkout recovered) in Settings.",
      done: facts.activeEndpoints > 0,
      action: { label: "Add endpoint", url: "/app/endpoints/new" },
    },
    {
      id: "test",
      title: "Send a test event",
      description: "Open the endpoint and press Send test: your BSP receives a signed sample cart and answers 2xx.",
      done: facts.testDelivered,
      action: { label: "View endpoints", url: "/app/endpoints" },
    },
  ];
  const required = facts.shopifyPlus === false ? steps.filter((step) => step.id !== "extension") : steps;
  const done = required.filter((step) => step.done).length;
  return { steps: required, done, complete: done === required.length };
}
