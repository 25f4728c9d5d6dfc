#!/usr/bin/env node
// Builds a brand plugin written with @vitrine/brand into a wasm component.
//
//   node build.mjs PLUGIN.js -o PLUGIN.wasm [--wit DIR] [--raw]
//
// `--raw`: PLUGIN.js exports `bidder` itself (no SDK) and is built with
// StarlingMonkey's default features, as `jco componentize` builds it (it
// then imports wasi:http, clocks, randomness and stdio): for the hostile
// fixtures, and to check that the host accepts a default build.
//
// PLUGIN.js default-exports `defineBrand({...})`. The build writes an entry
// module that routes the SDK's catalog and log to the WIT imports and
// exports the brand as `vitrine:brand/bidder`, bundles it with esbuild
// (the component runs one module), and makes the component with
// componentize-js, every optional WASI feature disabled (a plugin has no
// clock, randomness, stdio or network to use).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error("usage: node build.mjs PLUGIN.js -o PLUGIN.wasm [--wit DIR] [--raw]");
  process.exit(2);
}

const args = process.argv.slice(2);
let input;
let output;
let wit = resolve(here, "../../wit/v0.1");
let raw = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "-o" || args[i] === "--output") output = args[++i];
  else if (args[i] === "--raw") raw = true;
  else if (args[i] === "--wit") wit = args[++i];
  else if (args[i].startsWith("-")) usage(`unknown option ${args[i]}`);
  else input = args[i];
}
if (!input || !output) usage();

const { build } = await import("esbuild");
const { componentize } = await import("@bytecodealliance/componentize-js");

const work = mkdtempSync(join(tmpdir(), "vitrine-js-"));
try {
  const entry = join(work, "entry.js");
  writeFileSync(
    entry,
    raw ? `export { bidder } from ${JSON.stringify(resolve(input))};\n` : [
      `import { get } from "vitrine:brand/catalog@0.1.0";`,
      `import { log } from "vitrine:brand/logging@0.1.0";`,
      `import { bidderFor, useHost, warmUp } from ${JSON.stringify(join(here, "src/index.js"))};`,
      `import brand from ${JSON.stringify(resolve(input))};`,
      `useHost(get, log);`,
      `warmUp();`,
      `export const bidder = bidderFor(brand);`,
      ``,
    ].join("\n"),
  );
  const bundled = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["vitrine:*"],
    alias: { "@vitrine/brand": join(here, "src/index.js") },
    write: false,
    logLevel: "error",
  });
  const source = bundled.outputFiles[0].text;
  const { component } = await componentize(source, {
    witPath: wit,
    worldName: "brand",
    disableFeatures: raw ? [] : ["stdio", "random", "clocks", "http", "fetch-event"],
  });
  writeFileSync(output, component);
  console.log(`built ${output} (${(component.length / 1e6).toFixed(1)} MB)`);
} catch (e) {
  console.error(`error: building ${input} failed: ${e?.message ?? e}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
