// Configuration: environment, the coder CLI's login files, and a server that starts but says what to set.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { coderConfigDir } from "../src/config.js";
import { FakeCoder } from "./fake-coder/index.js";
import { callTool, connect } from "./harness.js";

const MINIMAL_ARGS: Record<string, Record<string, unknown>> = {
  coder_list_tasks: {},
  coder_get_task: { task_id: "x" },
  coder_list_templates: {},
  coder_wait_for_task: { task_id: "x" },
  coder_create_task: { input: "x" },
  coder_send_task_input: { task_id: "x", input: "x" },
  coder_get_task_logs: { task_id: "x" },
  coder_update_task_input: { task_id: "x", input: "x" },
  coder_pause_task: { task_id: "x" },
  coder_resume_task: { task_id: "x" },
  coder_delete_task: { task_id: "x" },
};

function loginDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "coderv2-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe("configuration", () => {
  let fake: FakeCoder;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login" });
  });
  after(() => fake.close());

  it("starts without any configuration, lists its tools, and every call says what to set", async () => {
    const c = await connect({});
    try {
      const { tools } = await c.client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), Object.keys(MINIMAL_ARGS).sort());
      for (const [name, args] of Object.entries(MINIMAL_ARGS)) {
        const r = await callTool(c.client, name, args);
        assert.equal(r.isError, true, name);
        assert.match(r.text, /set CODER_URL .* and CODER_SESSION_TOKEN/, name);
      }
    } finally {
      await c.close();
    }
  });

  it("names the missing token without ever showing one", async () => {
    const c = await connect({ CODER_URL: fake.url });
    try {
      const r = await callTool(c.client, "coder_list_tasks");
      assert.equal(r.isError, true);
      assert.match(r.text, /No Coder session token for http:\/\/127\.0\.0\.1:\d+: set CODER_SESSION_TOKEN/);
      assert.match(r.text, /OS keyring/);
    } finally {
      await c.close();
    }
  });

  it("rejects a malformed CODER_URL with the variable's name", async () => {
    for (const url of [
      "coder.example.com",
      "ftp://coder.example.com",
      "https://user:pw@coder.example.com",
      "http://",
    ]) {
      const c = await connect({ CODER_URL: url, CODER_SESSION_TOKEN: fake.token });
      try {
        const r = await callTool(c.client, "coder_list_tasks");
        assert.equal(r.isError, true, url);
        assert.match(r.text, /CODER_URL is not a valid deployment URL/, url);
        assert.ok(!r.text.includes(fake.token));
        assert.ok(!r.text.includes("pw@"), "credentials in a URL are not echoed");
      } finally {
        await c.close();
      }
    }
  });

  it("falls back to the url and session files that `coder login` writes", async () => {
    const dir = loginDir({ url: `${fake.url}\n`, session: `  ${fake.token}\n` });
    const c = await connect({}, { configDir: dir });
    try {
      const r = await callTool(c.client, "coder_get_task", { task_id: "fix-login" });
      assert.equal(r.isError, false, r.text);
      assert.equal(fake.requests.at(-1)?.headers["coder-session-token"], fake.token);
    } finally {
      await c.close();
    }
  });

  it("never sends the session file's token to a deployment other than the one it was made for", async () => {
    const dir = loginDir({ url: "https://other.example.com", session: fake.token });
    const count = fake.requests.length;
    const c = await connect({ CODER_URL: fake.url }, { configDir: dir });
    try {
      const r = await callTool(c.client, "coder_list_tasks");
      assert.equal(r.isError, true);
      assert.match(r.text, /No Coder session token/);
      assert.equal(fake.requests.length, count);
    } finally {
      await c.close();
    }
  });

  it("handles a trailing slash and a path prefix in CODER_URL", async () => {
    const prefixed = await FakeCoder.start({ pathPrefix: "/coder" });
    prefixed.addTemplate({ name: "claude-code" });
    prefixed.addTask({ name: "behind-proxy" });
    const c = await connect({ CODER_URL: `${prefixed.url}/`, CODER_SESSION_TOKEN: prefixed.token });
    try {
      const r = await callTool(c.client, "coder_get_task", { task_id: "behind-proxy" });
      assert.equal(r.isError, false, r.text);
      assert.equal(prefixed.requests.at(-1)?.rawUrl, "/coder/api/v2/tasks/me/behind-proxy");
    } finally {
      await c.close();
      await prefixed.close();
    }
  });

  it("finds the coder CLI's config directory on each platform", () => {
    assert.equal(coderConfigDir({ CODER_CONFIG_DIR: "/cfg" }, "linux", "/home/a"), "/cfg");
    assert.equal(coderConfigDir({}, "linux", "/home/a"), "/home/a/.config/coderv2");
    assert.equal(coderConfigDir({ XDG_CONFIG_HOME: "/x" }, "linux", "/home/a"), "/x/coderv2");
    assert.equal(coderConfigDir({}, "darwin", "/Users/a"), "/Users/a/Library/Application Support/coderv2");
    assert.match(
      coderConfigDir({ APPDATA: "C:\\Users\\a\\AppData\\Roaming" }, "win32", "C:\\Users\\a"),
      /Roaming.coderv2$/,
    );
  });
});
