// Builds both Shopify extensions with esbuild the way Shopify CLI bundles
// them (packages/app/src/cli/services/extensions/bundle.ts: bundle, minify,
// jsx automatic, target es6, process.env.* defined, no legal comments; the
// UI extension's entry is a stdin that imports each target's module and
// registers it with shopify.extend) and prints raw and gzip sizes against
// Shopify's 64 KB cap for compiled UI extension bundles. Figures only.
//
//   node bench/extension-bundle.mjs
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CAP = 64 * 1024;

function sharedOptions(env) {
  const define = { "process.env.NODE_ENV": JSON.stringify("production") };
  for (const [key, value] of Object.entries(env)) define[`process.env.${key}`] = JSON.stringify(value);
  return {
    bundle: true,
    define,
    jsx: "automatic",
    loader: { ".esnext": "ts", ".js": "jsx" },
    legalComments: "none",
    minify: true,
    target: "es6",
    resolveExtensions: [".tsx", ".ts", ".js", ".json", ".esnext", ".mjs", ".ejs"],
    write: false,
    logLevel: "silent",
    metafile: true,
  };
}

/** `[[extensions.targeting]]` blocks of a shopify.extension.toml, as the CLI reads them. */
function targetsOf(tomlPath) {
  const blocks = readFileSync(tomlPath, "utf8").split("[[extensions.targeting]]").slice(1);
  return blocks.map((block) => ({
    target: /target\s*=\s*"([^"]+)"/.exec(block)[1],
    module: /module\s*=\s*"([^"]+)"/.exec(block)[1],
  }));
}

async function buildUiExtension(dir, env) {
  const targets = targetsOf(path.join(dir, "shopify.extension.toml"));
  const contents = targets
    .map(({ target, module }, i) => `import Target_${i} from '${module}';shopify.extend('${target}', (...args) => Target_${i}(...args));`)
    .join("\n");
  return build({ ...sharedOptions(env), stdin: { contents, resolveDir: dir, loader: "tsx", sourcefile: "extension-entry.tsx" } });
}

async function buildPixel(dir, env) {
  return build({ ...sharedOptions(env), entryPoints: [path.join(dir, "src/index.ts")] });
}

/** The biggest inputs, to see what a size is made of. */
function topInputs(metafile, count = 4) {
  const output = Object.values(metafile.outputs)[0];
  return Object.entries(output.inputs)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .slice(0, count)
    .map(([file, { bytesInOutput }]) => `${file.replace(/^.*node_modules\//, "")} ${(bytesInOutput / 1024).toFixed(1)} KB`);
}

const env = { CART_RELAY_APP_URL: "https://cart-relay.example.com" };
const rows = [];
for (const [name, dir, builder] of [
  ["checkout-capture (ui_extension, 3 targets)", path.join(root, "extensions/checkout-capture"), buildUiExtension],
  ["checkout-pixel (web_pixel_extension)", path.join(root, "extensions/checkout-pixel"), buildPixel],
]) {
  const result = await builder(dir, env);
  const code = result.outputFiles[0].contents;
  rows.push({ name, raw: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength, inputs: topInputs(result.metafile) });
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const pad = (text, width) => String(text).padEnd(width);
console.log(`esbuild ${(await import("esbuild")).version}, minified, target es6, Shopify cap ${kb(CAP)} per compiled bundle\n`);
console.log(`${pad("extension", 46)}${pad("raw", 12)}${pad("gzip", 12)}of cap`);
for (const row of rows) {
  console.log(`${pad(row.name, 46)}${pad(kb(row.raw), 12)}${pad(kb(row.gzip), 12)}${((row.raw / CAP) * 100).toFixed(0)} %`);
}
console.log("");
for (const row of rows) console.log(`${row.name}: ${row.inputs.join(", ")}`);
