import { z } from "zod";
import { normalizePhone } from "../contact";
import { SIGNATURE_TOLERANCE_MS, verifyCashfreeSignature, type SignatureCheck } from "../events/sign";
import { describeZodError } from "../http/validation";

// What a BSP sends to POST /api/opt-out (docs/bsp/opt-out.md): a buyer's
// phone that opted out or answered STOP, signed with the endpoint's secret the
// way we sign deliveries (x-webhook-timestamp + raw body). Pure: the handler
// brings the secrets and the clock.

export const OPT_OUT_REASONS = ["opt_out", "stop_reply"] as const;
export type OptOutReason = (typeof OPT_OUT_REASONS)[number];

export const optOutReportSchema = z.object({
  phone: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(64, "must be at most 64 characters"),
  reason: z.enum(OPT_OUT_REASONS, { error: `must be one of ${OPT_OUT_REASONS.join(", ")}` }).default("opt_out"),
  optedOutAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional(),
});

export interface OptOutReport {
  phoneE164: string;
  reason: OptOutReason;
  optedOutAt: Date;
}

export type ReportCheck = { ok: true; report: OptOutReport } | { ok: false; message: string };

/** A parsed body read for a shop: the phone in E.164 with the shop's country as default region, the time not ahead of ours. */
export function readOptOutReport(body: unknown, shopCountry: string | null, now: Date): ReportCheck {
  const parsed = optOutReportSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: describeZodError(parsed.error) };
  const phoneE164 = normalizePhone(parsed.data.phone, shopCountry);
  if (!phoneE164) return { ok: false, message: "phone is not a valid phone number (E.164, or national for the shop's country)" };
  const optedOutAt = parsed.data.optedOutAt ? new Date(parsed.data.optedOutAt) : now;
  if (optedOutAt.getTime() > now.getTime() + SIGNATURE_TOLERANCE_MS) return { ok: false, message: "optedOutAt must not be in the future" };
  return { ok: true, report: { phoneE164, reason: parsed.data.reason, optedOutAt } };
}

export interface SigningEndpoint {
  id: string;
  secrets: string[];
}

export type ReporterCheck = { ok: true; endpointId: string } | { ok: false; reason: Exclude<SignatureCheck, { valid: true }>["reason"] };

/**
 * The endpoint whose secret (current, or the previous one during its
 * rotation grace) signed the report; a stale timestamp is refused whatever
 * the signature.
 */
export function findReporter(
  endpoints: readonly SigningEndpoint[],
  signed: { timestampMs: string; signature: string; body: string },
  nowMs: number,
): ReporterCheck {
  let reason: Exclude<SignatureCheck, { valid: true }>["reason"] = "missing";
  for (const endpoint of endpoints) {
    for (const secret of endpoint.secrets) {
      const check = verifyCashfreeSignature({ secret, ...signed, nowMs });
      if (check.valid) return { ok: true, endpointId: endpoint.id };
      if (check.reason === "stale_timestamp") return { ok: false, reason: check.reason };
      reason = check.reason;
    }
  }
  return { ok: false, reason };
}
