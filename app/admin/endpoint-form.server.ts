import type { Endpoint } from "@prisma/client";
import { env, policyMinuteMs } from "../env.server";
import { ENDPOINT_PRESETS, ENDPOINT_TOPICS, endpointInputSchema, type EndpointInput } from "../endpoints/endpoint-input";
import { FIELD_RULE_PATHS } from "../events/payload/field-rules";
import { PAYLOAD_FORMATS } from "../events/payload/formats";
import { describeZodError } from "../http/validation";
import { endpointFieldErrors, endpointFormSchema, endpointInputFromForm } from "./endpoint-form";
import type { EndpointFormOptions } from "./EndpointForm";
import type { FieldErrors } from "./field-errors";

export function endpointFormOptions(): EndpointFormOptions {
  return {
    presets: Object.entries(ENDPOINT_PRESETS).map(([value, preset]) => ({ value, label: preset.name, hint: preset.hint })),
    topics: [...ENDPOINT_TOPICS],
    formats: [...PAYLOAD_FORMATS],
    fieldPaths: [...FIELD_RULE_PATHS],
    allowLoopback: env.CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS,
    policyMinuteMs: policyMinuteMs(env),
  };
}

/** What the endpoint pages show of an endpoint; the preset by its display name (an unknown one as stored). */
export function endpointSummary(endpoint: Pick<Endpoint, "id" | "name" | "preset" | "url" | "method" | "status" | "disabledReason">) {
  return {
    id: endpoint.id,
    name: endpoint.name,
    preset: ENDPOINT_PRESETS[endpoint.preset as keyof typeof ENDPOINT_PRESETS]?.name ?? endpoint.preset,
    url: endpoint.url,
    method: endpoint.method,
    status: endpoint.status,
    disabledReason: endpoint.disabledReason,
  };
}

export type ParsedEndpointForm = { ok: true; input: EndpointInput } | { ok: false; errors: FieldErrors };

/** A submitted endpoint form, checked by the same schema the model uses; errors keyed by form field. */
export function parseEndpointForm(values: unknown): ParsedEndpointForm {
  const shape = endpointFormSchema.safeParse(values);
  if (!shape.success) return { ok: false, errors: { form: `The form is malformed: ${describeZodError(shape.error)}` } };
  const { candidate, errors: formErrors } = endpointInputFromForm(shape.data);
  const parsed = endpointInputSchema({ allowLoopback: env.CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS }).safeParse(candidate);
  const errors = { ...(parsed.success ? {} : endpointFieldErrors(parsed.error)), ...formErrors };
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: parsed.data };
}
