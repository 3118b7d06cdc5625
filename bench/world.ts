// The fake deployments the sections run against, and direct HTTP to them (the baseline a server call is compared
// with). The fake validates every success body with Ajv and has no switch for it: that cost is in both sides.
import { Pool } from "undici";
import { FakeCoder, loadContract } from "../test/fake-coder/index.js";

export { FakeCoder, loadContract };

/** A fake with one template and `tasks` active tasks named bench-task-0..n-1, each with a short conversation. */
export async function fakeWithTasks(tasks: number): Promise<FakeCoder> {
  const fake = await FakeCoder.start();
  fake.addTemplate({ name: "bench-template", displayName: "Bench Template" });
  for (let i = 0; i < tasks; i++) {
    fake.addTask({
      name: `bench-task-${i}`,
      prompt: `Fix the flaky test number ${i} in the payments service and open a pull request.`,
      state: { state: i % 3 === 0 ? "working" : "idle", message: `Looking at test ${i}; the retry logic is suspect.` },
      logs: [
        { type: "input", content: `Fix the flaky test number ${i} in the payments service.` },
        { type: "output", content: `I found the flaky test ${i}: a race in the retry loop. Patching it now.` },
      ],
    });
  }
  return fake;
}

/** Keep-alive GETs with undici, as the server makes them, timed from request to parsed JSON. */
export class Direct {
  private readonly pool: Pool;

  constructor(private readonly fake: FakeCoder) {
    this.pool = new Pool(fake.origin, { connections: 16, keepAliveTimeout: 30_000 });
  }

  async get(path: string): Promise<unknown> {
    const res = await this.pool.request({
      method: "GET",
      path,
      headers: { accept: "application/json", "coder-session-token": this.fake.token, "user-agent": "bench-direct" },
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
    return JSON.parse(text);
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
