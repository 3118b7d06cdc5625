// The fake Coder itself: each endpoint's success and main errors as BEHAVIOR.md states them, status derivation,
// mounts, faults, and the contract check that guards every body it sends.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type Answer, call } from "./fake-coder/client.js";
import {
  FakeCoder,
  featuresOf,
  loadContract,
  parseVersion,
  SPEC_URL,
  type Task,
  type TaskStatus,
} from "./fake-coder/index.js";

const RESOURCE_NOT_FOUND = { message: "Resource not found or you do not have access to this resource" };
const SIGNED_OUT = "You are signed out or your session has expired. Please sign in again to continue.";
const BUILD_ACTIVE = {
  message: "A workspace build is already active.",
  detail: "A workspace build is already active.",
};

/** A fake with alice (me), bob, an AI template and a plain one, closed after the suite, whose bodies must conform. */
function suite(name: string, body: (fake: () => FakeCoder) => void): void {
  describe(name, () => {
    let fake: FakeCoder;
    before(async () => {
      fake = await FakeCoder.start();
      fake.addUser({ username: "bob", name: "Bob" });
      fake.addTemplate({
        name: "claude-code",
        displayName: "Claude Code",
        presets: [{ name: "Small", default: true }],
      });
      fake.addTemplate({ name: "plain-vm", aiTask: false });
    });
    after(() => fake.close());
    body(() => fake);
    it("kept every body within the contract", () => assert.deepEqual(fake.violations, []));
  });
}

