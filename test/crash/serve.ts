// The bin's serving modules (src/run/) with a Coder client that fails the way a bug would: asked for the task
// "explode", it throws from a timer (an uncaught exception); for "reject", it leaves a rejected promise nobody
// awaits. Either happens inside whatever request asked. A signal, SIGUSR2, throws outside any request. Test code
// only: the tests spawn it as a process, like the bin, with the bin's flags.
import { CoderClient } from "../../src/coder/client.js";
import type { Task } from "../../src/coder/schemas.js";
import { redactor } from "../../src/redact.js";
import type { Bin } from "../../src/run/bin.js";
import { runHttp } from "../../src/run/http.js";
import { runStdio } from "../../src/run/stdio.js";
import { loadSettings } from "../../src/settings.js";

class FailingCoder extends CoderClient {
  override resolveTask(identifier: string, opts = {}): Promise<Task> {
    if (identifier === "explode") {
      setTimeout(() => {
        throw new Error("the test's exploding client");
      });
    }
    if (identifier === "reject") void Promise.reject(new Error("the test's rejecting client"));
    return super.resolveTask(identifier, opts);
  }
}

const settings = loadSettings(process.argv.slice(2), process.env, "/nonexistent");
if (!settings.config?.coderUrl || !settings.config.token) throw new Error("set CODER_URL and CODER_SESSION_TOKEN");
const { config } = settings;
const coder = new FailingCoder({
  baseUrl: config.coderUrl as URL,
  token: config.token as string,
  timeoutMs: config.timeoutMs,
  maxBodyBytes: config.maxBodyBytes,
  userAgent: "crash-test",
});
const redact = redactor([config.token]);
const bin: Bin = { settings, config, coder, redact, log: (line) => process.stderr.write(`${redact(line)}\n`) };
process.on("SIGUSR2", () =>
  setTimeout(() => {
    throw new Error("the test's signal");
  }),
);
if (settings.flags.http) await runHttp(bin);
else await runStdio(bin);
