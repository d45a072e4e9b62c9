import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Issue 18: no two rooms of app/ import each other both ways, except the
// pairs decision 010 lists with its reason. A new pair fails here until the
// decision says why; a listed pair that no longer exists fails too, so the
// list stays the truth. Type-only and dynamic imports count.

const ROOT = path.resolve(import.meta.dirname, "..");
const APP = path.join(ROOT, "app");
const DECISION = path.join(ROOT, "docs/decisions/010-rooms-and-owners.md");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** A folder under app/ is one room; a file directly in app/ is a room of its own. */
function roomOf(file: string): string {
  const parts = path.relative(APP, file).split(path.sep);
  return parts.length === 1 ? parts[0].replace(/(\.server)?\.tsx?$/, "") : parts[0];
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Every room-to-room import: "a -> b" with the lines that make it. */
function roomImports(): Map<string, string[]> {
  const imports = new Map<string, string[]>();
  for (const file of sourceFiles(APP)) {
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2];
      if (!specifier.startsWith(".")) continue;
      const target = path.resolve(path.dirname(file), specifier);
      if (!target.startsWith(APP + path.sep)) continue;
      const [from, to] = [roomOf(file), roomOf(target)];
      if (from === to) continue;
      const key = `${from} -> ${to}`;
      imports.set(key, [...(imports.get(key) ?? []), `${path.relative(ROOT, file)} imports ${specifier}`]);
    }
  }
  return imports;
}

function bothWays(imports: Map<string, string[]>): string[] {
  return [...imports.keys()]
    .map((key) => key.split(" -> "))
    .filter(([a, b]) => a < b && imports.has(`${b} -> ${a}`))
    .map(([a, b]) => `${a} <-> ${b}`)
    .sort();
}

/** The pairs decision 010 explains, one `- \`a\` <-> \`b\`: why` line each. */
function listedPairs(): string[] {
  const text = readFileSync(DECISION, "utf8");
  const section = text.split(/^## /m).find((part) => part.startsWith("Folder pairs that still import each other"));
  if (!section) throw new Error("decision 010 has no section 'Folder pairs that still import each other'");
  return [...section.matchAll(/^- `([\w.-]+)` <-> `([\w.-]+)`/gm)].map(([, a, b]) => [a, b].sort().join(" <-> ")).sort();
}

describe("rooms of app/", () => {
  it("finds the imports it judges (a known one-way import is seen)", () => {
    expect(roomImports().get("routes -> admin")?.length).toBeGreaterThan(0);
  });

  it("import each other both ways only where decision 010 says why", () => {
    const imports = roomImports();
    const listed = new Set(listedPairs());
    const unexplained = bothWays(imports)
      .filter((pair) => !listed.has(pair))
      .map((pair) => {
        const [a, b] = pair.split(" <-> ");
        return `${pair}:\n  ${[...imports.get(`${a} -> ${b}`)!, ...imports.get(`${b} -> ${a}`)!].join("\n  ")}`;
      });
    expect(unexplained, "cut one direction, or say why in docs/decisions/010-rooms-and-owners.md").toEqual([]);
  });

  it("lists no pair in decision 010 that no longer imports both ways", () => {
    const found = new Set(bothWays(roomImports()));
    expect(listedPairs().filter((pair) => !found.has(pair))).toEqual([]);
  });
});