suite("build info and authentication", (fake) => {
  it("serves buildinfo without a token, and the build version header on every answer", async () => {
    const r = await call(fake(), "GET", "/api/v2/buildinfo", { token: null });
    assert.equal(r.status, 200);
    assert.equal(r.body.version, "v2.33.1+abc1234");
    assert.equal(r.body.external_url, "https://github.com/coder/coder/commit/abc1234");
    assert.equal(r.body.dashboard_url, fake().url);
    assert.equal(r.headers.get("x-coder-build-version"), "v2.33.1+abc1234");
    const notFound = await call(fake(), "GET", "/api/v2/nope");
    assert.deepEqual(notFound.body, { message: "Route not found." });
    assert.equal(notFound.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(notFound.headers.get("x-coder-build-version"), "v2.33.1+abc1234");
  });

  it("answers 401 with the reason the token is refused", async () => {
    const detail = async (token: string | null, headers?: Record<string, string>) => {
      const r = await call(fake(), "GET", "/api/v2/users/me", { token, ...(headers ? { headers } : {}) });
      assert.equal(r.status, 401);
      assert.equal(r.body.message, SIGNED_OUT);
      return r.body.detail;
    };
    assert.equal(await detail(null), 'Cookie "coder_session_token" or query parameter must be provided.');
    assert.equal(await detail("ZZZZZZZZZZ-wrongsecretwrongsecret"), "API key is invalid.");
    assert.equal(await detail(`${fake().token.slice(0, 10)}-wrongsecretwrongsecret`), "API key secret is invalid.");
    assert.equal(await detail("nope"), "Invalid API key format: incorrect amount of API key parts, expected 2 got 1");
    const bearer = await call(fake(), "GET", "/api/v2/users/me", {
      token: null,
      headers: { Authorization: `Bearer ${fake().token}` },
    });
    assert.equal(bearer.status, 200);
  });

  it("issues a second token that signs in as another user, for whom me and owner:me stand", async () => {
    const token = fake().issueToken("bob");
    assert.match(token, /^[0-9a-zA-Z]{10}-[0-9a-zA-Z]{22}$/);
    assert.notEqual(token, fake().token);
    const asBob = (method: string, path: string, body?: unknown) => call(fake(), method, path, { token, body });
    assert.equal((await asBob("GET", "/api/v2/users/me")).body.username, "bob");
    const { active_version_id } = (await asBob("GET", "/api/v2/templates?q=exact_name:claude-code")).body[0];
    const created = await asBob("POST", "/api/v2/tasks/me", {
      input: "Document the API",
      template_version_id: active_version_id,
      name: "bobs-docs",
    });
    assert.deepEqual([created.status, created.body.owner_name], [201, "bob"]);
    assert.equal((await asBob("GET", "/api/v2/tasks/me/bobs-docs")).body.id, created.body.id);
    const mine = await asBob("GET", `/api/v2/tasks?q=${encodeURIComponent("owner:me")}`);
    assert.deepEqual(
      mine.body.tasks.map((t: Task) => t.owner_name),
      ["bob"],
    );
    // The first token is still alice's, and sees bob's task only under his name.
    assert.equal((await call(fake(), "GET", "/api/v2/users/me")).body.username, "alice");
    assert.equal((await call(fake(), "GET", "/api/v2/tasks/me/bobs-docs")).status, 404);
    assert.equal((await call(fake(), "GET", "/api/v2/tasks/bob/bobs-docs")).status, 200);
    const wrongSecret = await call(fake(), "GET", "/api/v2/users/me", {
      token: `${token.slice(0, 10)}-wrongsecretwrongsecret`,
    });
    assert.equal(wrongSecret.body.detail, "API key secret is invalid.");
    assert.throws(() => fake().issueToken("nobody"), /no user nobody/);
  });
});

suite("users", (fake) => {
  it("finds me, a username in any case and a UUID; an unknown user is 404", async () => {
    const me = await call(fake(), "GET", "/api/v2/users/me");
    assert.equal(me.body.username, "alice");
    assert.deepEqual(me.body, fake().me);
    assert.equal((await call(fake(), "GET", "/api/v2/users/BOB")).body.username, "bob");
    assert.equal((await call(fake(), "GET", `/api/v2/users/${me.body.id}`)).body.username, "alice");
    const nobody = await call(fake(), "GET", "/api/v2/users/nobody");
    assert.equal(nobody.status, 404);
    assert.deepEqual(nobody.body, RESOURCE_NOT_FOUND);
  });
});

suite("templates and presets", (fake) => {
  const names = (r: Answer) => r.body.map((t: { name: string }) => t.name);

  it("filters with q, hiding deprecated templates unless asked for", async () => {
    fake().addTemplate({ name: "old-agent", deprecated: true });
    assert.deepEqual(names(await call(fake(), "GET", "/api/v2/templates")), ["claude-code", "plain-vm"]);
    assert.deepEqual(names(await call(fake(), "GET", "/api/v2/templates?q=has-ai-task:true")), ["claude-code"]);
    assert.deepEqual(names(await call(fake(), "GET", "/api/v2/templates?q=deprecated:true")), ["old-agent"]);
    assert.deepEqual(names(await call(fake(), "GET", "/api/v2/templates?q=exact_name:plain-vm")), ["plain-vm"]);
    assert.deepEqual(names(await call(fake(), "GET", "/api/v2/templates?q=claude%20code")), ["claude-code"]);
    const bad = await call(fake(), "GET", "/api/v2/templates?q=colour:blue");
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, {
      message: "Invalid template search query.",
      validations: [{ field: "colour", detail: '"colour" is not a valid query param' }],
    });
  });

  it("gets a template by ID, and its version's presets with PascalCase keys", async () => {
    const [claude] = (await call(fake(), "GET", "/api/v2/templates?q=exact_name:claude-code")).body;
    assert.equal((await call(fake(), "GET", `/api/v2/templates/${claude.id}`)).body.display_name, "Claude Code");
    const presets = await call(fake(), "GET", `/api/v2/templateversions/${claude.active_version_id}/presets`);
    assert.deepEqual(Object.keys(presets.body[0]), [
      "ID",
      "Name",
      "Parameters",
      "Default",
      "DesiredPrebuildInstances",
      "Description",
      "Icon",
    ]);
    assert.equal(presets.body[0].Default, true);
    const invalid = await call(fake(), "GET", "/api/v2/templates/abc");
    assert.deepEqual(invalid.body, { message: 'Invalid UUID "template".', detail: "invalid UUID length: 3" });
    const unknown = await call(fake(), "GET", `/api/v2/templates/${fake().me.id}`);
    assert.deepEqual([unknown.status, unknown.body], [404, RESOURCE_NOT_FOUND]);
  });
});

suite("listing tasks", (fake) => {
  before(() => {
    fake().addTask({ name: "first" });
    fake().addTask({ name: "second", status: "paused" });
    fake().addTask({ owner: "bob", name: "bobs" });
  });
  const list = async (q?: string) => {
    const r = await call(fake(), "GET", `/api/v2/tasks${q === undefined ? "" : `?q=${encodeURIComponent(q)}`}`);
    return { ...r, names: r.status === 200 ? r.body.tasks.map((t: Task) => t.name) : [] };
  };

  it("lists every task newest first without owner:, and filters by owner, bare term and status", async () => {
    const all = await list();
    assert.deepEqual(all.names, ["bobs", "second", "first"]);
    assert.equal(all.body.count, 3);
    assert.deepEqual((await list("owner:me")).names, ["second", "first"]);
    assert.deepEqual((await list('OWNER:"BOB"')).names, ["bobs"]);
    assert.deepEqual((await list("bob")).names, ["bobs"]);
    assert.deepEqual((await list('owner:"me" status:"paused"')).names, ["second"]);
  });

  it("refuses a bad query with validations on q or the key at fault, and fails on an unknown status like the enum cast", async () => {
    const cases: Array<[string, string, string]> = [
      [
        "owner:nobody",
        "owner",
        'Query param "owner" has invalid value: user "nobody" either does not exist, or you are unauthorized to view them',
      ],
      ["a:b:c", "q", `Query element "a:b:c" can only contain 1 ':'`],
      ["owner:", "q", `Query element "owner:" cannot start or end with ':'`],
      ["colour:blue", "colour", '"colour" is not a valid query param'],
    ];
    for (const [q, field, detail] of cases) {
      const r = await list(q);
      assert.equal(r.status, 400, q);
      assert.deepEqual(r.body, { message: "Invalid task search query.", validations: [{ field, detail }] });
    }
    const bogus = await list("status:running");
    assert.equal(bogus.status, 500);
    assert.equal(bogus.body.message, "Internal error fetching tasks.");
  });
});

