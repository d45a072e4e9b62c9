// Production server: the Remix build behind Express, so the same process can
// run the embedded worker and shut down gracefully. `npm start` runs this.
// The capture and pixel endpoints are answered first, on the raw node:http
// request (decision 008); everything else goes on to Express and Remix.
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { createRequestHandler } from "@remix-run/express";

const root = path.dirname(fileURLToPath(import.meta.url));
// Importing the build validates the configuration (app/env.server.ts) and exits on a bad one.
const build = await import(path.join(root, "build/server/index.js"));
const { env, logger, startBackgroundWork, answerPublicApi, answerClientError } = build.entry.module;

const app = express();
app.disable("x-powered-by");
app.use("/assets", express.static(path.join(root, "build/client/assets"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(root, "build/client"), { maxAge: "1h" }));
app.get("/healthz", (_req, res) => res.json({ ok: true }));
app.get("/readyz", async (_req, res) => {
  const ready = await build.entry.module.readiness();
  res.status(ready.ok ? 200 : 503).json(ready);
});
app.all("*", createRequestHandler({ build }));

const server = createServer((request, response) => {
  if (!answerPublicApi(request, response)) app(request, response);
});
server.on("clientError", answerClientError);
server.listen(env.PORT, env.HOST, () => logger.info({ port: env.PORT, host: env.HOST }, "Cart Relay listening"));
const stopBackgroundWork = await startBackgroundWork();

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  server.close();
  await stopBackgroundWork();
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
