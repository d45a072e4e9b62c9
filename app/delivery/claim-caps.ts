// Which due deliveries one claim takes (decision 004): the earliest due first,
// none that would take its endpoint or its shop over the cap of attempts this
// process has in flight, so one slow or failing receiver never fills every lane.

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  shopId: string;
}

/** Attempts this process has in flight, per endpoint and per shop; the claim keeps each under its cap. */
export interface InFlightLoad {
  endpoints: ReadonlyMap<string, number>;
  shops: ReadonlyMap<string, number>;
  endpointCap: number;
  shopCap: number;
}

export interface ClaimCandidate extends ClaimedDelivery {
  /** Due time in ms; ties go by id. */
  due: number;
}

/** Up to `limit` candidates, earliest due first (then by id), skipping any whose endpoint or shop is already at its cap. */
export function pickWithinCaps(candidates: readonly ClaimCandidate[], load: InFlightLoad, limit: number): ClaimCandidate[] {
  const endpoints = new Map(load.endpoints);
  const shops = new Map(load.shops);
  const picked: ClaimCandidate[] = [];
  const ordered = [...candidates].sort((a, b) => a.due - b.due || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const candidate of ordered) {
    if (picked.length >= limit) break;
    const onEndpoint = endpoints.get(candidate.endpointId) ?? 0;
    const onShop = shops.get(candidate.shopId) ?? 0;
    if (onEndpoint >= load.endpointCap || onShop >= load.shopCap) continue;
    endpoints.set(candidate.endpointId, onEndpoint + 1);
    shops.set(candidate.shopId, onShop + 1);
    picked.push(candidate);
  }
  return picked;
}