suite("creating tasks", (fake) => {
  let versionId: string;
  before(async () => {
    versionId = (await call(fake(), "GET", "/api/v2/templates?q=exact_name:claude-code")).body[0].active_version_id;
  });
  const create = (body: unknown, user = "me") => call(fake(), "POST", `/api/v2/tasks/${user}`, { body });

  it("creates a pending task, naming it from the input when no name is given", async () => {
    const r = await create({ input: "Fix the flaky login test", template_version_id: versionId });
    assert.equal(r.status, 201);
    assert.match(r.body.name, /^fix-the-flaky-login-test-[0-9a-f]{4}$/);
    assert.equal(r.body.display_name, "Fix the flaky login test");
    assert.equal(r.body.status, "pending");
    assert.equal(r.body.workspace_status, "pending");
    assert.equal(r.body.workspace_agent_id, null);
    assert.equal(r.body.current_state, null);
    assert.equal(r.body.initial_prompt, "Fix the flaky login test");
    assert.deepEqual(
      fake()
        .getTask(r.body.id)
        ?.logs.map((l) => [l.type, l.content]),
      [["input", "Fix the flaky login test"]],
    );
    const forBob = await create({ input: "x", template_version_id: versionId, name: "for-bob" }, "bob");
    assert.equal(forBob.body.owner_name, "bob");
  });

  it("refuses what Coder refuses, with its messages", async () => {
    const plain = (await call(fake(), "GET", "/api/v2/templates?q=exact_name:plain-vm")).body[0].active_version_id;
    const cases: Array<[unknown, number, object]> = [
      ["{", 400, { message: "Request body must be valid JSON." }],
      // No validation tags: a missing ID is the nil UUID, and a malformed one fails the JSON decoding.
      [{ input: "x" }, 400, { message: "Template version not found or you do not have access to this resource" }],
      [
        { input: "x", template_version_id: "latest" },
        400,
        { message: "Request body must be valid JSON.", detail: "invalid UUID length: 6" },
      ],
      [
        { input: "x", template_version_id: fake().me.id },
        400,
        { message: "Template version not found or you do not have access to this resource" },
      ],
      [
        { input: "x", template_version_id: plain },
        400,
        { message: 'Template does not have a valid "coder_ai_task" resource.' },
      ],
      [
        { input: "x", template_version_id: versionId, name: "Bad Name" },
        400,
        { message: "Unable to create a Task with the provided name.", detail: "must be alphanumeric with hyphens" },
      ],
      [{ input: "x", template_version_id: versionId, name: "new" }, 400, { detail: 'cannot use "new" as a name' }],
      [
        { input: "x", template_version_id: versionId, name: "a".repeat(33) },
        400,
        { detail: "must be <= 32 characters" },
      ],
      [
        { input: "x", template_version_id: versionId, display_name: "d".repeat(65) },
        400,
        { message: "Display name must be 64 characters or less." },
      ],
      [{ input: "x", template_version_id: versionId, name: "for-bob" }, 201, {}],
      [
        { input: "x", template_version_id: versionId, name: "FOR-BOB" },
        409,
        { message: 'Workspace "FOR-BOB" already exists.' },
      ],
      [
        { input: "x", template_version_id: versionId, template_version_preset_id: versionId },
        400,
        { message: "Template version preset not found." },
      ],
    ];
    for (const [body, status, expected] of cases) {
      const r = await create(body);
      assert.equal(r.status, status, JSON.stringify(body));
      for (const [key, value] of Object.entries(expected))
        assert.equal(r.body[key], value, `${key} of ${JSON.stringify(body)}`);
    }
  });
});

