import { useFetcher } from "@remix-run/react";
import type { AsSent } from "../../admin/as-sent";
import { postJson } from "../../admin/json-submit";
import type { runEndpointIntent } from "./queries.server";

/** The action's answer as the page receives it (JSON: dates as strings). */
export type EndpointAnswerData = AsSent<ReturnType<typeof runEndpointIntent>>["answer"] | undefined;

/** One of the page's intents posted to its action, with the answer and whether it is on its way. */
export function useEndpointIntent() {
  const fetcher = useFetcher<EndpointAnswerData>();
  return {
    data: fetcher.data,
    state: fetcher.state,
    busy: fetcher.state !== "idle",
    run: (body: object) => postJson(fetcher, body),
  };
}
