// Finds a Chromium for the browser tests, in this order: CHROMIUM_PATH, a
// system Chromium on PATH, else the build shipped inside the @sparticuz/chromium
// dev dependency (from the npm registry; nothing is downloaded). Says in one
// line which one it uses.
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium as playwright, type Browser } from "playwright-core";

// The flags ENVIRONMENT.md lists for Chromium on these machines.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const SYSTEM_NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

export interface ChromiumChoice {
  executablePath: string;
  source: "CHROMIUM_PATH" | "PATH" | "@sparticuz/chromium";
  args: string[];
  env?: Record<string, string>;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first Chromium-like executable on `searchPath`, or undefined. */
export function chromiumOnPath(searchPath = process.env.PATH ?? ""): string | undefined {
  for (const name of SYSTEM_NAMES) {
    for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
      const candidate = path.join(dir, name);
      if (executable(candidate)) return candidate;
    }
  }
  return undefined;
}

// @sparticuz/chromium unpacks into os.tmpdir(). Unpack into a scratch folder
// under node_modules/.cache and rename it into place, so a half-unpacked build
// is never taken for a whole one and other checkouts' copies are never shared.
async function npmChromium(): Promise<ChromiumChoice> {
  const packageJson = path.resolve("node_modules/@sparticuz/chromium/package.json");
  const { version } = JSON.parse(readFileSync(packageJson, "utf8")) as { version: string };
  const cache = path.resolve("node_modules/.cache/cart-relay");
  const home = path.join(cache, `chromium-${version}`);
  if (!existsSync(path.join(home, "chromium"))) {
    mkdirSync(cache, { recursive: true });
    const scratch = mkdtempSync(path.join(cache, "unpacking-"));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      const { default: sparticuz } = await import("@sparticuz/chromium");
      await sparticuz.executablePath();
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    try {
      renameSync(scratch, home);
    } catch (error) {
      // Another run renamed its copy first: use that one.
      rmSync(scratch, { recursive: true, force: true });
      if (!existsSync(path.join(home, "chromium"))) throw error;
    }
  }
  // Its fonts.conf names Lambda's folders; point fontconfig at the Open Sans it
  // ships and at the system's fonts, so pages stay legible with no fonts installed.
  const fontsConf = path.join(home, "cart-relay-fonts.conf");
  if (!existsSync(fontsConf)) {
    writeFileSync(
      fontsConf,
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(home, "fonts", "fonts")}</dir>\n  <dir>/usr/share/fonts</dir>\n  <dir>/usr/local/share/fonts</dir>\n  <cachedir>${path.join(home, "fonts-cache")}</cachedir>\n</fontconfig>\n`,
    );
  }
  const { default: sparticuz } = await import("@sparticuz/chromium");
  // Its --headless='shell' and --single-process stay; ours add the quiet-network flags.
  const args = [...new Set([...sparticuz.args, ...FLAGS.filter((flag) => flag !== "--headless")])];
  return { executablePath: path.join(home, "chromium"), source: "@sparticuz/chromium", args, env: { FONTCONFIG_FILE: fontsConf } };
}

/** Decides which Chromium the tests use, without launching it. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) {
    if (!executable(explicit)) throw new Error(`CHROMIUM_PATH=${explicit} is not an executable file`);
    return { executablePath: explicit, source: "CHROMIUM_PATH", args: FLAGS };
  }
  const system = chromiumOnPath(env.PATH);
  if (system) return { executablePath: system, source: "PATH", args: FLAGS };
  return npmChromium();
}

/** Launches the chosen Chromium headless and prints one line saying which it is. */
export async function launchChromium(): Promise<Browser> {
  const choice = await findChromium();
  process.stdout.write(`browser tests use Chromium from ${choice.source}: ${choice.executablePath}\n`);
  return playwright.launch({
    executablePath: choice.executablePath,
    args: choice.args,
    ...(choice.env ? { env: { ...process.env, ...choice.env } } : {}),
  });
}