suite("getting and deleting tasks", (fake) => {
  it("resolves {task} by name in any case among {user}'s tasks, and by UUID whoever owns it", async () => {
    const bobs = fake().addTask({ owner: "bob", name: "shared-name" });
    const mine = fake().addTask({ name: "shared-name" });
    assert.equal((await call(fake(), "GET", "/api/v2/tasks/me/SHARED-NAME")).body.id, mine.id);
    assert.equal((await call(fake(), "GET", "/api/v2/tasks/bob/shared-name")).body.id, bobs.id);
    assert.equal((await call(fake(), "GET", `/api/v2/tasks/me/${bobs.id}`)).body.id, bobs.id);
    for (const path of [
      "/api/v2/tasks/nobody/shared-name",
      "/api/v2/tasks/me/no-such-task",
      `/api/v2/tasks/nobody/${bobs.id}`,
    ]) {
      const r = await call(fake(), "GET", path);
      assert.deepEqual([r.status, r.body], [404, RESOURCE_NOT_FOUND], path);
    }
    const empty = await call(fake(), "GET", "/api/v2/tasks/me//logs");
    assert.deepEqual([empty.status, empty.body], [400, { message: '"task" must be provided.' }]);
  });

  it("decodes each path segment on its own and records the raw URL", async () => {
    const r = await call(fake(), "GET", "/api/v2/tasks/me/a%2Fb%3Fc");
    assert.deepEqual([r.status, r.body], [404, RESOURCE_NOT_FOUND]);
    const recorded = fake().requests.at(-1);
    assert.equal(recorded?.rawUrl, "/api/v2/tasks/me/a%2Fb%3Fc");
    assert.equal(recorded?.path, "/api/v2/tasks/me/a/b?c");
    assert.equal(recorded?.headers["coder-session-token"], fake().token);
  });

  it("deletes with 202 and no body, after which the task is gone", async () => {
    const task = fake().addTask({ name: "doomed" });
    const r = await call(fake(), "DELETE", `/api/v2/tasks/me/${task.id}`);
    assert.equal(r.status, 202);
    assert.equal(r.text, "");
    assert.equal(r.headers.get("content-type"), null);
    assert.equal((await call(fake(), "GET", "/api/v2/tasks/me/doomed")).status, 404);
    assert.equal(fake().getTask(task.id)?.deleted, true);
    fake().addTask({ name: "doomed", status: "pending" });
    assert.deepEqual((await call(fake(), "DELETE", "/api/v2/tasks/me/doomed")).body, BUILD_ACTIVE);
  });
});

suite("input, send and logs", (fake) => {
  const send = (task: string, input: string) =>
    call(fake(), "POST", `/api/v2/tasks/me/${task}/send`, { body: { input } });

  it("updates the prompt of a paused task only", async () => {
    const paused = fake().addTask({ name: "paused", status: "paused", prompt: "old" });
    fake().addTask({ name: "running" });
    const patch = (task: string, input: string) =>
      call(fake(), "PATCH", `/api/v2/tasks/me/${task}/input`, { body: { input } });
    assert.deepEqual((await patch("paused", "  ")).body, { message: "Task input is required." });
    assert.deepEqual((await patch("running", "new")).body, {
      message: "Unable to update task input, task must be paused.",
      detail: "Please stop the task's workspace before updating the input.",
    });
    const ok = await patch("paused", "new prompt");
    assert.deepEqual([ok.status, ok.text], [204, ""]);
    assert.equal(fake().getTask(paused.id)?.prompt, "new prompt");
    assert.equal(fake().getTask(paused.id)?.initial_prompt, "new prompt");
  });

  it("sends to an active, idle task only, answering each status as Coder does", async () => {
    const statuses: TaskStatus[] = ["pending", "initializing", "paused", "error", "unknown"];
    for (const status of statuses) fake().addTask({ name: `is-${status}`, status });
    fake().addTask({ name: "busy", state: { state: "working", message: "Running tests" } });
    const idle = fake().addTask({ name: "idle", state: { state: "idle", message: "Waiting" } });
    const resuming = "The task is resuming. Wait for the task to become active before sending messages.";
    const expected: Array<[string, number, object]> = [
      ["is-pending", 409, { message: "Task is pending.", detail: resuming }],
      ["is-initializing", 409, { message: "Task is initializing.", detail: resuming }],
      ["is-paused", 409, { message: "Task is paused.", detail: "Resume the task to send messages." }],
      [
        "is-error",
        400,
        {
          message: "Task must be active.",
          detail: 'Task status is "error", it must be "active" to interact with the task.',
        },
      ],
      [
        "is-unknown",
        400,
        {
          message: "Task must be active.",
          detail: 'Task status is "unknown", it must be "active" to interact with the task.',
        },
      ],
      ["busy", 409, { message: "Task app is not ready to accept input.", detail: "Status: running" }],
    ];
    for (const [task, status, body] of expected) {
      const r = await send(task, "hello");
      assert.deepEqual([r.status, r.body], [status, body], task);
    }
    assert.deepEqual((await send("idle", "")).body, { message: "Task input is required." });
    const ok = await send("idle", "Now add a test");
    assert.deepEqual([ok.status, ok.text], [204, ""]);
    assert.deepEqual(fake().sentInputs(idle.id), ["Now add a test"]);
    assert.deepEqual(fake().getTask("idle")?.logs.at(-1)?.content, "Now add a test");
  });

  it("returns live logs while active, a snapshot while paused or starting, and 409 otherwise", async () => {
    const logs = Array.from({ length: 40 }, (_, i) => ({ type: "output" as const, content: `line ${i}` }));
    fake().addTask({ name: "chatty", logs });
    const live = await call(fake(), "GET", "/api/v2/tasks/me/chatty/logs");
    assert.equal(live.body.logs.length, 40);
    assert.equal("snapshot" in live.body, false);
    await call(fake(), "POST", "/api/v2/tasks/me/chatty/pause");
    const snapshot = await call(fake(), "GET", "/api/v2/tasks/me/chatty/logs");
    assert.equal(snapshot.body.snapshot, true);
    assert.equal(typeof snapshot.body.snapshot_at, "string");
    assert.deepEqual(
      snapshot.body.logs.map((l: { content: string }) => l.content),
      logs.slice(-30).map((l) => l.content),
    );
    assert.deepEqual((await call(fake(), "GET", "/api/v2/tasks/me/is-pending/logs")).body, {
      logs: [],
      snapshot: true,
    });
    const broken = await call(fake(), "GET", "/api/v2/tasks/me/is-error/logs");
    assert.deepEqual(
      [broken.status, broken.body],
      [409, { message: "Cannot fetch logs for task in current state.", detail: 'Task status is "error".' }],
    );
  });
});

