import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "../errors";

// A checkout UI extension's session token (Shopify's checkout session token):
// an HS256 JWT signed with the app's client secret, `aud` the client ID,
// `dest` the shop, valid for five minutes (`iat`/`nbf` to `exp`). Verified here
// with node:crypto, so the hot path runs no JWT library and no framework.

/** Clock skew between Shopify and us that a token's times may show. */
export const TOKEN_CLOCK_SKEW_SECONDS = 60;
/** Shopify's checkout session tokens live five minutes; a longer one was not minted by Shopify. */
export const MAX_TOKEN_LIFETIME_SECONDS = 5 * 60;

const INVALID = "unauthorized: the signature or session token is missing or invalid";

export interface VerifiedCheckoutToken {
  /** The shop's myshopify domain, from `dest`. */
  shop: string;
  /** One buyer session's token: the key of its rate bucket. */
  tokenId: string;
}

export interface TokenKeys {
  apiKey: string;
  apiSecret: string;
}

/** The shop's myshopify domain from a verified token's `dest` claim. */
export function shopFromDest(dest: unknown): string {
  const text = typeof dest === "string" ? dest : "";
  const host = URL.canParse(text) ? new URL(text).hostname : text;
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(host)) throw new AppError("unauthorized", "session token dest is not a shop");
  return host;
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isTime = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** The bearer token of an `Authorization` header, or null. */
export function bearerToken(authorization: string | undefined | null): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  return match ? match[1] : null;
}

/** Verifies a checkout session token; 401 with a reason otherwise. */
export function verifyCheckoutToken(token: string | null, keys: TokenKeys, nowSeconds = Date.now() / 1000): VerifiedCheckoutToken {
  if (!token) throw new AppError("unauthorized", INVALID);
  const parts = token.split(".");
  if (parts.length !== 3) throw new AppError("unauthorized", INVALID);
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  if (!header || header.alg !== "HS256") throw new AppError("unauthorized", INVALID);
  const expected = createHmac("sha256", keys.apiSecret).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError("unauthorized", INVALID);
  const claims = decodeJson(payloadPart);
  if (!claims) throw new AppError("unauthorized", INVALID);

  const { exp, nbf, iat } = claims;
  if (!isTime(exp)) throw new AppError("unauthorized", "session token has no expiry");
  if (exp + TOKEN_CLOCK_SKEW_SECONDS < nowSeconds) throw new AppError("unauthorized", INVALID);
  if (nbf !== undefined && (!isTime(nbf) || nbf - TOKEN_CLOCK_SKEW_SECONDS > nowSeconds)) throw new AppError("unauthorized", "session token is not valid yet");
  if (iat !== undefined && (!isTime(iat) || iat - TOKEN_CLOCK_SKEW_SECONDS > nowSeconds))
    throw new AppError("unauthorized", "session token was issued in the future");
  const issuedAt = isTime(iat) ? iat : isTime(nbf) ? nbf : nowSeconds;
  if (exp - issuedAt > MAX_TOKEN_LIFETIME_SECONDS + TOKEN_CLOCK_SKEW_SECONDS || exp - nowSeconds > MAX_TOKEN_LIFETIME_SECONDS + TOKEN_CLOCK_SKEW_SECONDS) {
    throw new AppError("unauthorized", "session token lives longer than Shopify's five minutes");
  }

  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(keys.apiKey)) throw new AppError("unauthorized", "session token is for another app");
  const shop = shopFromDest(claims.dest);
  const tokenId = typeof claims.jti === "string" && claims.jti !== "" ? claims.jti : signaturePart;
  return { shop, tokenId: `${shop}|${tokenId.slice(0, 128)}` };
}
