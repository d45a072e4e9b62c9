import { z } from "zod";
import { PAYLOAD_FORMATS } from "../delivery/payload/formats";
import { FIELD_RULE_PATHS } from "../delivery/payload/field-rules";
import { RESERVED_HEADER_NAMES } from "../delivery/headers";
import { MAX_RETRIES } from "../delivery/retry-policy";
import { checkEndpointUrl } from "../delivery/ssrf-guard";

/** BSPs a merchant can pick; all speak our format, the preset only names and hints. */
export const ENDPOINT_PRESETS = {
  spur: { name: "Spur", hint: "Spur dashboard > Integrations > Webhooks" },
  limechat: { name: "LimeChat", hint: "LimeChat > Settings > Integrations" },
  gupshup: { name: "Gupshup", hint: "Gupshup console > Webhooks" },
  wati: { name: "Wati", hint: "Wati > Integrations > Webhooks" },
  interakt: { name: "Interakt", hint: "Interakt > Developer settings > Webhooks" },
  bitespeed: { name: "BiteSpeed", hint: "BiteSpeed > Settings > Webhooks" },
  aisensy: { name: "AiSensy", hint: "AiSensy > Integrations" },
  whitespeed: { name: "Whitespeed", hint: "Whitespeed > Webhooks" },
  custom: { name: "Custom", hint: "Any HTTPS endpoint that speaks the Cashfree abandonedCheckout format" },
} as const;

export type EndpointPreset = keyof typeof ENDPOINT_PRESETS;

export const ENDPOINT_TOPICS = ["abandonedCheckout", "checkoutRecovered", "integrationStatus"] as const;

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

const fieldPath = z.enum(FIELD_RULE_PATHS as unknown as [string, ...string[]], { error: "is not a field Cart Relay sends" });

export function endpointInputSchema(options: { allowLoopback: boolean }) {
  return z
    .object({
      name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
      preset: z.enum(Object.keys(ENDPOINT_PRESETS) as [EndpointPreset, ...EndpointPreset[]], { error: "is not a known BSP" }).default("custom"),
      url: z.string().trim().min(1, "is required").superRefine((raw, ctx) => {
        const checked = checkEndpointUrl(raw, options);
        if (!checked.ok) ctx.addIssue({ code: "custom", message: checked.reason });
      }),
      method: z.enum(["POST", "PUT"], { error: "must be POST or PUT" }).default("POST"),
      format: z.enum(PAYLOAD_FORMATS as unknown as [string, ...string[]], { error: "is not a supported payload format" }).default("cashfree-2025-01-01"),
      topics: z.array(z.enum(ENDPOINT_TOPICS, { error: "is not a topic" })).min(1, "must include at least one topic").default(["abandonedCheckout", "checkoutRecovered", "integrationStatus"]),
      consentOnly: z.boolean().default(false),
      dropFields: z.array(fieldPath).max(FIELD_RULE_PATHS.length).default([]),
      maskFields: z.array(fieldPath).max(FIELD_RULE_PATHS.length).default([]),
      standardWebhooks: z.boolean().default(false),
      retryMode: z.enum(["fixed", "exponential"], { error: "must be fixed or exponential" }).default("fixed"),
      retryIntervals: z
        .array(z.number().int("must be whole minutes").min(1, "must be at least 1 minute").max(1440, "must be at most 1440 minutes"))
        .min(1, "needs at least one interval")
        .max(MAX_RETRIES, `must have at most ${MAX_RETRIES} intervals`)
        .default([2, 10, 30]),
      maxRetries: z.number().int("must be a whole number").min(0, "must be 0 or more").max(MAX_RETRIES, `must be at most ${MAX_RETRIES}`).default(3),
      customHeaders: z
        .record(
          z.string().regex(HEADER_NAME, "is not a valid header name").refine((name) => !RESERVED_HEADER_NAMES.has(name.toLowerCase()), "is set by Cart Relay and cannot be overridden"),
          z.string().max(1024, "must be at most 1024 characters").refine((value) => !/[\r\n]/.test(value), "must be on one line"),
        )
        .refine((headers) => Object.keys(headers).length <= 10, "must have at most 10 headers")
        .default({}),
      quietHoursStart: z.number().int().min(0).max(1439).nullable().default(null),
      quietHoursEnd: z.number().int().min(0).max(1439).nullable().default(null),
      quietHoursTimezone: z.string().nullable().default(null),
      disableAfterFailingHours: z.number().int("must be whole hours").min(1, "must be at least 1 hour").max(720, "must be at most 720 hours").default(72),
    })
    .superRefine((input, ctx) => {
      const quiet = [input.quietHoursStart, input.quietHoursEnd, input.quietHoursTimezone];
      if (quiet.some((v) => v !== null) && quiet.some((v) => v === null)) {
        ctx.addIssue({ code: "custom", path: ["quietHoursStart"], message: "needs a start, an end and a time zone together" });
      }
      if (input.quietHoursTimezone !== null && !isTimeZone(input.quietHoursTimezone)) {
        ctx.addIssue({ code: "custom", path: ["quietHoursTimezone"], message: "is not a known time zone" });
      }
      if (input.quietHoursStart !== null && input.quietHoursStart === input.quietHoursEnd) {
        ctx.addIssue({ code: "custom", path: ["quietHoursEnd"], message: "must differ from the start" });
      }
      const both = input.dropFields.filter((path) => input.maskFields.includes(path));
      if (both.length > 0) ctx.addIssue({ code: "custom", path: ["maskFields"], message: `${both[0]} is already dropped` });
    });
}

export type EndpointInput = z.output<ReturnType<typeof endpointInputSchema>>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
