import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { handleCapture } from "../app/capture/capture-request.server";
import { answerClientError, publicApiListener } from "../app/http/node-public-api";
import { handlePixel } from "../app/pixel/pixel-request.server";

// The lean node:http path of server.mjs, in the test's own process (so the
// test can look into the store and the database), on a loopback port.
export interface PublicApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startPublicApiServer(): Promise<PublicApiServer> {
  const answer = publicApiListener({ "/api/capture": (r) => handleCapture(r), "/api/pixel": (r) => handlePixel(r) });
  const server: Server = createServer((request, response) => {
    if (!answer(request, response)) {
      response.writeHead(404);
      response.end();
    }
  });
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever JSON the server sent; each test reads it in the shape it asserts
  body: any;
}

export interface RawPostOptions {
  headers?: Record<string, string>;
  /** The loopback address to connect from (127.0.0.2, ...): a distinct client to the server. */
  localAddress?: string;
  /** Sent with Transfer-Encoding: chunked, in these pieces. */
  chunks?: string[];
}

/** A POST over a fresh connection, answering with the parsed JSON body. */
export function rawPost(url: string, body: string, options: RawPostOptions = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: "POST",
        agent: false,
        localAddress: options.localAddress,
        headers: { "content-type": "application/json", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36", ...options.headers },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: text ? JSON.parse(text) : null }));
      },
    );
    request.on("error", reject);
    if (options.chunks) {
      for (const chunk of options.chunks) request.write(chunk);
      request.end();
    } else request.end(body);
  });
}
