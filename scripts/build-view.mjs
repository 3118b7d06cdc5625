// Builds the task board view (src/ui) into one self-contained HTML file, dist/board.html, that the ui:// resource
// serves. Hosts render it in a sandbox with no network: script and style are inlined, nothing is fetched.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const MAX_BYTES = 300 * 1024;

// ext-apps validates its messages with zod, whose namespace export drags in every locale (~265 KB); the view needs
// only the English one, which zod loads by default.
const englishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes("/zod/") ? { path: "zod-locales", namespace: "zod-locales" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: process.cwd(),
    }));
  },
};

const { outputFiles } = await build({
  entryPoints: ["src/ui/board.ts"],
  bundle: true,
  write: false,
  minify: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
  plugins: [englishOnly],
});
const script = outputFiles[0].text.replaceAll("</script", "<\\/script");
const html = readFileSync("src/ui/board.html", "utf8").replace("/*BOARD_SCRIPT*/", () => script);
writeFileSync("dist/board.html", html);
const size = statSync("dist/board.html").size;
if (size > MAX_BYTES) throw new Error(`dist/board.html is ${size} bytes, over the ${MAX_BYTES} budget.`);
