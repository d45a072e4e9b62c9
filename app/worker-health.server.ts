// A health signal for `npm run worker` processes, which serve no HTTP
// otherwise: with CART_RELAY_WORKER_HEALTH_PORT set, /healthz answers 200
// while the worker runs (503 once it is stopping) and /readyz also touches the
// database, so an orchestrator can restart a worker that lost it.
import { createServer, type Server } from "node:http";
import { readiness } from "./health.server";
import { logger } from "./logger.server";

export interface WorkerHealth {
  /** Marks the worker as stopping (503) and closes the listener. */
  close(): Promise<void>;
}

/** The port from CART_RELAY_WORKER_HEALTH_PORT, undefined when unset; a bad value throws naming it. */
export function workerHealthPort(value = process.env.CART_RELAY_WORKER_HEALTH_PORT): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`CART_RELAY_WORKER_HEALTH_PORT must be a port number from 1 to 65535 (got ${JSON.stringify(value)})`);
  }
  return port;
}

export async function startWorkerHealth(port = workerHealthPort(), host = "0.0.0.0"): Promise<WorkerHealth> {
  if (port === undefined) return { close: async () => {} };
  let stopping = false;
  const server: Server = createServer((request, response) => {
    const send = (status: number, body: object) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    const { pathname } = new URL(request.url ?? "/", "http://worker");
    if (pathname === "/healthz") return send(stopping ? 503 : 200, { ok: !stopping, role: "worker" });
    if (pathname === "/readyz") {
      if (stopping) return send(503, { ok: false, role: "worker", stopping: true });
      void readiness().then((ready) => send(ready.ok ? 200 : 503, { ...ready, role: "worker" }));
      return;
    }
    send(404, { error: "not found" });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  logger.info({ port }, "worker health listening");
  return {
    async close() {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
