// Lint rule Biome cannot express: under src/, stdout belongs to JSON-RPC, so nothing writes to it directly.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const offenders = [];
for (const entry of readdirSync("src", { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
  const path = join(entry.parentPath, entry.name);
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (/process\.stdout\.write|console\.\w+\(/.test(line) && !line.includes("// stdout-ok"))
        offenders.push(`${path}:${i + 1}: ${line.trim()}`);
    });
}
if (offenders.length > 0) {
  process.stderr.write(`stdout is reserved for JSON-RPC; write diagnostics to stderr:\n${offenders.join("\n")}\n`);
  process.exit(1);
}
