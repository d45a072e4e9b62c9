import type { SerializeFrom, TypedResponse } from "@remix-run/node";

/** A value as `json()` hands it to the page: dates as ISO strings. Lets components type their props from a page query, not from the route module. */
export type AsSent<T> = SerializeFrom<() => TypedResponse<Awaited<T>>>;
