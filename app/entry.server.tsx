import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify.server";
import { env } from "./env.server";
import { logger } from "./logger.server";
import { announceDeliveriesToQueue, createWorkQueue } from "./queue/create-work-queue.server";
import { handleCapture } from "./capture/capture-request.server";
import { handlePixel } from "./pixel/pixel-request.server";
import { answerClientError, publicApiListener } from "./http/node-public-api";

export const streamTimeout = 5000;

export default async function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext) {
  addDocumentResponseHeaders(request, responseHeaders);
  // Bots get the whole document at once; browsers get it streamed as it renders.
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [readyEvent]: () => {
        const body = new PassThrough();
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError: reject,
      onError(error: unknown) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}

// server.mjs reads these from the build: one validated configuration and one logger.
export { env, logger };
export { readiness } from "./health.server";

/**
 * The capture and pixel endpoints on the raw node:http request (decision
 * 008): server.mjs offers each request here first; false means "not ours".
 */
export { answerClientError };
export const answerPublicApi = publicApiListener({
  "/api/capture": (request) => handleCapture(request),
  "/api/pixel": (request) => handlePixel(request),
});

/** Starts what runs beside the web server (the embedded worker, or only the announcer at scale); resolves to its stop function. */
export async function startBackgroundWork(): Promise<() => Promise<void>> {
  if (!env.CART_RELAY_EMBEDDED_WORKER) return announceDeliveriesToQueue();
  const queue = createWorkQueue();
  await queue.start();
  return () => queue.stop();
}
