import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { EndpointSecretError, generateEndpointSecret, isEndpointSecret, standardWebhooksKey } from "./endpoint-secret";

const counting = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i));

describe("generateEndpointSecret", () => {
  it("is whsec_ plus base64 of 32 bytes from the random source", () => {
    const secret = generateEndpointSecret(counting);
    expect(secret).toBe("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    expect(standardWebhooksKey(secret)).toEqual(counting(32));
    expect(isEndpointSecret(secret)).toBe(true);
  });

  it("differs on every call with the default random source", () => {
    const secrets = new Set(Array.from({ length: 5 }, () => generateEndpointSecret()));
    expect(secrets.size).toBe(5);
    for (const secret of secrets) expect(isEndpointSecret(secret)).toBe(true);
  });

  it("refuses a random source that returns the wrong number of bytes", () => {
    expect(() => generateEndpointSecret(() => Buffer.alloc(16))).toThrow(EndpointSecretError);
  });

  it("decodes to the same key the standardwebhooks library uses", () => {
    const secret = generateEndpointSecret();
    const fromLibrary = new Webhook(secret).sign("msg_1", new Date(1_700_000_000_000), "{}");
    const fromRaw = new Webhook(standardWebhooksKey(secret), { format: "raw" }).sign("msg_1", new Date(1_700_000_000_000), "{}");
    expect(fromRaw).toBe(fromLibrary);
  });
});

describe("standardWebhooksKey", () => {
  it.each([
    ["whsec_ with non-base64 characters", "whsec_not base64!"],
    ["empty after the prefix", "whsec_"],
    ["base64 of the wrong padding", "whsec_AAECAwQ"],
  ])("rejects %s", (_case, secret) => {
    expect(() => standardWebhooksKey(secret)).toThrow(EndpointSecretError);
  });
});

describe("isEndpointSecret", () => {
  it.each([
    ["no prefix", Buffer.alloc(32, 1).toString("base64"), false],
    ["16 bytes", `whsec_${Buffer.alloc(16, 1).toString("base64")}`, false],
    ["32 bytes", `whsec_${Buffer.alloc(32, 1).toString("base64")}`, true],
  ])("%s -> %s", (_case, secret, expected) => {
    expect(isEndpointSecret(secret)).toBe(expected);
  });
});
