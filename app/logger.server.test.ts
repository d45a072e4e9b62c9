import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.server";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger(stream, "info"), text: () => lines.join("") };
}

describe("structured logs", () => {
  it("redact buyers' contact data, addresses and secrets wherever they appear", () => {
    const { logger, text } = capture();
    logger.info(
      {
        email: "asha@example.com",
        checkout: { phone: "+919876543210", address1: "12 MG Road", zip: "411001", firstName: "Asha" },
        payload: { customer: { email: "nested@example.com", shippingAddress: { phone: "+14155550100" } } },
        endpoint: { secret: "whsec_c2VjcmV0c2VjcmV0", headers: { "x-webhook-signature": "c2lnbmF0dXJl" } },
        session: { accessToken: "shpat_abcdef" },
        shop: "kept.myshopify.com",
        deliveryId: "d1",
      },
      "something happened",
    );
    const output = text();
    for (const leak of [
      "asha@example.com",
      "+919876543210",
      "12 MG Road",
      "411001",
      "Asha",
      "nested@example.com",
      "+14155550100",
      "whsec_c2VjcmV0c2VjcmV0",
      "c2lnbmF0dXJl",
      "shpat_abcdef",
    ]) {
      expect(output).not.toContain(leak);
    }
    expect(output).toContain("kept.myshopify.com");
    expect(output).toContain('"deliveryId":"d1"');
    expect(output).toContain("[redacted]");
  });
});