suite("pause and resume", (fake) => {
  it("pauses with a queued stop build that then completes, even when already paused", async () => {
    const task = fake().addTask({ name: "worker", state: { state: "idle", message: "done" } });
    const r = await call(fake(), "POST", `/api/v2/tasks/me/${task.id}/pause`);
    assert.equal(r.status, 202);
    const build = r.body.workspace_build;
    assert.deepEqual(
      [build.transition, build.status, build.job.status, build.reason],
      ["stop", "pending", "pending", "initiator"],
    );
    const after = (await call(fake(), "GET", "/api/v2/tasks/me/worker")).body;
    assert.deepEqual(
      [after.status, after.workspace_status, after.workspace_build_number],
      ["paused", "stopped", build.build_number],
    );
    assert.equal(after.current_state.message, "done", "a stop build keeps the last report");
    const done = (await call(fake(), "GET", `/api/v2/workspacebuilds/${build.id}`)).body;
    assert.deepEqual([done.status, done.job.status], ["stopped", "succeeded"]);
    assert.equal((await call(fake(), "POST", "/api/v2/tasks/me/worker/pause")).status, 202);
  });

  it("resumes into an active, idle task, and refuses a running workspace or a build in progress", async () => {
    const r = await call(fake(), "POST", "/api/v2/tasks/me/worker/resume");
    assert.equal(r.status, 202);
    assert.equal(r.body.workspace_build.transition, "start");
    const task = (await call(fake(), "GET", "/api/v2/tasks/me/worker")).body;
    assert.deepEqual([task.status, task.current_state.state], ["active", "idle"]);
    assert.deepEqual((await call(fake(), "POST", "/api/v2/tasks/me/worker/resume")).body, {
      message: "Task workspace is already running.",
      detail: 'Workspace status is "running".',
    });
    fake().addTask({ name: "starting", status: "pending" });
    assert.deepEqual((await call(fake(), "POST", "/api/v2/tasks/me/starting/pause")).body, BUILD_ACTIVE);
    assert.deepEqual((await call(fake(), "POST", "/api/v2/tasks/me/starting/resume")).body, BUILD_ACTIVE);
  });
});

