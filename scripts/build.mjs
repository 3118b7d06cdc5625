// Builds dist/: the bin and the demo tour, each bundled with its dependencies into one ESM file plus shared chunks.
// One file loads faster than hundreds of modules, and MCP clients start this server on every launch. Code behind
// dynamic imports (--http, --demo, undici on the first request) stays in chunks that load only when used.
// The bundle carries the SDK, zod and undici, so the package has no runtime dependencies; their licences, and those
// of what the task board view bundles, go to dist/THIRD_PARTY_LICENSES.txt, taken from esbuild's metafiles.
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { buildView } from "./build-view.mjs";

/** The licence text of every package with a file in the bundle, one section per package, sorted by name. */
function thirdPartyLicenses(metas) {
  const dirs = new Set();
  const inputs = metas.flatMap((meta) => Object.values(meta.outputs).flatMap((o) => Object.entries(o.inputs)));
  for (const [input, { bytesInOutput }] of inputs) {
    // The package directory: up to and including the last node_modules/<name> or node_modules/@scope/<name>.
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match && bytesInOutput > 0) dirs.add(match[1]);
  }
  const sections = [...dirs].map((dir) => {
    const { name, version, license } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    if (!file) throw new Error(`${name}: no LICENSE file to ship with the bundle (package.json says ${license})`);
    return { name, text: `${name}@${version} (${license})\n\n${readFileSync(join(dir, file), "utf8").trim()}\n` };
  });
  sections.sort((a, b) => a.name.localeCompare(b.name));
  const names = sections.map((s) => s.name);
  if (new Set(names).size !== names.length) throw new Error(`a package is bundled twice: ${names.join(", ")}`);
  const rule = `\n${"-".repeat(78)}\n\n`;
  return `dist/ bundles code from these packages, under the licences below:\n${names.map((n) => `- ${n}`).join("\n")}${rule}${sections.map((s) => s.text).join(rule)}`;
}

rmSync("dist", { recursive: true, force: true });
const { metafile } = await build({
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
  metafile: true,
  // Bundled CommonJS dependencies call require(), which ESM lacks.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
chmodSync("dist/index.js", 0o755);
const viewMetafile = await buildView();
writeFileSync("dist/THIRD_PARTY_LICENSES.txt", thirdPartyLicenses([metafile, viewMetafile]));
