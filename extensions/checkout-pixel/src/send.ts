import type { IngestBody } from "./ingest-body";

export interface PixelSettings {
  pixelKey?: string;
  ingestUrl?: string;
}

/** The ingest URL from the pixel's settings, if it is one the pixel may post to. */
export function ingestUrlOf(settings: PixelSettings): string | undefined {
  const raw = settings.ingestUrl?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
    return url.protocol === "https:" || (local && url.protocol === "http:") ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Posts one event. `keepalive` lets it outlive the page (the buyer clicks on
 * and checkout navigates); text/plain keeps it a simple CORS request with no
 * preflight. Browsers cap keepalive bodies in flight at 64 KB in total, so a
 * refused keepalive is tried once more without it. Never rejects.
 */
export async function sendIngest(fetchImpl: typeof fetch, url: string, body: IngestBody): Promise<boolean> {
  const init: RequestInit = { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body: JSON.stringify(body) };
  try {
    return (await fetchImpl(url, { ...init, keepalive: true })).ok;
  } catch {
    try {
      return (await fetchImpl(url, init)).ok;
    } catch {
      return false;
    }
  }
}
