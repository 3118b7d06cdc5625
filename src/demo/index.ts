// `--demo`: a simulated Coder deployment, started in this process and seeded with users, templates and tasks,
// that the server then talks to exactly as to a real one. Loaded by the bin only when --demo is given.
import { fileURLToPath } from "node:url";
import { type Config, loadConfig } from "../config.js";
import type { DemoSettings } from "../settings.js";
import { DEMO_AGENT } from "./agent.js";
import { seed } from "./seed.js";
import { CoderSimulator } from "./simulator/index.js";

/** The simulated Coder version: one that serves every task operation. */
const VERSION = "v2.33.1";

export interface Demo {
  /** The configuration that points at the simulator. */
  config: Config;
  close(): Promise<void>;
}

/**
 * Starts the simulator on 127.0.0.1 with a random token. Only the CODER_TASKS_MCP_* settings count: the user's
 * CODER_URL, CODER_SESSION_TOKEN and coder login files are not used.
 */
export async function startDemo({ stepMs, tuning }: DemoSettings): Promise<Demo> {
  // Unref'd: the bin ends when its client leaves, whatever the simulator is still doing.
  const sim = await CoderSimulator.start({
    version: VERSION,
    lifecycle: { stepMs, jitterMs: stepMs, agent: DEMO_AGENT },
    unref: true,
  });
  seed(sim);
  // A login directory that does not exist, so that no `coder login` file is read.
  const noLogin = fileURLToPath(new URL("./no-coder-login/", import.meta.url));
  const config = loadConfig({ ...tuning, CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token }, noLogin);
  return {
    config: {
      ...config,
      source: "started in this process by --demo; your CODER_URL, token and coder login are unused",
    },
    close: () => sim.close(),
  };
}
