import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateEndpointSecret } from "./endpoint-secret";
import {
  customHeadersSchema,
  deliveryHeaders,
  isReservedHeaderName,
  redactHeadersForLog,
  REDACTED,
  RESERVED_HEADER_NAMES,
  USER_AGENT,
  type DeliveryHeaderInput,
} from "./headers";
import { cashfreeSignature, verifyCashfreeSignature } from "./sign";

const CURRENT = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwQSZeh9yOmTU=";
const PREVIOUS = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const BODY = '{"cartId":75355,"eventId":"evt_01","topic":"abandonedCheckout"}';

function input(overrides: Partial<DeliveryHeaderInput> = {}): DeliveryHeaderInput {
  return {
    shopDomain: "test-mihir-1.myshopify.com",
    topic: "abandonedCheckout",
    format: "cashfree-2025-01-01",
    body: BODY,
    eventId: "evt_01",
    attempt: 2,
    requestId: "req_7",
    timestampMs: 1_732_785_645_123,
    secrets: { current: CURRENT },
    standardWebhooks: false,
    ...overrides,
  };
}

describe("deliveryHeaders", () => {
  it("sends every header of DESIGN.md's table, and only those by default", () => {
    expect(deliveryHeaders(input())).toEqual({
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      "x-store-url": "test-mihir-1.myshopify.com",
      "x-webhook-topic": "abandonedCheckout",
      "x-webhook-version": "2025-01-01",
      "x-webhook-timestamp": "1732785645123",
      "x-webhook-signature": cashfreeSignature(CURRENT, "1732785645123", BODY),
      "x-webhook-attempt": "2",
      "x-idempotency-key": "evt_01",
      "x-request-id": "req_7",
    });
  });

  it("names the package version in the user agent", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(USER_AGENT).toBe(`CartRelay/${pkg.version}`);
  });

  it.each([
    ["cashfree-2025-01-01", "2025-01-01"],
    ["ecom360-v1", "v1"],
  ] as const)("format %s sends x-webhook-version %s", (format, version) => {
    expect(deliveryHeaders(input({ format }))["x-webhook-version"]).toBe(version);
  });

  it("produces a signature the receiver's check accepts", () => {
    const headers = deliveryHeaders(input());
    expect(
      verifyCashfreeSignature({
        secret: CURRENT,
        timestampMs: headers["x-webhook-timestamp"],
        body: BODY,
        signature: headers["x-webhook-signature"],
        nowMs: 1_732_785_645_123 + 1_000,
      }),
    ).toEqual({ valid: true });
  });

  it("keeps the idempotency key across attempts while the request id and signature change", () => {
    const first = deliveryHeaders(input({ attempt: 1, requestId: "req_1", timestampMs: 1_732_785_645_000 }));
    const second = deliveryHeaders(input({ attempt: 2, requestId: "req_2", timestampMs: 1_732_785_765_000 }));
    expect(second["x-idempotency-key"]).toBe(first["x-idempotency-key"]);
    expect(second["x-request-id"]).not.toBe(first["x-request-id"]);
    expect(second["x-webhook-signature"]).not.toBe(first["x-webhook-signature"]);
  });

  it("signs with the previous secret too while it is in its grace period", () => {
    const headers = deliveryHeaders(input({ secrets: { current: CURRENT, previous: PREVIOUS } }));
    expect(headers["x-webhook-signature"]).toBe(cashfreeSignature(CURRENT, "1732785645123", BODY));
    expect(headers["x-webhook-signature-previous"]).toBe(cashfreeSignature(PREVIOUS, "1732785645123", BODY));
  });

  it.each([
    ["null", null],
    ["the current secret again", CURRENT],
  ])("sends no previous signature when previous is %s", (_case, previous) => {
    expect(deliveryHeaders(input({ secrets: { current: CURRENT, previous } }))).not.toHaveProperty("x-webhook-signature-previous");
  });

  describe("Standard Webhooks", () => {
    const nowMs = () => Date.now();

    it("adds webhook-id, webhook-timestamp in seconds and a v1 signature the published library verifies", () => {
      const timestampMs = nowMs();
      const headers = deliveryHeaders(input({ standardWebhooks: true, timestampMs }));
      expect(headers["webhook-id"]).toBe("evt_01");
      expect(headers["webhook-timestamp"]).toBe(String(Math.floor(timestampMs / 1000)));
      expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(headers["x-webhook-signature"]).toBe(cashfreeSignature(CURRENT, String(timestampMs), BODY));
      expect(new Webhook(CURRENT).verify(BODY, headers)).toEqual(JSON.parse(BODY));
      expect(() => new Webhook(PREVIOUS).verify(BODY, headers)).toThrow("No matching signature");
      expect(() => new Webhook(CURRENT).verify(`${BODY} `, headers)).toThrow("No matching signature");
    });

    it("during rotation sends two space-separated v1 entries, each verifiable with its own secret", () => {
      const headers = deliveryHeaders(input({ standardWebhooks: true, timestampMs: nowMs(), secrets: { current: CURRENT, previous: PREVIOUS } }));
      const entries = headers["webhook-signature"].split(" ");
      expect(entries).toHaveLength(2);
      expect(entries.every((entry) => entry.startsWith("v1,"))).toBe(true);
      expect(new Webhook(CURRENT).verify(BODY, headers)).toEqual(JSON.parse(BODY));
      expect(new Webhook(PREVIOUS).verify(BODY, headers)).toEqual(JSON.parse(BODY));
      expect(() => new Webhook(generateEndpointSecret()).verify(BODY, headers)).toThrow("No matching signature");
    });

    it("keeps webhook-id stable across attempts", () => {
      const a = deliveryHeaders(input({ standardWebhooks: true, attempt: 1, requestId: "r1" }));
      const b = deliveryHeaders(input({ standardWebhooks: true, attempt: 3, requestId: "r3" }));
      expect(b["webhook-id"]).toBe(a["webhook-id"]);
    });

    it("is absent unless the endpoint enables it", () => {
      const headers = deliveryHeaders(input({ standardWebhooks: false }));
      expect(Object.keys(headers).filter((name) => name.startsWith("webhook-"))).toEqual([]);
    });
  });

  describe("custom headers", () => {
    it("are added, lower-cased, next to ours", () => {
      const headers = deliveryHeaders(input({ customHeaders: { "X-Api-Key": "k-123", "X-Tenant": "acme" } }));
      expect(headers["x-api-key"]).toBe("k-123");
      expect(headers["x-tenant"]).toBe("acme");
    });

    it.each([
      "Content-Type",
      "USER-AGENT",
      "x-webhook-signature",
      "X-Webhook-Signature-Previous",
      "x-webhook-anything-new",
      "x-idempotency-key",
      "x-request-id",
      "x-store-url",
      "Webhook-Signature",
      "webhook-id",
      "Host",
      "content-length",
      "transfer-encoding",
    ])("can never override %s", (name) => {
      const expected = deliveryHeaders(input({ standardWebhooks: true }));
      const headers = deliveryHeaders(input({ standardWebhooks: true, customHeaders: { [name]: "evil" } }));
      expect(headers).toEqual(expected);
      expect(Object.values(headers)).not.toContain("evil");
    });

    it.each([
      ["a name with a space", { "X Bad": "v" }],
      ["a value with a line break", { "X-Inject": "a\r\nX-Other: b" }],
    ])("skip %s", (_case, customHeaders) => {
      expect(deliveryHeaders(input({ customHeaders }))).toEqual(deliveryHeaders(input()));
    });
  });
});

