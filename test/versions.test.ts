// Routes and refusals by Coder version: the experimental routes of v2.28, features that arrive later, releases too
// old to support, and deployments where Tasks is gone. The per-version behaviour of every tool is in version-matrix.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { HELP } from "../src/cli.js";
import { SUPPORTED_VERSIONS } from "../src/coder/versions.js";
import { taskRequests, until, world } from "./harness.js";

describe("Coder versions", () => {
  it("states one supported range, in --help and in the README", () => {
    assert.match(SUPPORTED_VERSIONS, /^Coder v2\.28\.0 to v2\.34\.x/);
    assert.ok(HELP.includes(`Supports ${SUPPORTED_VERSIONS}.`), HELP);
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    assert.ok(readme.includes(`Supported: ${SUPPORTED_VERSIONS} `), "README, Coder versions");
  });

  it("uses /api/experimental/tasks on v2.28, and finds tasks by name there by listing", async () => {
    const w = await world({ version: "v2.28.4" });
    try {
      w.fake.addTemplate({ name: "claude-code" });
      const task = w.fake.addTask({ name: "old-school", state: { state: "idle", message: "ok" } });
      const list = await w.call("coder_list_tasks");
      assert.equal(list.isError, false, list.text);
      assert.equal(list.data.count, 1);
      const got = await w.call("coder_get_task", { task_id: "old-school" });
      assert.equal(got.isError, false, got.text);
      assert.equal(got.data.id, task.id);
      const sent = await w.call("coder_send_task_input", { task_id: "old-school", input: "hi" });
      assert.equal(sent.isError, false, sent.text);
      assert.deepEqual(w.fake.sentInputs(task.id), ["hi"]);
      const paths = taskRequests(w.fake);
      assert.ok(paths.length > 0 && paths.every((p) => p.includes("/api/experimental/tasks")), paths.join("\n"));
      assert.ok(!paths.some((p) => p.includes("/old-school")), "names are never put in a path before v2.29");
      assert.equal(w.fake.requests.filter((r) => r.path === "/api/v2/buildinfo").length, 1, "detected once");
    } finally {
      await w.close();
    }
  });

  it("says which Coder version brings a missing feature, before sending anything", async () => {
    const w = await world({ version: "v2.30.2" });
    try {
      w.fake.addTemplate({ name: "claude-code" });
      w.fake.addTask({ name: "no-pause" });
      const r = await w.call("coder_pause_task", { task_id: "no-pause" });
      assert.equal(r.isError, true);
      assert.match(
        r.text,
        /^Pausing and resuming a task needs Coder v2\.31\.1 or later; http:\/\/127\.0\.0\.1:\d+ runs Coder v2\.30\.2\.$/,
      );
      assert.deepEqual(taskRequests(w.fake), [], "nothing sent, not even the lookup");
      const old = await world({ version: "v2.28.0" });
      try {
        old.fake.addTemplate({ name: "claude-code" });
        old.fake.addTask({ name: "paused-one", status: "paused" });
        const u = await old.call("coder_update_task_input", { task_id: "paused-one", input: "new" });
        assert.match(u.text, /^Updating a task's input needs Coder v2\.29\.0 or later/);
        assert.deepEqual(taskRequests(old.fake), []);
      } finally {
        await old.close();
      }
    } finally {
      await w.close();
    }
  });

  it("falls back to the experimental routes when a deployment of unknown version lacks /api/v2/tasks, and says so", async () => {
    const w = await world({ version: "v0.0.0-devel", tasksApi: "experimental-only" });
    const logs: string[] = [];
    try {
      w.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        logs.push(`${n.params.level}: ${String(n.params.data)}`);
      });
      await w.client.setLoggingLevel("info");
      w.fake.addTemplate({ name: "claude-code" });
      w.fake.addTask({ name: "fallback" });
      const r = await w.call("coder_list_tasks");
      assert.equal(r.isError, false, r.text);
      assert.equal(r.data.count, 1);
      const again = await w.call("coder_list_tasks");
      assert.equal(again.data.count, 1);
      assert.deepEqual(
        taskRequests(w.fake).map((p) => p.split("?")[0]),
        ["GET /api/v2/tasks", "GET /api/experimental/tasks", "GET /api/experimental/tasks"],
      );
      await until(() => logs.length > 0, "the fallback notice");
      assert.equal(logs.length, 1, logs.join("\n"));
      assert.match(
        logs[0] ?? "",
        /^notice: Coder v0\.0\.0-devel at http:\/\/127\.0\.0\.1:\d+ has no \/api\/v2\/tasks; using \/api\/experimental\/tasks\.$/,
      );
    } finally {
      await w.close();
    }
  });

  it("honours logging/setLevel: nothing below the level reaches the client", async () => {
    const w = await world({ version: "v0.0.0-devel", tasksApi: "experimental-only" });
    const logs: string[] = [];
    try {
      w.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        logs.push(String(n.params.data));
      });
      await w.client.setLoggingLevel("warning");
      w.fake.addTemplate({ name: "claude-code" });
      assert.equal((await w.call("coder_list_tasks")).isError, false);
      // A warning comes through, after the notice that the first call caused: with it, the notice would be here.
      w.fake.injectFault(
        { method: "GET", path: /\/tasks$/ },
        { status: 503, contentType: "application/json", body: '{"message":"Busy."}' },
      );
      assert.equal((await w.call("coder_list_tasks")).isError, false);
      await until(() => logs.length > 0, "the warning of the retry");
      assert.equal(logs.length, 1, logs.join("\n"));
      assert.match(logs[0] ?? "", /trying again/);
    } finally {
      await w.close();
    }
  });

  it("answers every task tool with one clear sentence where Tasks is disabled", async () => {
    const w = await world({ version: "v2.37.1", tasksApi: "disabled" });
    try {
      const expected =
        /^Coder v2\.37\.1 at http:\/\/127\.0\.0\.1:\d+ does not serve the Tasks API \(from v2\.36 it needs the server flag CODER_ENABLE_AI_TASKS, and later releases remove it\); this server supports Coder v2\.28\.0 to v2\.34\.x, and later releases while they serve Tasks\.$/;
      for (const [name, args] of [
        ["coder_list_tasks", {}],
        ["coder_get_task", { task_id: "x" }],
        ["coder_send_task_input", { task_id: "x", input: "y" }],
        ["coder_delete_task", { task_id: "x" }],
      ] as const) {
        const r = await w.call(name, args);
        assert.equal(r.isError, true, name);
        assert.match(r.text, expected, name);
      }
      assert.equal(taskRequests(w.fake).length, 2, "detected once: one try on each set of routes");
    } finally {
      await w.close();
    }
  });

  it("refuses a deployment older than v2.28 in one sentence, before any other request", async () => {
    const w = await world({ version: "v2.25.3", tasksApi: "disabled" });
    try {
      const r = await w.call("coder_list_tasks");
      assert.match(
        r.text,
        /^Coder v2\.25\.3 at http:\/\/127\.0\.0\.1:\d+ is not supported: this server needs Coder v2\.28\.0 or later, as older releases serve a different Tasks API\.$/,
      );
      assert.deepEqual(
        w.fake.requests.map((q) => q.path),
        ["/api/v2/buildinfo"],
      );
    } finally {
      await w.close();
    }
  });
});
