// Writes the Flow trigger extensions' shopify.extension.toml files from app/flow/flow-triggers.ts.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { flowExtensionFiles } from "../app/flow/flow-extension-toml";

for (const [file, content] of flowExtensionFiles()) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  console.log(`wrote ${file}`);
}
