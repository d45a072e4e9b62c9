// Stops `npm run demo` and `npm test` at once, with the fix, on a Node older
// than package.json's engines (on Node 20 they failed later, deep inside
// Prisma or a native module, with nothing pointing at the cause).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** The problem with running `version` under the `>=N` engines range, or null when it is fine. */
export function nodeVersionProblem(version, range) {
  const wanted = /^>=\s*(\d+)/.exec(range ?? "")?.[1];
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  if (!wanted || major >= Number(wanted)) return null;
  return `Cart Relay needs Node ${wanted} or newer; this is Node ${version.replace(/^v/, "")}. README's "The two commands" says how to get it (nvm install, or from the npm registry).`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { engines } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const problem = nodeVersionProblem(process.version, engines?.node);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
