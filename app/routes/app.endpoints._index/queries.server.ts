import type { Shop } from "@prisma/client";
import type { AsSent } from "../../admin/as-sent";
import { endpointSummary } from "../../admin/endpoint-form.server";
import { latestDeliveries } from "../../delivery/delivery-log.server";
import { listEndpoints } from "../../endpoints/endpoint.server";
import { endpointTopics } from "../../events/subscriptions";
import { usableTimeZone } from "../../metrics/date-range";

/** The shop's endpoints, each with the topics it receives and its latest delivery. */
export async function endpointsPage(shop: Shop) {
  const endpoints = await listEndpoints(shop.id);
  const latest = await latestDeliveries(
    shop.id,
    endpoints.map((endpoint) => endpoint.id),
  );
  return {
    timeZone: usableTimeZone(shop.timezone),
    endpoints: endpoints.map((endpoint) => ({
      ...endpointSummary(endpoint),
      topics: endpointTopics(endpoint),
      lastDelivery: latest[endpoint.id] ?? null,
    })),
  };
}

export type EndpointListItem = AsSent<ReturnType<typeof endpointsPage>>["endpoints"][number];
