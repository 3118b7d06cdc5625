// What other clients and models send, and what users of Coder's own MCP server bring: lenient arguments (null for
// optional, numbers as strings), resource links only on request, CODER_MCP_ALLOWED_TOOLS with Coder's names, and
// every argument of Coder's former task tools.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { parseCli } from "../src/cli.js";
import { loadConfig } from "../src/config.js";
import { TOOLS } from "../src/tools/index.js";
import { ignoredCoderTools, selectTools } from "../src/tools/select.js";
import { FakeCoder } from "./fake-coder/index.js";
import { callTool, type World, world } from "./harness.js";

const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

/** The bin over stdio with `env` added, its stderr collected. */
async function stdioClient(env: Record<string, string>, args: string[] = []) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, ...args],
    env: { PATH: process.env.PATH ?? "", CODER_CONFIG_DIR: "/nonexistent-coder-config", ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  const client = new Client({ name: "compat-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe("lenient arguments", () => {
  let w: World;
  before(async () => {
    w = await world();
    w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTask({
      name: "fix-login",
      state: { state: "idle", message: "done" },
      logs: Array.from({ length: 40 }, (_, i) => ({ type: "output" as const, content: `line ${i}` })),
    });
  });
  after(() => w.close());

  it("takes null for an optional argument as absent", async () => {
    const r = await w.call("coder_list_tasks", { user: null, status: null, organization: null });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.count, 1);
    const logs = await w.call("coder_get_task_logs", { task_id: "fix-login", limit: null, type: null, after_id: null });
    assert.equal(logs.isError, false, logs.text);
    assert.equal(logs.data.entries.length, 40);
  });

  it("takes a number sent as a numeric string", async () => {
    const r = await w.call("coder_get_task_logs", { task_id: "fix-login", limit: "30" });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.entries.length, 30);
    const wait = await w.call("coder_wait_for_task", { task_id: "fix-login", timeout_seconds: " 5 " });
    assert.equal(wait.isError, false, wait.text);
  });

  it("stays strict otherwise, naming the argument", async () => {
    const word = await w.call("coder_get_task_logs", { task_id: "fix-login", limit: "abc" });
    assert.equal(word.isError, true);
    assert.match(word.text, /limit must be an integer \(got "abc"\)/);
    const fraction = await w.call("coder_get_task_logs", { task_id: "fix-login", limit: "2.5" });
    assert.equal(fraction.isError, true);
    assert.match(fraction.text, /limit must be an integer \(got "2.5"\)/);
    const required = await w.call("coder_get_task", { task_id: null });
    assert.equal(required.isError, true);
    assert.match(required.text, /task_id/);
    const boolean = await w.call("coder_create_task", { input: "x", wait: "yes" });
    assert.equal(boolean.isError, true);
    assert.match(boolean.text, /wait/);
    assert.equal(w.fake.requests.filter((q) => q.method === "POST").length, 0, "nothing was created");
  });

  it("shows the same JSON Schema in tools/list: integers stay integers, nothing becomes nullable", async () => {
    const { tools } = await w.client.listTools();
    const logs = tools.find((t) => t.name === "coder_get_task_logs");
    const limit = logs?.inputSchema.properties?.limit as { type?: string };
    assert.equal(limit.type, "integer");
    assert.ok(!JSON.stringify(tools.map((t) => t.inputSchema)).includes('"null"'));
  });
});

