// The ceiling for the capture benchmark: a bare node:http server on PORT that
// reads the body, parses the same JSON and answers 200, nothing else.
import { createServer } from "node:http";

const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    let ok = true;
    try {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      ok = false;
    }
    response.writeHead(ok ? 200 : 400, { "content-type": "application/json" }).end(ok ? '{"ok":true}' : '{"ok":false}');
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
