// The processes the bench spawns: this server, and the three baselines it is compared with. All run with the same
// minimal environment (no NODE_OPTIONS, so no tsx loader, and no CODER_* settings from the developer's shell).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SpawnSpec } from "./stdio-client.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BENCH = fileURLToPath(new URL(".", import.meta.url));

function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8" };
}

/** This server, built (dist/), configured for `fake` and nothing else (no login files). */
export function ours(
  fake: { url: string; token: string },
  env: NodeJS.ProcessEnv = {},
  nodeArgs: string[] = [],
): SpawnSpec {
  return {
    label: "coder-tasks-mcp",
    command: process.execPath,
    args: [...nodeArgs, join(ROOT, "dist", "index.js")],
    env: {
      ...baseEnv(),
      CODER_URL: fake.url,
      CODER_SESSION_TOKEN: fake.token,
      CODER_CONFIG_DIR: "/nonexistent-coder-config",
      ...env,
    },
  };
}

export function minimal(): SpawnSpec {
  return {
    label: "minimal SDK server",
    command: process.execPath,
    args: [join(BENCH, "minimal-server.mjs")],
    env: baseEnv(),
  };
}

export function bareNode(): SpawnSpec {
  return { label: "bare node", command: process.execPath, args: [join(BENCH, "bare-node.mjs")], env: baseEnv() };
}

export const PEER_PACKAGE = "@modelcontextprotocol/server-everything";

/** The peer's bin, run with node directly (npx would add its own start-up to the figure). */
export function peer(): SpawnSpec & { version: string } {
  const pkgPath = createRequire(join(ROOT, "package.json")).resolve(`${PEER_PACKAGE}/package.json`);
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { version: string; bin: string | Record<string, string> };
  const bin = typeof pkg.bin === "string" ? pkg.bin : Object.values(pkg.bin)[0];
  if (!bin) throw new Error(`${PEER_PACKAGE} has no bin`);
  return {
    label: `${PEER_PACKAGE} ${pkg.version}`,
    version: pkg.version,
    command: process.execPath,
    args: [join(dirname(pkgPath), bin), "stdio"],
    env: baseEnv(),
  };
}