describe("resource links", () => {
  let fake: FakeCoder;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login", state: { state: "idle", message: "done" } });
  });
  after(() => fake.close());

  const env = () => ({ CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token });

  it("are left out by default; the URIs are in the structured result", async () => {
    const w = await world({}, {});
    try {
      w.fake.addTemplate({ name: "claude-code" });
      w.fake.addTask({ name: "fix-login", state: { state: "idle", message: "done" } });
      const list = await w.call("coder_list_tasks");
      assert.deepEqual(
        list.raw.content.map((c) => c.type),
        ["text"],
      );
      assert.equal(list.data.tasks[0].uri, "coder://tasks/alice/fix-login");
      const get = await w.call("coder_get_task", { task_id: "fix-login" });
      assert.equal(get.data.uri, "coder://tasks/alice/fix-login");
      const logs = await w.call("coder_get_task_logs", { task_id: "fix-login" });
      assert.equal(logs.data.uri, "coder://tasks/alice/fix-login/logs");
      assert.ok(!logs.raw.content.some((c) => c.type === "resource_link"));
    } finally {
      await w.close();
    }
  });

  it("are sent with CODER_TASKS_MCP_RESOURCE_LINKS=1 and with --resource-links", async () => {
    const byEnv = await stdioClient({ ...env(), CODER_TASKS_MCP_RESOURCE_LINKS: "1" });
    const byFlag = await stdioClient(env(), ["--resource-links"]);
    try {
      for (const c of [byEnv, byFlag]) {
        const r = await callTool(c.client, "coder_get_task", { task_id: "fix-login" });
        assert.equal(r.isError, false, r.text);
        const links = r.raw.content.filter((x) => x.type === "resource_link");
        assert.deepEqual(
          links.map((l) => (l.type === "resource_link" ? l.uri : "")),
          ["coder://tasks/alice/fix-login"],
        );
      }
    } finally {
      await byEnv.close();
      await byFlag.close();
    }
  });

  it("refuses a value of the variable that is not yes or no, naming it", () => {
    assert.equal(parseCli(["--resource-links"], {}).resourceLinks, true);
    const config = loadConfig({ ...env(), CODER_TASKS_MCP_RESOURCE_LINKS: "sometimes" }, "/nonexistent");
    assert.match(config.problem ?? "", /CODER_TASKS_MCP_RESOURCE_LINKS must be 1 or 0 \(got "sometimes"\)/);
  });
});

describe("coming from Coder's MCP server", () => {
  let fake: FakeCoder;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login", state: { state: "idle", message: "done" } });
  });
  after(() => fake.close());

  it("starts with Coder's CODER_MCP_ALLOWED_TOOLS, with one warning, and serves the tools it names", async () => {
    const c = await stdioClient({
      CODER_URL: fake.url,
      CODER_SESSION_TOKEN: fake.token,
      CODER_MCP_ALLOWED_TOOLS: "coder_list_workspaces,coder_list_tasks,coder_get_task_status",
    });
    try {
      const { tools } = await c.client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), ["coder_get_task", "coder_list_tasks"]);
      const list = await callTool(c.client, "coder_list_tasks", { status: "active" });
      assert.equal(list.isError, false, list.text);
      assert.equal(list.data.tasks[0].name, "fix-login");
      const get = await callTool(c.client, "coder_get_task", { task_id: "fix-login" });
      assert.equal(get.data.status, "active");
      await until(() => c.stderr().includes(" as alice"));
      const warnings = c.stderr().match(/warning: CODER_MCP_ALLOWED_TOOLS[^\n]*/g) ?? [];
      assert.equal(warnings.length, 1, c.stderr());
      assert.match(warnings[0] ?? "", /does not have, ignored: coder_list_workspaces\.$/);
    } finally {
      await c.close();
    }
  });

  it("keeps --tools strict, and lets it win over Coder's variable", () => {
    const strict = spawnSync(process.execPath, [BIN, "--tools", "coder_get_task_status"], {
      encoding: "utf8",
      input: "",
      env: { PATH: process.env.PATH ?? "", CODER_MCP_ALLOWED_TOOLS: "coder_list_tasks" },
    });
    assert.equal(strict.status, 2);
    assert.match(strict.stderr, /Unknown tool "coder_get_task_status"/);
    const both = parseCli(["--tools", "coder_get_task"], { CODER_MCP_ALLOWED_TOOLS: "coder_list_workspaces" });
    assert.deepEqual([...selectTools(TOOLS, both.tools)], ["coder_get_task"]);
    assert.deepEqual(ignoredCoderTools(TOOLS, both.tools), []);
  });

  it("serves no tool, rather than all, when Coder's variable names none of this server's", () => {
    const selection = parseCli([], { CODER_MCP_ALLOWED_TOOLS: "coder_list_workspaces" }).tools;
    assert.equal(selectTools(TOOLS, selection).size, 0);
    assert.deepEqual(ignoredCoderTools(TOOLS, selection), ["coder_list_workspaces"]);
  });
});

