import { useEffect } from "react";
import { showToast } from "./toast";

/** Shows `message` once a fetcher comes back with `ok: true`. */
export function useDoneToast(fetcher: { state: string; data?: { ok: boolean } | null }, message: string) {
  const done = fetcher.state === "idle" && fetcher.data?.ok === true;
  useEffect(() => {
    if (done) showToast(message);
  }, [done, fetcher.data, message]);
}
