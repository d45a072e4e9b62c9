import pino from "pino";
import { env } from "./env.server";

// Buyers' contact data and every secret stay out of logs, whatever the caller passes.
export const REDACTED_PATHS = [
  "email", "phone", "*.email", "*.phone", "*.*.email", "*.*.phone",
  "address1", "address2", "*.address1", "*.address2", "*.zip",
  "secret", "*.secret", "accessToken", "*.accessToken",
  "headers.authorization", "*.headers.authorization",
  'headers["x-webhook-signature"]', 'headers["x-webhook-signature-previous"]',
];

export const logger = pino({
  level: env.LOG_LEVEL,
  base: { service: "cart-relay" },
  redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
});
