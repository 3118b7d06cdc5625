// Everything the user configures (flags, environment, the coder CLI's login files) read once, here, into one value.
// Nothing else under src/ reads the environment or the command line. A refusal names the flag or variable to fix.
import { CliError, type CliOptions, parseCli } from "./cli.js";
import { type Config, type Env, loadConfig } from "./config.js";

/** The user's deployment, or with --demo the demo's settings instead. */
export type Settings = {
  flags: CliOptions;
  /** CODER_TASKS_MCP_HTTP_TOKEN: the bearer token --http requires of every client. */
  httpToken?: string;
} & ({ config: Config; demo?: undefined } | { demo: DemoSettings; config?: undefined });

export interface DemoSettings {
  /** Each simulated lifecycle step takes from stepMs to twice that. */
  stepMs: number;
  /** The CODER_TASKS_MCP_* tuning variables: not CODER_URL, the session token or the login files. */
  tuning: Env;
}

const STEP_VARIABLE = "CODER_TASKS_MCP_DEMO_STEP_MS";
const DEFAULT_STEP_MS = 400;

/** Throws a CliError that names the flag or variable when one is refused; other problems are in `config.problem`. */
export function loadSettings(argv: string[], env: Env, configDir?: string): Settings {
  const flags = parseCli(argv, env);
  const httpToken = env.CODER_TASKS_MCP_HTTP_TOKEN?.trim() || undefined;
  if (flags.demo) {
    const tuning = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith("CODER_TASKS_MCP_")));
    return { flags, httpToken, demo: { stepMs: stepSetting(env[STEP_VARIABLE]), tuning } };
  }
  return { flags, httpToken, config: withFlags(loadConfig(env, configDir), flags) };
}

/** The configuration with what flags add to it (--resource-links). */
export function withFlags(config: Config, flags: CliOptions): Config {
  return flags.resourceLinks ? { ...config, resourceLinks: true } : config;
}

function stepSetting(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_STEP_MS;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 1 || value > 60_000) {
    throw new CliError(`${STEP_VARIABLE} must be a number of milliseconds from 1 to 60000 (got "${raw}").`);
  }
  return value;
}
