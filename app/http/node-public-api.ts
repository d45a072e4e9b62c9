import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { PUBLIC_CORS_HEADERS } from "./cors";
import { AppError } from "../errors";
import { MAX_BODY_BYTES } from "./read-json";
import { answerOf, methodNotAllowed, type PublicAnswer, type PublicApiHandler, type PublicApiRequest } from "./public-answer";

// The lean path (decision 008): the capture and pixel endpoints answered on
// the raw node:http request, ahead of Express and Remix, whose per-request
// cost is several times the capture's own.

/** An oversized body is read to its end (and dropped) up to this size, so the client gets its 413 instead of a reset. */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

function tooLarge(limit: number): AppError {
  return new AppError("too_large", `body must be at most ${limit} bytes`);
}

/** The body of at most `limit` bytes, whatever Content-Length claims or chunking hides. */
export function readNodeBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let oversized = Number(request.headers["content-length"] ?? "0") > limit;
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) oversized = true;
      if (!oversized) chunks.push(chunk);
      else if (size > DRAIN_LIMIT_BYTES) {
        request.removeAllListeners("data");
        request.removeAllListeners("end");
        request.resume();
        reject(Object.assign(tooLarge(limit), { closeConnection: true }));
      }
    });
    request.on("end", () => (oversized ? reject(tooLarge(limit)) : resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size))));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, answer: PublicAnswer, close: boolean): void {
  if (answer.status === 204) {
    response.writeHead(204, PUBLIC_CORS_HEADERS);
    response.end();
    return;
  }
  const payload = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    ...PUBLIC_CORS_HEADERS,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    ...(close ? { connection: "close" } : {}),
    ...answer.headers,
  });
  response.end(payload);
}

function publicRequest(request: IncomingMessage, onOversized: () => void): PublicApiRequest {
  return {
    method: request.method ?? "GET",
    header: (name) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    socketAddress: request.socket.remoteAddress ?? null,
    readBody: () =>
      readNodeBody(request).catch((error: unknown) => {
        if ((error as { closeConnection?: boolean }).closeConnection) onOversized();
        throw error;
      }),
  };
}

/**
 * A node:http listener prefix: answers the paths in `routes` (POST and the
 * CORS preflight) and returns true, or returns false and leaves the request
 * to whoever is next.
 */
export function publicApiListener(routes: Record<string, PublicApiHandler>): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    const url = request.url ?? "/";
    const query = url.indexOf("?");
    const handler = routes[query === -1 ? url : url.slice(0, query)];
    if (!handler) return false;
    const method = request.method ?? "GET";
    if (method === "OPTIONS") {
      send(response, { status: 204, body: null }, false);
      return true;
    }
    let close = false;
    const answer = method === "POST" ? answerOf(() => handler(publicRequest(request, () => (close = true)))) : Promise.resolve(methodNotAllowed(method));
    void answer.then((result) => send(response, result, close));
    return true;
  };
}

/**
 * node:http's answer to a request it could not parse (headers over its 16 KB
 * limit, a malformed request line): a JSON error with CORS, like every other
 * refusal, instead of a bare status line. For the server's `clientError` event.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request Header Fields Too Large", "request headers must be at most 16 KB"]
      : [400, "Bad Request", "the request is not valid HTTP"];
  const body = JSON.stringify({ error: message });
  const cors = Object.entries(PUBLIC_CORS_HEADERS)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${cors}connection: close\r\n\r\n${body}`,
  );
}
