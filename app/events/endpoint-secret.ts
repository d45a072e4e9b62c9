import { randomBytes } from "node:crypto";

// Endpoint signing secrets (DESIGN.md "Secrets"): 32 random bytes shown as
// `whsec_<base64>`. The Cashfree-style signature keys HMAC with this whole
// string as UTF-8; Standard Webhooks keys it with the decoded bytes.

export const ENDPOINT_SECRET_PREFIX = "whsec_";
export const ENDPOINT_SECRET_BYTES = 32;
/** How long a rotated-out secret keeps being sent alongside the new one. */
export const SECRET_ROTATION_GRACE_HOURS = 24;

export class EndpointSecretError extends Error {
  override name = "EndpointSecretError";
  readonly kind = "malformed" as const;
}

export function generateEndpointSecret(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(ENDPOINT_SECRET_BYTES);
  if (bytes.length !== ENDPOINT_SECRET_BYTES) {
    throw new EndpointSecretError(`random source returned ${bytes.length} bytes, expected ${ENDPOINT_SECRET_BYTES}`);
  }
  return ENDPOINT_SECRET_PREFIX + bytes.toString("base64");
}

/** The HMAC key of the Standard Webhooks spec: the base64 after `whsec_`, decoded. */
export function standardWebhooksKey(secret: string): Buffer {
  const encoded = secret.startsWith(ENDPOINT_SECRET_PREFIX) ? secret.slice(ENDPOINT_SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new EndpointSecretError("endpoint secret must be whsec_ followed by base64");
  }
  return Buffer.from(encoded, "base64");
}

/** True for a secret this app could have generated: whsec_ and base64 of 32 bytes. */
export function isEndpointSecret(secret: string): boolean {
  if (!secret.startsWith(ENDPOINT_SECRET_PREFIX)) return false;
  try {
    return standardWebhooksKey(secret).length === ENDPOINT_SECRET_BYTES;
  } catch {
    return false;
  }
}
