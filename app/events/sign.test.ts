import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { cashfreeSignature, SIGNATURE_TOLERANCE_MS, standardWebhooksSignature, verifyCashfreeSignature } from "./sign";

// Known answers computed independently with OpenSSL, e.g.
//   printf '%s' "$TS$BODY" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwQSZeh9yOmTU=";
const TIMESTAMP_MS = "1732785645123";
const BODY = '{"cartId":75355,"storeUrl":"test-mihir-1.myshopify.com","phone":"+916000376569"}';
const CASHFREE_SIGNATURE = "Pzp8G1wsjXtG+LDQGO+JJlMrohAPcgrsBsDjdkj/lbI=";
//   KEY=$(printf '%s' "${SECRET#whsec_}" | base64 -d | xxd -p -c 256)
//   printf '%s' "msg_p5jXN8AQM9LWM0D4loKWxJek.1732785645.$BODY" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEY -binary | base64
const STANDARD_SIGNATURE = "v1,Hbq64+ruFetcDDzwS8mw4s3uOA1vTR1CPHrhm43ocD0=";

describe("cashfreeSignature", () => {
  it("matches the known answer", () => {
    expect(cashfreeSignature(SECRET, TIMESTAMP_MS, BODY)).toBe(CASHFREE_SIGNATURE);
  });

  it("keys the HMAC with the whole whsec_ string, not its decoded bytes", () => {
    expect(cashfreeSignature(SECRET.slice("whsec_".length), TIMESTAMP_MS, BODY)).not.toBe(CASHFREE_SIGNATURE);
  });

  it("signs the body as UTF-8", () => {
    // printf '%s' '1700000000000{"name":"Chaussures – été"}' | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
    expect(cashfreeSignature(SECRET, "1700000000000", '{"name":"Chaussures – été"}')).toBe("WqRisUNgRB/bB+3wBYEkU0RhjR+eZD4VDKH345TefSM=");
  });
});

describe("standardWebhooksSignature", () => {
  it("matches the known answer", () => {
    expect(standardWebhooksSignature(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1732785645, BODY)).toBe(STANDARD_SIGNATURE);
  });

  it("matches the example published with the Standard Webhooks specification", () => {
    expect(standardWebhooksSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
  });

  it("is accepted by the published standardwebhooks library", () => {
    const seconds = Math.floor(Date.now() / 1000);
    const headers = {
      "webhook-id": "evt_1",
      "webhook-timestamp": String(seconds),
      "webhook-signature": standardWebhooksSignature(SECRET, "evt_1", seconds, BODY),
    };
    expect(new Webhook(SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(() => new Webhook(SECRET).verify(BODY.replace("75355", "75356"), headers)).toThrow("No matching signature");
  });
});

describe("verifyCashfreeSignature", () => {
  const nowMs = Number(TIMESTAMP_MS);
  const valid = { secret: SECRET, timestampMs: TIMESTAMP_MS, body: BODY, signature: CASHFREE_SIGNATURE, nowMs };

  it.each([
    ["the signed request", {}, { valid: true }],
    ["surrounding whitespace in the header", { signature: ` ${CASHFREE_SIGNATURE} ` }, { valid: true }],
    ["a clock 5 minutes ahead", { nowMs: nowMs + SIGNATURE_TOLERANCE_MS }, { valid: true }],
    ["a clock 5 minutes behind", { nowMs: nowMs - SIGNATURE_TOLERANCE_MS }, { valid: true }],
    ["a clock more than 5 minutes ahead", { nowMs: nowMs + SIGNATURE_TOLERANCE_MS + 1 }, { valid: false, reason: "stale_timestamp" }],
    ["a clock more than 5 minutes behind", { nowMs: nowMs - SIGNATURE_TOLERANCE_MS - 1 }, { valid: false, reason: "stale_timestamp" }],
    ["a custom tolerance", { nowMs: nowMs + 2_000, toleranceMs: 1_000 }, { valid: false, reason: "stale_timestamp" }],
    ["a timestamp in seconds", { timestampMs: "1732785645" }, { valid: false, reason: "stale_timestamp" }],
    ["a timestamp that is not a number", { timestampMs: "2024-11-28T09:20:45Z" }, { valid: false, reason: "stale_timestamp" }],
    ["a changed body", { body: BODY.replace("75355", "75356") }, { valid: false, reason: "bad_signature" }],
    ["another secret", { secret: "whsec_other" }, { valid: false, reason: "bad_signature" }],
    ["a truncated signature", { signature: CASHFREE_SIGNATURE.slice(0, -4) }, { valid: false, reason: "bad_signature" }],
    ["trailing junk after the signature", { signature: `${CASHFREE_SIGNATURE}!!` }, { valid: false, reason: "bad_signature" }],
    ["a hex signature", { signature: Buffer.from(CASHFREE_SIGNATURE, "base64").toString("hex") }, { valid: false, reason: "bad_signature" }],
    ["no signature", { signature: "" }, { valid: false, reason: "missing" }],
    ["no timestamp", { timestampMs: "" }, { valid: false, reason: "missing" }],
    ["no secret", { secret: "" }, { valid: false, reason: "missing" }],
  ])("%s", (_case, change, expected) => {
    expect(verifyCashfreeSignature({ ...valid, ...change })).toEqual(expected);
  });
});