describe("the arguments of Coder's former task tools", () => {
  let w: World;
  let claude: ReturnType<World["fake"]["addTemplate"]>;
  before(async () => {
    w = await world();
    w.fake.addUser({ username: "bob" });
    claude = w.fake.addTemplate({ name: "claude-code", presets: [{ name: "Small" }, { name: "Large" }] });
    w.fake.addTask({ name: "fix-login", state: { state: "idle", message: "done" } });
    w.fake.addTask({ owner: "bob", name: "bobs-task", status: "paused" });
  });
  after(() => w.close());

  it("coder_list_tasks: user and status", async () => {
    const bobs = await w.call("coder_list_tasks", { user: "bob", status: "paused" });
    assert.equal(bobs.isError, false, bobs.text);
    assert.deepEqual(
      bobs.data.tasks.map((t: { name: string }) => t.name),
      ["bobs-task"],
    );
    const none = await w.call("coder_list_tasks", { user: "bob", status: "active" });
    assert.equal(none.data.count, 0);
  });

  it('takes "" for user, status and template_version_preset_id as left out, as Coder\'s tools did', async () => {
    const mine = await w.call("coder_list_tasks", { user: "", status: "" });
    assert.equal(mine.isError, false, mine.text);
    assert.deepEqual(
      mine.data.tasks.map((t: { name: string }) => t.name),
      ["fix-login"],
    );
    const r = await w.call("coder_create_task", {
      input: "Write the changelog",
      template_version_id: claude.activeVersionId,
      template_version_preset_id: "",
      user: "",
    });
    assert.equal(r.isError, false, r.text);
    const post = w.fake.requests.filter((q) => q.method === "POST").at(-1);
    assert.equal(post?.rawUrl, "/api/v2/tasks/me");
    assert.equal(JSON.parse(post?.body ?? "{}").template_version_preset_id, undefined);
    const blankId = await w.call("coder_get_task", { task_id: "" });
    assert.equal(blankId.isError, true, "a required argument stays required");
  });

  it("coder_create_task: input, template_version_id, template_version_preset_id and user (the owner)", async () => {
    const large = claude.presets.find((p) => p.name === "Large")?.id;
    const r = await w.call("coder_create_task", {
      input: "Fix the flaky test",
      template_version_id: claude.activeVersionId,
      template_version_preset_id: large,
      user: "bob",
    });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.task.owner, "bob");
    const post = w.fake.requests.filter((q) => q.method === "POST").at(-1);
    assert.equal(post?.rawUrl, "/api/v2/tasks/bob");
    assert.deepEqual(JSON.parse(post?.body ?? "{}"), {
      input: "Fix the flaky test",
      template_version_id: claude.activeVersionId,
      template_version_preset_id: large,
    });
  });

  it("coder_get_task (for coder_get_task_status), coder_send_task_input, coder_get_task_logs, coder_delete_task: task_id and input", async () => {
    const status = await w.call("coder_get_task", { task_id: "fix-login" });
    assert.equal(status.data.status, "active");
    assert.equal(status.data.state, "idle");
    const sent = await w.call("coder_send_task_input", { task_id: "fix-login", input: "Also update the README" });
    assert.equal(sent.isError, false, sent.text);
    assert.deepEqual(w.fake.sentInputs("fix-login").at(-1), "Also update the README");
    const logs = await w.call("coder_get_task_logs", { task_id: "alice/fix-login" });
    assert.equal(logs.isError, false, logs.text);
    const deleted = await w.call("coder_delete_task", { task_id: status.data.id });
    assert.equal(deleted.isError, false, deleted.text);
    assert.equal(deleted.data.deleted, true);
  });
});