suite("task status derivation", (fake) => {
  it("serves each status with the workspace, agent and state fields that produce it", async () => {
    const expected: Record<TaskStatus, [string, string | null, string | null]> = {
      pending: ["pending", null, null],
      initializing: ["running", "starting", "Agent is starting"],
      active: ["running", "ready", null],
      paused: ["stopped", "off", null],
      unknown: ["stopping", "shutting_down", null],
      error: ["failed", null, null],
    };
    for (const [status, [workspace, lifecycle, message]] of Object.entries(expected)) {
      const task = (
        await call(
          fake(),
          "GET",
          `/api/v2/tasks/me/${fake().addTask({ name: `t-${status}`, status: status as TaskStatus }).id}`,
        )
      ).body;
      assert.deepEqual(
        [task.status, task.workspace_status, task.workspace_agent_lifecycle, task.current_state?.message ?? null],
        [status, workspace, lifecycle, message],
        status,
      );
      assert.equal(task.workspace_agent_id === null, lifecycle === null, status);
    }
  });

  it("hides a report older than the latest start build", async () => {
    fake().addTask({ name: "reported", state: { state: "complete", message: "All done" } });
    fake().setTaskStatus("reported", "paused");
    fake().setTaskStatus("reported", "active");
    assert.equal((await call(fake(), "GET", "/api/v2/tasks/me/reported")).body.current_state, null);
    fake().setTaskStatus("reported", "active", { state: "working", message: "Again" });
    assert.equal((await call(fake(), "GET", "/api/v2/tasks/me/reported")).body.current_state.message, "Again");
  });
});

describe("mounts and path prefix", () => {
  it("mounts the task routes as each Coder version does", async () => {
    for (const [tasksApi, v2, experimental] of [
      ["v2", 200, 200],
      ["experimental-only", 404, 200],
      ["disabled", 404, 404],
    ] as const) {
      const fake = await FakeCoder.start({ tasksApi });
      try {
        assert.equal((await call(fake, "GET", "/api/v2/tasks")).status, v2, tasksApi);
        assert.equal((await call(fake, "GET", "/api/experimental/tasks")).status, experimental, tasksApi);
        if (v2 === 404)
          assert.deepEqual((await call(fake, "GET", "/api/v2/tasks", { token: null })).body, {
            message: "Route not found.",
          });
      } finally {
        await fake.close();
      }
    }
  });

  it("serves the API under a path prefix only", async () => {
    const fake = await FakeCoder.start({ pathPrefix: "/coder" });
    try {
      assert.equal(fake.url, `${fake.origin}/coder`);
      assert.equal((await call(fake, "GET", "/api/v2/buildinfo")).body.dashboard_url, fake.url);
      const outside = await fetch(`${fake.origin}/api/v2/buildinfo`);
      assert.deepEqual([outside.status, await outside.json()], [404, { message: "Route not found." }]);
      assert.equal(fake.requests.at(-1)?.rawUrl, "/api/v2/buildinfo");
    } finally {
      await fake.close();
    }
  });
});

