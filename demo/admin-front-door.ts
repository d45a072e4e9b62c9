// The demo's front door: what a browser on this machine talks to instead of
// Shopify's admin. It listens on 127.0.0.1 only and passes every request to
// the real app server, with three demo-only differences (none of them is in
// the app's build):
// - pages load the App Bridge stand-in (demo/app-bridge-stand-in.ts) in place
//   of Shopify's CDN script, so navigation, forms and the save bar work and
//   carry the demo's admin session;
// - the Shopify library answers `410 Gone` to user agents that look like bots
//   (isbot: curl, scripts, HeadlessChrome), because inside Shopify's admin
//   only a merchant's browser opens the app. Here any client on this machine
//   is the merchant, so requests reach the app as the browser they are;
// - an admin page opened without Shopify's query parameters (a reload, a
//   pasted link) gets them back, as the admin adds them to every app URL.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isbot } from "isbot";
import { appBridgeStandIn, APP_BRIDGE_URL } from "./app-bridge-stand-in";
import { adminHost, BROWSER_USER_AGENT } from "./shopify-double";

export const FRONT_DOOR_HOST = "127.0.0.1";
const STAND_IN_PATH = "/__demo/app-bridge.js";
const STAND_IN = appBridgeStandIn({ chrome: "visible" });

export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(readonly port: number) {
    super(`port ${port} on ${FRONT_DOOR_HOST} is already in use (another demo or app still running?); stop it or pass --port`);
  }
}

export interface FrontDoor {
  url: string;
  port: number;
  /** Where requests go once the app server is up. */
  connect(upstream: string): void;
  close(): Promise<void>;
}

/** Binds the port first, so a busy one is found before the demo changes anything. */
export async function openFrontDoor(port: number, shop: string): Promise<FrontDoor> {
  let upstream: URL | null = null;
  const server: Server = createServer((request, response) => {
    if (!upstream) {
      response.writeHead(503, { "content-type": "text/plain", "retry-after": "1" }).end("The demo is still starting; reload in a moment.\n");
      return;
    }
    handle(request, response, upstream, shop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "EADDRINUSE" ? new PortInUseError(port) : error));
    server.listen(port, FRONT_DOOR_HOST, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${FRONT_DOOR_HOST}:${bound}`,
    port: bound,
    connect: (url) => (upstream = new URL(url)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function handle(request: IncomingMessage, response: ServerResponse, upstream: URL, shop: string) {
  const url = new URL(request.url ?? "/", "http://front-door");
  if (request.method === "GET" && url.pathname === STAND_IN_PATH) {
    response.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" }).end(STAND_IN);
    return;
  }
  const isDocument = request.method === "GET" && !request.headers.authorization && (request.headers.accept ?? "").includes("text/html");
  if (isDocument && (url.pathname === "/app" || url.pathname.startsWith("/app/")) && !url.searchParams.has("shop")) {
    url.searchParams.set("embedded", "1");
    url.searchParams.set("shop", shop);
    url.searchParams.set("host", adminHost(shop));
    response.writeHead(302, { location: url.pathname + url.search }).end();
    return;
  }

  // The Host header stays the front door's: Remix checks it against Origin on actions.
  const headers = { ...request.headers };
  if (isbot(headers["user-agent"] ?? "")) headers["user-agent"] = BROWSER_USER_AGENT;
  const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers }, (answer) => {
    // The library also preloads App Bridge with a Link header on document responses.
    if (typeof answer.headers.link === "string") answer.headers.link = answer.headers.link.replaceAll(APP_BRIDGE_URL, STAND_IN_PATH);
    const type = answer.headers["content-type"] ?? "";
    if (!type.startsWith("text/html")) {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      return;
    }
    const chunks: Buffer[] = [];
    answer.on("data", (chunk: Buffer) => chunks.push(chunk));
    answer.on("end", () => {
      const html = Buffer.from(Buffer.concat(chunks).toString("utf8").replaceAll(APP_BRIDGE_URL, STAND_IN_PATH));
      const { "content-length": _length, "transfer-encoding": _encoding, ...rest } = answer.headers;
      response.writeHead(answer.statusCode ?? 502, { ...rest, "content-length": html.length }).end(html);
    });
  });
  forward.on("error", (error) => {
    if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
    response.end(`The demo's app server did not answer: ${error.message}\n`);
  });
  request.pipe(forward);
}
