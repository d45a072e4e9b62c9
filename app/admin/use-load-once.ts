import { useEffect, useRef } from "react";
import { useFetcher } from "@remix-run/react";

/** A section that loads its own route's data: fetched once when it mounts. */
export function useLoadOnce<T>(route: string) {
  const fetcher = useFetcher<T>();
  const requested = useRef(false);
  useEffect(() => {
    if (requested.current) return;
    requested.current = true;
    fetcher.load(route);
  }, [fetcher, route]);
  return fetcher;
}