describe("Coder versions", () => {
  const ROUTE_NOT_FOUND = { message: "Route not found." };
  /** Before v2.31.1 the message reads "Task status must be active.". */
  const mustBeActive = (status: string) => ({
    message: "Task status must be active.",
    detail: `Task status is "${status}", it must be "active" to interact with the task.`,
  });
  const answer = async (fake: FakeCoder, method: string, path: string, body?: unknown) => {
    const r = await call(fake, method, path, body === undefined ? {} : { body });
    return [r.status, r.body];
  };
  /** A fake of `version` with one AI template; its bodies must conform. */
  const withVersion = async (version: string, body: (fake: FakeCoder) => Promise<void>) => {
    const fake = await FakeCoder.start({ version });
    fake.addTemplate({ name: "claude-code" });
    try {
      await body(fake);
      assert.deepEqual(fake.violations, []);
    } finally {
      await fake.close();
    }
  };

  it("parses versions; one that does not parse, or a development build, is the newest", () => {
    assert.deepEqual(parseVersion("v2.31.1-rc.2+abc1234"), [2, 31, 1]);
    assert.equal(parseVersion("main"), undefined);
    assert.equal(featuresOf("v2.28.9").taskNames, false);
    assert.equal(featuresOf("v2.29.0").taskNames, true);
    assert.deepEqual([featuresOf("v2.31.0").pauseResume, featuresOf("v2.31.1+abc").pauseResume], [false, true]);
    assert.deepEqual([featuresOf("v2.31.9").busyConflict, featuresOf("v2.32.0").busyConflict], [false, true]);
    for (const v of ["v0.0.0-devel", "main"]) assert.ok(Object.values(featuresOf(v)).every(Boolean), v);
  });

  it("v2.28: experimental only, {task} by UUID only, no display_name, no PATCH input, no pause", async () => {
    await withVersion("v2.28.3", async (fake) => {
      const task = fake.addTask({ name: "old", status: "paused" });
      assert.equal("display_name" in task, false);
      assert.deepEqual(await answer(fake, "GET", "/api/v2/tasks"), [404, ROUTE_NOT_FOUND]);
      const base = "/api/experimental/tasks/me";
      const byId = await call(fake, "GET", `${base}/${task.id}`);
      assert.deepEqual([byId.status, "display_name" in byId.body], [200, false]);
      assert.deepEqual(await answer(fake, "GET", `${base}/old`), [
        400,
        { message: 'Invalid UUID "old".', detail: "invalid UUID length: 3" },
      ]);
      assert.deepEqual(await answer(fake, "PATCH", `${base}/${task.id}/input`, { input: "x" }), [404, ROUTE_NOT_FOUND]);
      assert.deepEqual(await answer(fake, "POST", `${base}/${task.id}/pause`), [404, ROUTE_NOT_FOUND]);
      assert.deepEqual(await answer(fake, "POST", `${base}/${task.id}/send`, { input: "x" }), [
        400,
        mustBeActive("paused"),
      ]);
      assert.deepEqual(await answer(fake, "GET", `${base}/${task.id}/logs`), [400, mustBeActive("paused")]);
      const versionId = fake.getTask("old")?.template_version_id;
      const created = await call(fake, "POST", base, {
        body: { input: "x", template_version_id: versionId, display_name: "d".repeat(65) },
      });
      assert.deepEqual([created.status, "display_name" in created.body], [201, false], "display_name is ignored");
    });
  });

  it("v2.30: /api/v2 with names and PATCH input, but no pause or resume, and 400 for a paused task", async () => {
    await withVersion("v2.30.2", async (fake) => {
      fake.addTask({ name: "sleepy", status: "paused" });
      const base = "/api/v2/tasks/me/sleepy";
      assert.equal((await call(fake, "GET", base)).body.display_name, "sleepy");
      assert.deepEqual(await answer(fake, "POST", `${base}/pause`), [404, ROUTE_NOT_FOUND]);
      assert.deepEqual(await answer(fake, "POST", `${base}/resume`), [404, ROUTE_NOT_FOUND]);
      assert.equal((await call(fake, "PATCH", `${base}/input`, { body: { input: "new" } })).status, 204);
      assert.deepEqual(await answer(fake, "POST", `${base}/send`, { input: "x" }), [400, mustBeActive("paused")]);
    });
  });

  it("answers a busy agent 502 before v2.32 and 409 since, and a paused task 409 since v2.31.1", async () => {
    for (const [version, busy, paused] of [
      ["v2.31.0", 502, 400],
      ["v2.31.1", 502, 409],
      ["v2.33.0", 409, 409],
    ] as const) {
      await withVersion(version, async (fake) => {
        const working = fake.addTask({ name: "working", state: { state: "working", message: "Running tests" } });
        const sleepy = fake.addTask({ name: "sleepy", status: "paused" });
        const send = (id: string) => answer(fake, "POST", `/api/v2/tasks/me/${id}/send`, { input: "x" });
        const [busyStatus, busyBody] = await send(working.id);
        assert.deepEqual(
          [busyStatus, busyBody],
          [busy, { message: "Task app is not ready to accept input.", detail: "Status: running" }],
          version,
        );
        assert.equal((await send(sleepy.id))[0], paused, version);
      });
    }
  });

  it("sends an agent's failure as it reported it before v2.32, and as failed since", async () => {
    for (const [version, state] of [
      ["v2.28.0", "failure"],
      ["v2.31.9", "failure"],
      ["v2.32.0", "failed"],
    ] as const) {
      await withVersion(version, async (fake) => {
        const task = fake.addTask({ name: "broken", state: { state: "failed", message: "Tests fail" } });
        const base = fake.features.stableApi ? "/api/v2/tasks" : "/api/experimental/tasks";
        assert.equal((await call(fake, "GET", `${base}/me/${task.id}`)).body.current_state.state, state, version);
        assert.equal((await call(fake, "GET", base)).body.tasks[0].current_state.state, state, version);
      });
    }
  });

  it("synthesises a working state while initializing from v2.29; v2.28 sends null", async () => {
    for (const [version, expected] of [
      ["v2.28.0", null],
      ["v2.29.0", "working"],
    ] as const) {
      await withVersion(version, async (fake) => {
        const task = fake.addTask({ name: "starting", status: "initializing" });
        const base = fake.features.stableApi ? "/api/v2/tasks" : "/api/experimental/tasks";
        const got = (await call(fake, "GET", `${base}/me/${task.id}`)).body;
        assert.equal(got.status, "initializing");
        assert.equal(got.current_state?.state ?? null, expected, version);
      });
    }
  });

  it("words the not-active 400 by version: Task status must be active. before v2.31.1", async () => {
    for (const [version, message] of [
      ["v2.31.0", "Task status must be active."],
      ["v2.31.1", "Task must be active."],
    ] as const) {
      await withVersion(version, async (fake) => {
        const task = fake.addTask({ name: "broken", status: "error" });
        const [status, body] = await answer(fake, "POST", `/api/v2/tasks/me/${task.id}/send`, { input: "x" });
        assert.deepEqual([status, (body as { message: string }).message], [400, message], version);
      });
    }
  });

  it("mounts by version unless tasksApi says otherwise", async () => {
    for (const [version, tasksApi, v2] of [
      ["v2.28.0", undefined, 404],
      ["v2.28.0", "v2", 200],
      ["v2.29.0", undefined, 200],
      ["v2.33.1", "experimental-only", 404],
    ] as const) {
      const fake = await FakeCoder.start({ version, ...(tasksApi ? { tasksApi } : {}) });
      try {
        assert.equal((await call(fake, "GET", "/api/v2/tasks")).status, v2, `${version} ${tasksApi}`);
        assert.equal((await call(fake, "GET", "/api/experimental/tasks")).status, 200, `${version} ${tasksApi}`);
      } finally {
        await fake.close();
      }
    }
  });
});