describe("customHeadersSchema", () => {
  it("accepts ordinary headers", () => {
    expect(customHeadersSchema.parse({ Authorization: "Bearer abc", "X-Tenant": "acme" })).toEqual({
      Authorization: "Bearer abc",
      "X-Tenant": "acme",
    });
  });

  it.each([
    [{ "X-Webhook-Signature": "x" }, 'header "X-Webhook-Signature" is set by Cart Relay and cannot be overridden'],
    [{ "Bad Name": "x" }, 'header name "Bad Name" may contain only'],
    [{ "X-A": "line\nbreak" }, 'header "X-A" value must be one line of text'],
    [{ "X-A": "1", "x-a": "2" }, 'header "x-a" is listed twice'],
  ])("rejects %j naming the header", (headers, message) => {
    const result = customHeadersSchema.safeParse(headers);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toContain(message);
  });
});

describe("RESERVED_HEADER_NAMES", () => {
  it("covers every header we send", () => {
    const headers = deliveryHeaders(input({ standardWebhooks: true, secrets: { current: CURRENT, previous: PREVIOUS } }));
    for (const name of Object.keys(headers)) expect(RESERVED_HEADER_NAMES.has(name)).toBe(true);
  });

  it.each([
    ["x-webhook-future", true],
    ["Webhook-Anything", true],
    ["x-idempotency-key", true],
    ["authorization", false],
    ["x-api-key", false],
  ])("isReservedHeaderName(%s) -> %s", (name, expected) => {
    expect(isReservedHeaderName(name)).toBe(expected);
  });
});

describe("redactHeadersForLog", () => {
  const headers = deliveryHeaders(
    input({
      standardWebhooks: true,
      secrets: { current: CURRENT, previous: PREVIOUS },
      customHeaders: {
        Authorization: "Bearer live-abc",
        "X-Api-Key": "k-123",
        "X-Auth-Token": "t-1",
        "X-Client-Secret": "s-1",
        Cookie: "sid=1",
        "X-Tenant": "acme",
      },
    }),
  );
  const redacted = redactHeadersForLog(headers);

  it.each([
    "x-webhook-signature",
    "x-webhook-signature-previous",
    "webhook-signature",
    "authorization",
    "x-api-key",
    "x-auth-token",
    "x-client-secret",
    "cookie",
  ])("replaces %s", (name) => {
    expect(headers[name]).toBeTruthy();
    expect(redacted[name]).toBe(REDACTED);
  });

  it.each(["x-idempotency-key", "x-request-id", "x-webhook-timestamp", "webhook-id", "user-agent", "x-tenant"])("keeps %s", (name) => {
    expect(redacted[name]).toBe(headers[name]);
  });

  it("leaves no secret or signature in the logged text", () => {
    const logged = JSON.stringify(redacted);
    for (const secret of ["live-abc", "k-123", "t-1", "s-1", "sid=1", headers["x-webhook-signature"], CURRENT, PREVIOUS]) {
      expect(logged).not.toContain(secret);
    }
  });

  it("matches header names case-insensitively", () => {
    expect(redactHeadersForLog({ "X-Webhook-Signature": "sig", "X-Session-Id": "abc" })).toEqual({
      "X-Webhook-Signature": REDACTED,
      "X-Session-Id": REDACTED,
    });
  });
});
