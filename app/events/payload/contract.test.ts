import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { contractDrift } from "./contract-drift";
import { startBspReceiver, takeContractViolations } from "../../../test/bsp-receiver";
import { deliveryBody } from "../subscriptions";
import { cashfreeSignature } from "../sign";
import { countryName } from "./cart-payload";
import { SAMPLE_PREVIOUS_SECRET, SAMPLE_SECRET, sampleDelivery } from "./contract-files";
import { checkDeliveryContract } from "./contract-validator";
import { FIELD_RULE_PATHS } from "./field-rules";
import { EVENT_TOPICS } from "./formats";

/** What the spoilers below change in a sample cart body. */
interface SpoiltBody {
  lineItems: Record<string, unknown>[];
  customer: { shippingAddress: Record<string, unknown> };
  totalPrice: unknown;
  phone: unknown;
}

describe("docs/bsp/", () => {
  it("is exactly what the payload code generates (npm run bsp:contract generate)", () => {
    expect(contractDrift()).toEqual([]);
  });

  it("publishes an OpenAPI 3.1 webhooks entry per topic whose references all resolve and whose examples validate", () => {
    const document = JSON.parse(readFileSync("docs/bsp/openapi.json", "utf8"));
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.webhooks)).toEqual([...EVENT_TOPICS]);
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(EVENT_TOPICS.length);
    for (const ref of refs) {
      const target = ref
        .slice('"$ref":"#/'.length, -1)
        .split("/")
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
      expect(target, ref).toBeTypeOf("object");
    }
    for (const topic of EVENT_TOPICS) {
      const example = document.webhooks[topic].post.requestBody.content["application/json"].example;
      const sample = sampleDelivery(topic);
      expect(checkDeliveryContract(sample.headers, JSON.stringify(example)).problems).toEqual([]);
    }
  });

  it.each(EVENT_TOPICS)("the %s sample conforms to its schema and its signature verifies", (topic) => {
    const sample = sampleDelivery(topic);
    expect(checkDeliveryContract(sample.headers, sample.body)).toEqual({ topic, format: "cashfree-2025-01-01", problems: [] });
    expect(sample.headers["x-webhook-signature"]).toBe(cashfreeSignature(SAMPLE_SECRET, sample.headers["x-webhook-timestamp"], sample.body));
  });

  it("the rotation sample carries both secrets' signatures, in both schemes", () => {
    const sample = sampleDelivery("abandonedCheckout", { rotation: true });
    expect(checkDeliveryContract(sample.headers, sample.body).problems).toEqual([]);
    const t = sample.headers["x-webhook-timestamp"];
    expect(sample.headers["x-webhook-signature-previous"]).toBe(cashfreeSignature(SAMPLE_PREVIOUS_SECRET, t, sample.body));
    const at = new Date(Number(sample.headers["webhook-timestamp"]) * 1000);
    const verifyAt = (secret: string) => {
      const webhook = new Webhook(secret);
      // verify() checks the timestamp against the current clock and the sample's is fixed: compare signatures instead.
      const headers = {
        "webhook-id": sample.headers["webhook-id"],
        "webhook-timestamp": sample.headers["webhook-timestamp"],
        "webhook-signature": sample.headers["webhook-signature"],
      };
      const signatures = headers["webhook-signature"].split(" ");
      return signatures.includes(webhook.sign(headers["webhook-id"], at, sample.body));
    };
    expect(verifyAt(SAMPLE_SECRET)).toBe(true);
    expect(verifyAt(SAMPLE_PREVIOUS_SECRET)).toBe(true);
  });

  it("holds with every field dropped, and with every field masked", () => {
    const sample = sampleDelivery("abandonedCheckout");
    for (const rules of [
      { dropFields: FIELD_RULE_PATHS, maskFields: [] },
      { dropFields: [], maskFields: FIELD_RULE_PATHS },
    ]) {
      const body = deliveryBody(JSON.parse(sample.body), "abandonedCheckout", rules as never);
      expect(checkDeliveryContract(sample.headers, body).problems).toEqual([]);
    }
  });

  it.each<[string, (body: SpoiltBody, headers: Record<string, string>) => void, RegExp]>([
    ["an undeclared key", (body) => (body.lineItems[0].colour = "indigo"), /lineItems\/0 must NOT have additional properties \(colour\)/],
    ["a missing key", (body) => delete body.customer.shippingAddress.zip, /must have required property 'zip'/],
    ["a number as text", (body) => (body.totalPrice = "3837.20"), /\/totalPrice must be number,null/],
    ["a phone that is not E.164", (body) => (body.phone = "98765 43210"), /\/phone must match pattern/],
    ["another topic in the header", (_body, headers) => (headers["x-webhook-topic"] = "checkoutRecovered"), /\/topic must be equal to constant/],
    ["an unknown version", (_body, headers) => (headers["x-webhook-version"] = "2024-01-01"), /x-webhook-version must be equal to one of the allowed values/],
    ["a changed idempotency key", (_body, headers) => (headers["x-idempotency-key"] = "other"), /x-idempotency-key differs from the body's eventId/],
    ["no signature", (_body, headers) => delete headers["x-webhook-signature"], /must have required property 'x-webhook-signature'/],
  ])("names %s", (_name, spoil, message) => {
    const sample = sampleDelivery("abandonedCheckout");
    const body = JSON.parse(sample.body) as SpoiltBody;
    const headers = { ...sample.headers };
    spoil(body, headers);
    expect(checkDeliveryContract(headers, JSON.stringify(body)).problems.join("\n")).toMatch(message);
  });
});

describe("the test BSP receiver", () => {
  it("validates what it receives and holds the violation for the running test", async () => {
    const receiver = await startBspReceiver(SAMPLE_SECRET);
    try {
      const sample = sampleDelivery("checkoutRecovered");
      const post = (body: string) => fetch(receiver.url, { method: "POST", headers: sample.headers, body });
      await post(sample.body);
      await post(sample.body.replace('"recovery":{', '"recovery":{"extra":1,'));
      expect(receiver.received.map((d) => d.contractProblems.length > 0)).toEqual([false, true]);
      expect(takeContractViolations()).toEqual([expect.stringContaining("must NOT have additional properties (extra)")]);
    } finally {
      await receiver.close();
    }
  });
});

describe("countryName", () => {
  it.each<[string | null, string | null, string]>([
    ["IN", null, "India"],
    ["in", "en-IN", "India"],
    ["IN", "fr", "Inde"],
    ["DE", "de-DE", "Deutschland"],
    ["IN", "not a locale!", "India"],
    ["XX", null, ""],
    ["IND", null, ""],
    [null, "en", ""],
  ])("%s in %s is %j", (code, locale, name) => {
    expect(countryName(code, locale)).toBe(name);
  });
});
