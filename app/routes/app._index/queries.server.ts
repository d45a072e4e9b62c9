import type { Shop } from "@prisma/client";
import type { AsSent } from "../../admin/as-sent";
import { notFound } from "../../admin/context.server";
import { describeZodError } from "../../http/validation";
import { loadDashboard, loadOnboarding } from "../../metrics/dashboard.server";
import { rangeQuerySchema, resolveRange } from "../../metrics/date-range";
import { loadRecoveryMeasurement } from "../../metrics/recovery-lift.server";
import { listEndpoints } from "../../endpoints/endpoint.server";

/** The dashboard over the range and endpoint in the address; a bad range falls back to the default and says why. */
export async function dashboardPage(shop: Shop, params: Record<string, string>) {
  const parsed = rangeQuerySchema.safeParse(params);
  const range = resolveRange(parsed.success ? parsed.data : rangeQuerySchema.parse({}), new Date(), shop.timezone);
  const endpoints = await listEndpoints(shop.id);
  const endpointId = params.endpoint ?? null;
  if (endpointId && !endpoints.some((endpoint) => endpoint.id === endpointId)) throw notFound("endpoint");
  const [metrics, onboarding, recovery] = await Promise.all([
    loadDashboard(shop, range, endpointId),
    loadOnboarding(shop),
    loadRecoveryMeasurement(shop, range),
  ]);
  // The page's select offers the presets and "custom" as plain strings.
  const preset: string = range.preset;
  return {
    metrics,
    recovery,
    onboarding,
    endpoints: endpoints.map(({ id, name }) => ({ id, name })),
    rangeError: parsed.success ? null : describeZodError(parsed.error),
    filters: { range: preset, from: range.from, to: range.to, endpoint: endpointId ?? "" },
  };
}

export type DashboardPage = AsSent<ReturnType<typeof dashboardPage>>;
