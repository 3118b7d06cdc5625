// The built bin in --demo mode as a child process, for tests that drive it with clients written elsewhere. Each
// child runs in its own process group, so that killing the group also ends what it started.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

/** The children's environment: a short demo step, no user configuration (the demo ignores it anyway), no proxy. */
export const DEMO_ENV = { PATH: process.env.PATH ?? "", HOME: "/nonexistent", CODER_TASKS_MCP_DEMO_STEP_MS: "30" };

/** A cap for a child that never gets going, not a time the test expects: generous for a loaded machine. */
const START_LIMIT_MS = 60_000;

/** Kills a child's whole process group. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** `coder-tasks-mcp --demo --http --port 0`, once it listens; its URL from the start-up line on stderr. */
export async function startHttpDemo(): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, "--demo", "--http", "--port", "0"], {
    env: DEMO_ENV,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no start-up line within a minute:\n${stderr}`)), START_LIMIT_MS);
      child.on("error", reject);
      child.on("exit", (code, signal) => reject(new Error(`exited (${code ?? signal}) before serving:\n${stderr}`)));
      child.stderr?.on("data", (d: Buffer) => {
        stderr += d;
        const match = /serving MCP over HTTP at (http:\/\/127\.0\.0\.1:(\d+)\/mcp)/.exec(stderr);
        if (match?.[1] && match[2] !== "0") resolve(match[1]);
      });
    });
    return { child, url, stderr: () => stderr };
  } catch (err) {
    killGroup(child);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM, then SIGKILL to the group if it has not exited within 5 s. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
  }
  killGroup(child);
}
