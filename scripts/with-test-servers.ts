// `npx tsx scripts/with-test-servers.ts -- <command> [args...]`
//
// Starts a throwaway PostgreSQL and Redis on free loopback ports, runs the
// command with CART_RELAY_TEST_POSTGRES_URL and CART_RELAY_TEST_REDIS_URL
// set, stops both servers (deleting their data) and exits with the command's
// status. CI runs the scale-mode suite through it.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { startPostgres, startRedis, type ThrowawayServer } from "./throwaway-servers";

const separator = process.argv.indexOf("--");
const command = separator === -1 ? [] : process.argv.slice(separator + 1);
if (command.length === 0) {
  process.stderr.write("usage: npx tsx scripts/with-test-servers.ts -- <command> [args...]\n");
  process.exit(2);
}

const servers: ThrowawayServer[] = [];
let stopped = false;
async function stopServers() {
  if (stopped) return;
  stopped = true;
  await Promise.allSettled(servers.map((server) => server.stop()));
}

let status = 1;
try {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  servers.push(postgres, redis);
  process.stdout.write(`--- PostgreSQL on ${postgres.url}, Redis on ${redis.url}\n`);
  const child = spawn(command[0], command.slice(1), {
    stdio: "inherit",
    env: { ...process.env, CART_RELAY_TEST_POSTGRES_URL: postgres.url, CART_RELAY_TEST_REDIS_URL: redis.url },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  status = await new Promise<number>((resolve) => {
    child.once("error", (error) => {
      process.stderr.write(`could not run ${command[0]}: ${error.message}\n`);
      resolve(127);
    });
    child.once("exit", (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  await stopServers();
}
process.exit(status);
