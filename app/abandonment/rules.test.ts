import { describe, expect, it } from "vitest";
import { abandonDueAt, type AbandonmentCandidate } from "../capture/due-time";
import { hasMessagingConsent } from "../events/subscriptions";
import { MINUTE_MS } from "../time";
import { dedupeDecision, type SiblingCheckout } from "./rules";

const t = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, 0) + minute * 60_000);

describe("abandonDueAt", () => {
  const base: AbandonmentCandidate = {
    status: "open",
    email: "a@x.co",
    emailNormalized: "a@x.co",
    phone: null,
    trustedSeen: true,
    lastActivityAt: t(0),
    orderId: null,
  };
  const settings = { abandonAfterMinutes: 10, allowUntrustedEvents: false };

  it.each<[string, Partial<AbandonmentCandidate>, Partial<typeof settings>, Date | null]>([
    ["idle time after last activity", {}, {}, t(10)],
    ["the shop's own abandonAfter", {}, { abandonAfterMinutes: 60 }, t(60)],
    ["a phone alone is contact", { email: null, emailNormalized: null, phone: "+916000376569" }, {}, t(10)],
    ["the shipping address's phone is contact", { email: null, emailNormalized: null, phone: null, addressPhone: "+916000376569" }, {}, t(10)],
    ["an unparseable email is not", { emailNormalized: null }, {}, null],
    ["no contact, never", { email: null, emailNormalized: null }, {}, null],
    ["linked to an order, never", { orderId: "1" }, {}, null],
    ["already abandoned, never again", { status: "abandoned" }, {}, null],
    ["seen only by the pixel", { trustedSeen: false }, {}, null],
    ["seen only by the pixel, merchant allows it", { trustedSeen: false }, { allowUntrustedEvents: true }, t(10)],
  ])("%s", (_case, checkout, overrides, expected) => {
    expect(abandonDueAt({ ...base, ...checkout }, { ...settings, ...overrides }, MINUTE_MS)).toEqual(expected);
  });
});

it("counts abandonAfter in policy minutes, which the demo shortens to seconds", () => {
  const checkout: AbandonmentCandidate = {
    status: "open",
    email: "a@x.co",
    emailNormalized: "a@x.co",
    phone: null,
    trustedSeen: true,
    lastActivityAt: t(0),
    orderId: null,
  };
  expect(abandonDueAt(checkout, { abandonAfterMinutes: 5, allowUntrustedEvents: false }, 1000)).toEqual(new Date(t(0).getTime() + 5000));
});

describe("dedupeDecision", () => {
  const now = t(60);
  const sibling = (s: Partial<SiblingCheckout>): SiblingCheckout => ({
    id: 2,
    status: "open",
    lastActivityAt: t(0),
    orderCreatedAt: null,
    abandonedEventAt: null,
    ...s,
  });

  it.each<[string, SiblingCheckout[], ReturnType<typeof dedupeDecision>]>([
    ["no siblings: send", [], { action: "send" }],
    ["an older sibling never sent: send this, the newest", [sibling({ lastActivityAt: t(-30) })], { action: "send" }],
    [
      "the buyer was messaged 2 h ago for another checkout: suppress",
      [sibling({ status: "abandoned", abandonedEventAt: t(-60) })],
      { action: "suppress", intoId: 2 },
    ],
    ["messaged 25 h ago, outside the 24 h window: send", [sibling({ status: "abandoned", abandonedEventAt: t(-25 * 60) })], { action: "send" }],
    ["a newer open checkout of the same buyer: collapse into it", [sibling({ id: 3, lastActivityAt: t(40) })], { action: "collapse", intoId: 3 }],
    [
      "the newest of several newer ones wins",
      [sibling({ id: 3, lastActivityAt: t(40) }), sibling({ id: 4, lastActivityAt: t(45) })],
      { action: "collapse", intoId: 4 },
    ],
    [
      "the buyer ordered through a newer checkout: collapse",
      [sibling({ id: 5, status: "converted", lastActivityAt: t(30), orderCreatedAt: t(31) })],
      { action: "collapse", intoId: 5 },
    ],
  ])("%s", (_case, siblings, expected) => {
    expect(dedupeDecision({ lastActivityAt: t(20) }, siblings, now, 24)).toEqual(expected);
  });
});

describe("hasMessagingConsent", () => {
  it.each([
    [true, null, true],
    [false, true, false],
    [null, true, true],
    [null, false, false],
    [null, null, false],
  ])("whatsapp %s, sms %s -> %s", (whatsappOptIn, smsMarketing, expected) => {
    expect(hasMessagingConsent({ whatsappOptIn, smsMarketing })).toBe(expected);
  });
});
