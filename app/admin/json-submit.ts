import type { SubmitFunction } from "@remix-run/react";

/** A JSON body for `submit(..., { encType: "application/json" })`; form value interfaces lack an index signature. */
export const jsonTarget = (body: object) => body as Parameters<SubmitFunction>[0];

/** What `useFetcher()` and `useSubmit()` both offer. */
interface Submitter {
  submit: (target: Parameters<SubmitFunction>[0], options: { method: "post"; encType: "application/json" }) => unknown;
}

/** Posts `body` as JSON to the page's own action, the way every admin form submits. */
export function postJson(submitter: Submitter, body: object): void {
  void submitter.submit(jsonTarget(body), { method: "post", encType: "application/json" });
}
