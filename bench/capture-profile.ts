// Where a server's CPU went, from a V8 CPU profile (`node --cpu-prof`): self
// time per function and per package, as shares of the profile. Used by
// `bench/capture-api.ts --profile`; also runs alone:
//
//   npx tsx bench/capture-profile.ts path/to/file.cpuprofile [--top 30]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { table } from "./lib";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package (or app/ folder) a script belongs to, for grouping. */
function ownerOf(url: string): string {
  if (url === "") return "(native / V8)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith("node:")) return url;
  if (url.includes("/build/server/")) return "app (server build)";
  return url.replace(/^file:\/\//, "").replace(/^.*\/(app|bench|server\.mjs)/, "$1");
}

export function summarizeProfile(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  let total = 0;
  let idle = 0;
  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") {
      idle += micros;
      continue;
    }
    total += micros;
    const name = `${functionName || "(anonymous)"} ${url ? `${ownerOf(url)}:${lineNumber + 1}` : ""}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + micros);
    owners.set(ownerOf(url), (owners.get(ownerOf(url)) ?? 0) + micros);
  }
  const share = (micros: number) => `${((100 * micros) / total).toFixed(1)} %`;
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `busy ${(total / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s`,
    "",
    table(
      ["self time by package", "share"],
      sorted(owners).map(([name, micros]) => [name, share(micros)]),
    ),
    "",
    table(
      ["self time by function", "share"],
      sorted(functions).map(([name, micros]) => [name, share(micros)]),
    ),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "30" } } });
  if (!positionals[0]) {
    process.stderr.write("usage: npx tsx bench/capture-profile.ts file.cpuprofile [--top 30]\n");
    process.exit(2);
  }
  process.stdout.write(`${summarizeProfile(JSON.parse(readFileSync(positionals[0], "utf8")) as CpuProfile, Number(values.top))}\n`);
}
