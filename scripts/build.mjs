// Builds dist/: the bin and the demo tour, each bundled with its dependencies into one ESM file plus shared chunks.
// One file loads faster than hundreds of modules, and MCP clients start this server on every launch. Code behind
// dynamic imports (--http, --demo, undici on the first request) stays in chunks that load only when used.
import { chmodSync, rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: ["src/index.ts", "src/demo/tour.ts"],
  outdir: "dist",
  outbase: "src",
  // Chunks beside dist/index.js, so that src/version.ts finds ../package.json from either.
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  legalComments: "none",
  logLevel: "warning",
  // Bundled CommonJS dependencies call require(), which ESM lacks.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
chmodSync("dist/index.js", 0o755);
await import("./build-view.mjs");
