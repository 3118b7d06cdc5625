// Task identifiers: the three forms Coder's SDK accepts, and inputs that try to leave the task routes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CoderClient } from "../src/coder/client.js";
import { type World, world } from "./harness.js";

describe("task identifiers", () => {
  let w: World;
  before(async () => {
    w = await world();
    w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTask({ name: "fix-login" });
  });
  after(() => w.close());

  const hostile = [
    "..",
    ".",
    "../../users/me",
    "me/..",
    "../fix-login",
    "a/b/c",
    "alice/fix-login/send",
    "/fix-login",
    "alice/",
    "/",
    "fix-login?x=1",
    "fix-login#frag",
    "fix%2Flogin",
    "%2e%2e",
    "fix login",
    "tâche",
    "fix-login\u0000",
    "x".repeat(201),
  ];

  it("refuses every identifier that is not a UUID, a name or owner/name, with a clear message", async () => {
    for (const task_id of hostile) {
      for (const tool of ["coder_get_task", "coder_send_task_input", "coder_delete_task"]) {
        const args = tool === "coder_send_task_input" ? { task_id, input: "hi" } : { task_id };
        const r = await w.call(tool, args);
        assert.equal(r.isError, true, `${tool} ${JSON.stringify(task_id)}`);
        assert.match(r.text, /task_id|too_big|at most/i, r.text);
      }
    }
    const outside = w.fake.requests.filter((r) => !r.path.startsWith("/api/v2/tasks/"));
    assert.deepEqual(outside, [], "no request left the task routes");
    assert.equal(w.fake.requests.length, 0, "nothing at all was sent for invalid identifiers");
  });

  it("encodes every path segment, so a name can never change the path", async () => {
    const coder = new CoderClient({
      baseUrl: new URL(w.fake.url),
      token: w.fake.token,
      timeoutMs: 30_000,
      userAgent: "t",
    });
    try {
      await assert.rejects(coder.getTask({ owner: "me", task: "a/b?c#d%e" }), /Resource not found/);
      await assert.rejects(coder.getTask({ owner: "me", task: ".." }), /cannot be used as a path segment/);
      await assert.rejects(coder.getTask({ owner: "%2E%2e", task: "x" }), /cannot be used as a path segment/);
    } finally {
      await coder.close();
    }
    assert.deepEqual(
      w.fake.requests.map((r) => r.rawUrl),
      ["/api/v2/buildinfo", "/api/v2/tasks/me/a%2Fb%3Fc%23d%25e"],
    );
  });
});
