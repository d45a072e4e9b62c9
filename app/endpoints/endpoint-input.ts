import { z } from "zod";
import { DEFAULT_PAYLOAD_FORMAT, PAYLOAD_FORMATS, SUBSCRIBABLE_TOPICS } from "../events/payload/formats";
import { fieldRulesSchema } from "../events/payload/field-rules";
import { customHeadersSchema } from "../events/headers";
import { DEFAULT_RETRY_POLICY, retryPolicySchema } from "../delivery/retry-policy";
import { quietHoursSchema } from "../delivery/quiet-hours";
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

export const ENDPOINT_TOPICS = SUBSCRIBABLE_TOPICS;

/** What a merchant configures on an endpoint; the admin form and the model both speak this. */
export function endpointInputSchema(options: { allowLoopback: boolean }) {
  return z.object({
    name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
    preset: z.enum(Object.keys(ENDPOINT_PRESETS) as [EndpointPreset, ...EndpointPreset[]], { error: "is not a known BSP" }).default("custom"),
    url: z
      .string()
      .trim()
      .min(1, "is required")
      .superRefine((raw, ctx) => {
        const checked = checkEndpointUrl(raw, options);
        // The guard's reasons start with "URL" so they read well in the delivery log too.
        if (!checked.ok) ctx.addIssue({ code: "custom", message: checked.reason.replace(/^URL /, "") });
      }),
    method: z.enum(["POST", "PUT"], { error: "must be POST or PUT" }).default("POST"),
    format: z.enum(PAYLOAD_FORMATS, { error: "is not a supported payload format" }).default(DEFAULT_PAYLOAD_FORMAT),
    topics: z
      .array(z.enum(ENDPOINT_TOPICS, { error: "is not a topic" }))
      .min(1, "must include at least one topic")
      .default([...ENDPOINT_TOPICS]),
    consentOnly: z.boolean().default(false),
    fieldRules: fieldRulesSchema.default({ drop: [], mask: [] }),
    standardWebhooks: z.boolean().default(false),
    retryPolicy: retryPolicySchema.default({ ...DEFAULT_RETRY_POLICY, intervalsMinutes: [...DEFAULT_RETRY_POLICY.intervalsMinutes] }),
    customHeaders: customHeadersSchema.default({}),
    quietHours: quietHoursSchema.nullable().default(null),
    disableAfterFailingHours: z.number().int("must be whole hours").min(1, "must be at least 1 hour").max(720, "must be at most 720 hours").default(72),
  });
}

export type EndpointInput = z.output<ReturnType<typeof endpointInputSchema>>;
