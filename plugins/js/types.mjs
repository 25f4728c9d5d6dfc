#!/usr/bin/env node
// Regenerates types/wit (TypeScript types of the contract) from wit/v0.1
// with `jco types` (pinned in package.json): `npm run types`.
//
// Known issue worked around here: on Node.js 20, jco 1.35's bundled
// preview2-shim gives its WASI filesystem no preopened directory, so
// `jco types DIR` (and `jco componentize --wit DIR`) cannot read any WIT
// file; the root is preopened by hand before jco runs.

import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules/@bytecodealliance");
const shim = await import(
  pathToFileURL(join(modules, "jco-transpile/node_modules/@bytecodealliance/preview2-shim/dist/nodejs/filesystem.js"))
);
shim._setPreopens({ "/": "/" });
process.argv = [
  process.argv[0],
  "jco",
  "types",
  join(here, "../../wit/v0.1"),
  "--world-name",
  "brand",
  "-o",
  join(here, "types/wit"),
];
await import(pathToFileURL(join(modules, "jco/dist/jco.js")));
