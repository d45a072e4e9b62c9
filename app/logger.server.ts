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
  // Standard output written asynchronously: a line no longer costs the event loop a write(2) of its own (a delivery
  // attempt logs one), lines logged while a write is out go in the next one, and pino flushes what is left at exit.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

export const logger = createLogger();
