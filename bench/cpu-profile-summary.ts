// Where a V8 CPU profile's time went: self time per function and per package
// or app folder, busiest first, as shares of the profile's wall time.
//
//   npx tsx bench/cpu-profile-summary.ts PROFILE.cpuprofile [--top 25]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { table } from "./lib";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" } } });
if (positionals.length !== 1) {
  process.stderr.write("usage: npx tsx bench/cpu-profile-summary.ts PROFILE.cpuprofile [--top 25]\n");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], "utf8")) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const wall = profile.endTime - profile.startTime;

function area(url: string): string {
  if (!url) return "(native / V8)";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith("node:")) return url;
  const app = /\/(app\/[^/]+|bench|scripts)\//.exec(url);
  return app ? app[1] : url;
}

const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
  const name = `${functionName || "(anonymous)"} ${url ? `${area(url)}:${lineNumber + 1}` : ""}`.trim();
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  byArea.set(area(url), (byArea.get(area(url)) ?? 0) + us);
}
const rows = (entries: Map<string, number>) =>
  [...entries]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(values.top))
    .map(([name, us]) => [name, `${((us / wall) * 100).toFixed(1)} %`, `${(us / 1000).toFixed(0)} ms`]);
process.stdout.write(
  `wall ${(wall / 1e6).toFixed(1)} s\n\n${table(["area", "share", "self"], rows(byArea))}\n\n${table(["function", "share", "self"], rows(byFunction))}\n`,
);
