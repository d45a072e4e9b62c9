import { z } from "zod";
import { databaseUrl } from "./database-url";
import { loadDotEnv } from "./dotenv";

const nonEmpty = (what: string) =>
  z
    .string({ error: `is missing (${what})` })
    .trim()
    .min(1, `is empty (${what})`);

const encryptionKey = nonEmpty("32 random bytes, base64; generate with: openssl rand -base64 32").refine(
  (value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, "base64").length === 32,
  "must be 32 random bytes encoded as base64 (openssl rand -base64 32)",
);

// `PORT=` in a .env file means "not set", not "port zero".
const blankIsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const isKey = (value: string) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, "base64").length === 32;

// During a key rotation: the keys secrets may still be sealed under, comma-separated.
const previousEncryptionKeys = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((key) => key.trim())
      .filter(Boolean),
  )
  .refine((keys) => keys.every(isKey), "must be comma-separated keys of 32 random bytes, base64");

const flag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((value) => value === "true" || value === "1");

export const envSchema = z
  .object({
    NODE_ENV: z.preprocess(blankIsUnset, z.enum(["development", "production", "test"]).default("development")),
    SHOPIFY_API_KEY: nonEmpty("the app's client ID from the Partner Dashboard"),
    SHOPIFY_API_SECRET: nonEmpty("the app's client secret from the Partner Dashboard"),
    SHOPIFY_APP_URL: nonEmpty("the public https URL of this app").pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
    SCOPES: nonEmpty("comma-separated Admin API scopes").refine(
      (value) => value.split(",").every((scope) => /^[a-z_]+$/.test(scope.trim())),
      "must be a comma-separated list of scopes such as read_orders,read_checkouts",
    ),
    DATABASE_URL: z
      .string()
      .optional()
      .transform(databaseUrl)
      .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), "must start with file: (SQLite) or postgres:// (PostgreSQL)"),
    PORT: z.preprocess(
      blankIsUnset,
      z.coerce
        .number({ error: "must be a port number" })
        .int("must be a whole number")
        .min(1, "must be between 1 and 65535")
        .max(65535, "must be between 1 and 65535")
        .default(3000),
    ),
    // The address to listen on; unset listens on every interface (the demo uses 127.0.0.1).
    HOST: z.preprocess(
      blankIsUnset,
      z
        .string()
        .trim()
        .regex(/^[0-9A-Za-z.:-]+$/, "must be a host name or IP address")
        .optional(),
    ),
    ENCRYPTION_KEY: encryptionKey,
    ENCRYPTION_KEY_PREVIOUS: previousEncryptionKeys,
    REDIS_URL: z
      .string()
      .optional()
      .transform((value) => (value && value.trim() !== "" ? value : undefined))
      .refine((value) => value === undefined || /^rediss?:\/\//.test(value), "must start with redis:// or rediss://"),
    LOG_LEVEL: z.preprocess(blankIsUnset, z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),
    // Development only: lets endpoints point at loopback receivers (the demo inbox).
    CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS: flag,
    // Development only (the demo): a policy minute lasts 60000/scale ms, so
    // abandonAfter and retry intervals pass in seconds.
    CART_RELAY_TIME_SCALE: z.preprocess(
      blankIsUnset,
      z.coerce.number({ error: "must be a number" }).min(1, "must be at least 1").max(3600, "must be at most 3600").default(1),
    ),
    // How many proxies in front of the app append to X-Forwarded-For; the
    // client's address is the entry the farthest of them wrote. 0: the socket's peer.
    TRUST_PROXY_HOPS: z.preprocess(
      blankIsUnset,
      z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more").max(10, "must be at most 10").default(0),
    ),
    // The embedded worker runs inside the web process unless this is false.
    CART_RELAY_EMBEDDED_WORKER: z
      .enum(["true", "false", "1", "0", ""])
      .optional()
      .transform((value) => value !== "false" && value !== "0"),
  })
  .superRefine((env, ctx) => {
    if (env.CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS && env.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS"],
        message: "is a development setting and is refused when NODE_ENV=production",
      });
    }
    if (env.CART_RELAY_TIME_SCALE !== 1 && env.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["CART_RELAY_TIME_SCALE"],
        message: "is a development setting and is refused when NODE_ENV=production",
      });
    }
  });

/** The length of a policy minute (abandonAfter, retry intervals): 60 s except in the demo. */
export function policyMinuteMs(config: Pick<Env, "CART_RELAY_TIME_SCALE">): number {
  return 60_000 / config.CART_RELAY_TIME_SCALE;
}

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates the environment; the error message is one line naming the first bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue.path.join(".") || "environment";
  throw new ConfigError(`Invalid configuration: ${variable} ${issue.message}`);
}

function loadEnvOrExit(): Env {
  loadDotEnv();
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

export const env: Env = loadEnvOrExit();
