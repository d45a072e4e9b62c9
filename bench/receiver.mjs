// A BSP stand-in for the delivery benchmarks: answers every request on PORT
// with 200 at once, over keep-alive, and counts them (GET /count).
import { createServer } from "node:http";

let received = 0;
const server = createServer((request, response) => {
  if (request.method === "GET") {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ received }));
    return;
  }
  request.resume();
  request.on("end", () => {
    received++;
    response.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
