// `--demo`: a simulated Coder deployment, started in this process and seeded with users, templates and tasks,
// that the server then talks to exactly as to a real one. Loaded by the bin only when --demo is given.
import { fileURLToPath } from "node:url";
import { type Config, type Env, loadConfig } from "../config.js";
import { DEMO_AGENT } from "./agent.js";
import { seed } from "./seed.js";
import { CoderSimulator } from "./simulator/index.js";

/** The simulated Coder version: one that serves every task operation. */
const VERSION = "v2.33.1";
/** Each lifecycle step takes from STEP_MS to twice that; the variable sets STEP_MS (tests make it short). */
const STEP_VARIABLE = "CODER_TASKS_MCP_DEMO_STEP_MS";
const DEFAULT_STEP_MS = 400;

export interface Demo {
  /** The configuration that points at the simulator. */
  config: Config;
  close(): Promise<void>;
}

/**
 * Starts the simulator on 127.0.0.1 with a random token. Of `env`, only the CODER_TASKS_MCP_* settings count: the
 * user's CODER_URL, CODER_SESSION_TOKEN and coder login files are not used.
 */
export async function startDemo(env: Env): Promise<Demo> {
  const stepMs = stepSetting(env[STEP_VARIABLE]);
  // Unref'd: the bin ends when its client leaves, whatever the simulator is still doing.
  const sim = await CoderSimulator.start({
    version: VERSION,
    lifecycle: { stepMs, jitterMs: stepMs, agent: DEMO_AGENT },
    unref: true,
  });
  seed(sim);
  const settings = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith("CODER_TASKS_MCP_")));
  // A login directory that does not exist, so that no `coder login` file is read.
  const noLogin = fileURLToPath(new URL("./no-coder-login/", import.meta.url));
  const config = loadConfig({ ...settings, CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token }, noLogin);
  return {
    config: {
      ...config,
      source: "started in this process by --demo; your CODER_URL, token and coder login are unused",
    },
    close: () => sim.close(),
  };
}

function stepSetting(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_STEP_MS;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 1 || value > 60_000) {
    throw new Error(`${STEP_VARIABLE} must be a number of milliseconds from 1 to 60000 (got "${raw}").`);
  }
  return value;
}