suite("injected faults", (fake) => {
  it("answers a raw status, the given number of times, for matching requests only", async () => {
    fake().injectFault(
      { method: "GET", path: /\/tasks$/, times: 2 },
      { status: 502, contentType: "text/html", body: "<h1>Bad Gateway</h1>" },
    );
    assert.equal((await call(fake(), "POST", "/api/v2/tasks/me", { body: "{" })).status, 400, "method differs");
    for (let i = 0; i < 2; i++) {
      const r = await call(fake(), "GET", "/api/v2/tasks");
      assert.deepEqual([r.status, r.headers.get("content-type"), r.text], [502, "text/html", "<h1>Bad Gateway</h1>"]);
    }
    assert.equal((await call(fake(), "GET", "/api/v2/tasks")).status, 200);
  });

  it("resets the connection, or delays the answer", async () => {
    fake().injectFault({ path: /buildinfo/ }, { kind: "reset" });
    await assert.rejects(call(fake(), "GET", "/api/v2/buildinfo"));
    fake().injectFault({ path: /buildinfo/ }, { kind: "delay", ms: 200 });
    const started = Date.now();
    assert.equal((await call(fake(), "GET", "/api/v2/buildinfo")).status, 200);
    assert.ok(Date.now() - started >= 190);
    assert.ok(fake().connections >= 2, "the reset forced a new connection");
  });
});

describe("the contract check", () => {
  const contract = loadContract();
  const task = async () => {
    const fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    const created = fake.addTask({ name: "sample" });
    await fake.close();
    return created;
  };

  it("accepts the fake's bodies and the wire notes' shapes, and catches a broken body", async () => {
    const good = await task();
    const op = "GET /api/v2/tasks/{user}/{task}";
    assert.equal(contract.checkSuccess(op, good), undefined);
    assert.equal(contract.checkSuccess(op, { ...good, workspace_id: null, current_state: null }), undefined);
    assert.match(
      contract.checkSuccess(op, { ...good, status: "running" }) ?? "",
      /body\/status must be equal to one of the allowed values/,
    );
    assert.match(
      contract.checkSuccess(op, { ...good, workspace_id: { uuid: good.workspace_id, valid: true } }) ?? "",
      /workspace_id/,
    );
    assert.match(contract.checkSuccess(op, { ...good, id: 42 }) ?? "", /body\/id must be string/);
    const presets = "GET /api/v2/templateversions/{templateversion}/presets";
    assert.equal(
      contract.checkSuccess(presets, [{ ID: "p", Name: "Small", DesiredPrebuildInstances: null }]),
      undefined,
    );
    assert.match(contract.checkSuccess(presets, [{ ID: 5 }]) ?? "", /ID must be string/);
    assert.match(contract.checkError({ message: 5 }) ?? "", /message must be string/);
    assert.match(contract.checkSuccess("GET /api/v2/nope", {}) ?? "", /no success body/);
  });
});

// The repository carries a copy of the contract so that a clone tests on its own; where the workspace's shared
// contract sits beside the repository, the copy must be identical to it. In CI the shared contract must be there: a
// comparison that silently did not happen would let the copy drift.
const SHARED_SPEC = new URL("../../shared/coder-api/tasks-openapi.json", import.meta.url);
describe("the contract copy", () => {
  const inCi = process.env.CI === "true";
  it("is the shared Coder API contract, unchanged", {
    skip: !inCi && !existsSync(SHARED_SPEC) && "no shared/ beside the repository (outside CI)",
  }, () => {
    assert.ok(existsSync(SHARED_SPEC), `CI=true but the shared contract is missing: ${SHARED_SPEC.pathname}`);
    assert.deepEqual(JSON.parse(readFileSync(SPEC_URL, "utf8")), JSON.parse(readFileSync(SHARED_SPEC, "utf8")));
  });
});
