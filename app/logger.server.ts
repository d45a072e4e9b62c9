import pino, { type DestinationStream, type Logger } from "pino";
import { env } from "./env.server";

const PERSONAL = ["email", "phone", "firstName", "lastName", "address1", "address2", "zip", "customerName", "abandonedCheckoutUrl"];
const SECRET = ["secret", "previousSecret", "accessToken", "refreshToken", "authorization", "pixelKey", "password", "token"];
const SIGNATURE_HEADERS = ["x-webhook-signature", "x-webhook-signature-previous", "webhook-signature", "authorization", "x-shopify-hmac-sha256"];

// Buyers' contact data and every secret stay out of logs, whatever the caller
// passes, to three levels deep (pino redaction paths name each level).
export const REDACTED_PATHS = [
  ...[...PERSONAL, ...SECRET].flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
  ...SIGNATURE_HEADERS.flatMap((header) => [`headers["${header}"]`, `*.headers["${header}"]`]),
];

export function createLogger(destination?: DestinationStream, level: string = env.LOG_LEVEL): Logger {
  const options = { level, base: { service: "cart-relay" }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}

export const logger = createLogger();
