import { register } from "@shopify/web-pixels-extension";
import { ingestBody, SUBSCRIBED_EVENTS } from "./ingest-body";
import { ingestUrlOf, sendIngest, type PixelSettings } from "./send";

// Runs in Shopify's strict pixel sandbox (a web worker) on every plan. Each
// checkout step the buyer submits goes to the app's /api/pixel, where it only
// fills gaps the trusted channels left (docs/capture-channels.md).
register(({ analytics, settings }) => {
  const { pixelKey } = settings as PixelSettings;
  const url = ingestUrlOf(settings as PixelSettings);
  if (!pixelKey || !url) return;
  for (const name of SUBSCRIBED_EVENTS) {
    analytics.subscribe(name, (event) => {
      const body = ingestBody(event, pixelKey);
      if (body) void sendIngest(fetch, url, body);
    });
  }
});
