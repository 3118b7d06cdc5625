// Advice that holds: a URL that is not Coder is said to be so; "may have reached Coder" only once a write was sent;
// the start-up line names its cause; protocol errors carry one "MCP error" prefix; error pages are shown once; a
// server with no configuration answers resource requests with what to set.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { FakeCoder } from "./fake-coder/index.js";
import { callTool, connect, type World, world } from "./harness.js";

const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

const NGINX_404 =
  "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n" +
  "<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";

/** A plain web server, not Coder: every path answers `status` with an HTML page. */
async function webServer(status: number, page: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, { "content-type": "text/html" }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port with nothing listening: connections to it are refused. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The bin over stdio; resolves with its stderr once the start-up line (the line after initialize) is there. */
async function startupLine(env: Record<string, string>): Promise<string> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN],
    env: { PATH: process.env.PATH ?? "", CODER_CONFIG_DIR: "/nonexistent-coder-config", ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  const client = new Client({ name: "advice-test", version: "1.0.0" });
  await client.connect(transport);
  try {
    for (let i = 0; i < 1000 && !/coder-tasks-mcp \S+: /.test(stderr); i++) await new Promise((r) => setTimeout(r, 20));
    return stderr;
  } finally {
    await client.close();
  }
}

describe("a URL that is not Coder", () => {
  let notFound: Awaited<ReturnType<typeof webServer>>;
  let htmlEverywhere: Awaited<ReturnType<typeof webServer>>;
  before(async () => {
    notFound = await webServer(404, NGINX_404);
    htmlEverywhere = await webServer(200, "<!doctype html><title>Welcome</title><p>It works!</p>");
  });
  after(async () => {
    await notFound.close();
    await htmlEverywhere.close();
  });

  it("is said not to look like Coder, not that no task is visible", async () => {
    for (const server of [notFound, htmlEverywhere]) {
      const c = await connect({ CODER_URL: `${server.url}/`, CODER_SESSION_TOKEN: "some-token" });
      try {
        for (const [tool, args] of [
          ["coder_list_tasks", {}],
          ["coder_get_task", { task_id: "fix-login" }],
          ["coder_create_task", { input: "x", template_version_id: "0b0f2c4e-4a4f-4a53-9a5e-3c4b1d2e7f60" }],
        ] as const) {
          const r = await callTool(c.client, tool, args);
          assert.equal(r.isError, true);
          assert.match(
            r.text,
            new RegExp(`^${server.url} does not look like a Coder deployment: GET /api/v2/buildinfo`),
          );
          assert.match(r.text, /Set CODER_URL to the address you open Coder at, with its path prefix/);
          assert.doesNotMatch(r.text, /visible to you|may have reached/);
        }
      } finally {
        await c.close();
      }
    }
  });

  it("shows an error page once: its title is not repeated", async () => {
    const c = await connect({ CODER_URL: notFound.url, CODER_SESSION_TOKEN: "some-token" });
    try {
      const r = await callTool(c.client, "coder_list_tasks");
      assert.equal(r.text.match(/404 Not Found/g)?.length, 1, r.text);
      assert.match(r.text, /nginx\/1\.22\.1/);
    } finally {
      await c.close();
    }
  });

  it("names a missing path prefix: Coder served under /coder, configured without it", async () => {
    const fake = await FakeCoder.start();
    try {
      // The fake serves at its root; a prefix it does not have stands for the one a user left out.
      const c = await connect({ CODER_URL: `${fake.url}/coder`, CODER_SESSION_TOKEN: fake.token });
      try {
        const r = await callTool(c.client, "coder_list_tasks");
        assert.equal(r.isError, true);
        assert.match(
          r.text,
          new RegExp(`^${fake.url}/coder does not look like a Coder deployment: GET /coder/api/v2/`),
        );
      } finally {
        await c.close();
      }
    } finally {
      await fake.close();
    }
  });

  it("gets its own start-up line", async () => {
    const stderr = await startupLine({ CODER_URL: notFound.url, CODER_SESSION_TOKEN: "some-token" });
    assert.match(stderr, /coder-tasks-mcp \S+: http:\/\/127\.0\.0\.1:\d+ does not look like a Coder deployment/);
    assert.doesNotMatch(stderr, /not signed in/);
  });
});

describe("whether a write may have reached Coder", () => {
  let w: World;
  let claude: ReturnType<World["fake"]["addTemplate"]>;
  before(async () => {
    w = await world();
    claude = w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTask({ name: "fix-login", state: { state: "idle", message: "done" } });
  });
  after(() => w.close());

  it("says nothing was sent when the connection is refused", async () => {
    const port = await refusedPort();
    const c = await connect({ CODER_URL: `http://127.0.0.1:${port}`, CODER_SESSION_TOKEN: "some-token" });
    try {
      const r = await callTool(c.client, "coder_create_task", {
        input: "Fix it",
        template_version_id: claude.activeVersionId,
      });
      assert.equal(r.isError, true);
      assert.match(r.text, /Cannot reach Coder at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      assert.match(r.text, /Nothing was sent to Coder that changes anything: call coder_create_task again/);
      assert.doesNotMatch(r.text, /may have reached/);
    } finally {
      await c.close();
    }
  });

  it("says nothing was sent when a read before the write fails (the version probe, the task lookup)", async () => {
    const fresh = await world();
    try {
      fresh.fake.addTemplate({ name: "claude-code" });
      fresh.fake.injectFault({ path: /buildinfo/ }, { status: 500, body: "<h1>Internal Server Error</h1>" });
      const probe = await fresh.call("coder_create_task", { input: "Fix it" });
      assert.equal(probe.isError, true);
      assert.match(probe.text, /500 Internal Server Error to GET \/api\/v2\/buildinfo/);
      assert.match(probe.text, /Nothing was sent to Coder/);
      assert.equal(fresh.fake.requests.filter((q) => q.method === "POST").length, 0);
    } finally {
      await fresh.close();
    }
    w.fake.injectFault({ method: "GET", path: /fix-login$/ }, { status: 500, body: "down" });
    const lookup = await w.call("coder_send_task_input", { task_id: "fix-login", input: "more" });
    assert.equal(lookup.isError, true);
    assert.match(lookup.text, /Nothing was sent to Coder/);
    assert.deepEqual(w.fake.sentInputs("fix-login"), []);
  });

  it("still says it may have reached Coder when the write itself failed without an answer", async () => {
    w.fake.injectFault({ method: "POST", path: /\/send$/ }, { kind: "reset" });
    const r = await w.call("coder_send_task_input", { task_id: "fix-login", input: "more" });
    assert.equal(r.isError, true);
    assert.match(r.text, /The request may have reached Coder: check the task/);
    w.fake.injectFault({ method: "POST", path: /\/pause$/ }, { status: 500, body: "" });
    const five = await w.call("coder_pause_task", { task_id: "fix-login" });
    assert.match(five.text, /may have reached Coder/);
  });

  it("says it may have reached Coder when a read after the write fails", async () => {
    const id = w.fake.getTask("fix-login")?.id ?? "";
    // The lookup is by name; the read that follows the pause is by ID.
    w.fake.injectFault({ method: "GET", path: new RegExp(`${id}$`) }, { status: 500, body: "" });
    const r = await w.call("coder_pause_task", { task_id: "fix-login" });
    assert.equal(r.isError, true);
    assert.match(r.text, /500 Internal Server Error to GET/);
    assert.match(r.text, /The request may have reached Coder: check the task/);
    assert.ok(w.fake.requests.some((q) => q.method === "POST" && q.path.endsWith("/pause")));
  });
});

describe("start-up line", () => {
  it("says Coder cannot be reached, not that the user is not signed in", async () => {
    const port = await refusedPort();
    const stderr = await startupLine({ CODER_URL: `http://127.0.0.1:${port}`, CODER_SESSION_TOKEN: "t" });
    assert.match(stderr, /cannot reach Coder at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    assert.doesNotMatch(stderr, /not signed in/);
  });

  it("says not signed in when Coder refuses the token", async () => {
    const fake = await FakeCoder.start();
    try {
      const stderr = await startupLine({ CODER_URL: fake.url, CODER_SESSION_TOKEN: "not-a-valid-token" });
      assert.match(
        stderr,
        /Coder v\S+ at http:\/\/127\.0\.0\.1:\d+, not signed in: Coder refused the session token \(401/,
      );
    } finally {
      await fake.close();
    }
  });

  it("says what to set when nothing is configured", async () => {
    const stderr = await startupLine({});
    assert.match(stderr, /No Coder deployment is configured: set CODER_URL/);
  });
});

describe("protocol errors", () => {
  it("carry one MCP error prefix", async () => {
    const w = await world();
    try {
      const err = await w.client.readResource({ uri: "coder://tasks/alice/nope" }).catch((e: unknown) => e);
      assert.ok(err instanceof McpError);
      assert.equal(err.code, -32002);
      assert.equal(err.message.match(/MCP error/g)?.length, 1, err.message);
      assert.match(err.message, /^MCP error -32002: Resource not found: no task "alice\/nope"/);
    } finally {
      await w.close();
    }
  });

  it("with nothing configured, say what to set instead of an internal error", async () => {
    const c = await connect({});
    try {
      for (const request of [
        () => c.client.listResources(),
        () => c.client.readResource({ uri: "coder://tasks/alice/fix-login" }),
        () => c.client.subscribeResource({ uri: "coder://tasks/alice/fix-login" }),
      ]) {
        const err = await request().catch((e: unknown) => e);
        assert.ok(err instanceof McpError);
        assert.equal(err.code, -32600);
        assert.match(
          err.message,
          /^MCP error -32600: This server is not configured\. No Coder deployment is configured: set CODER_URL/,
        );
      }
      const { resourceTemplates } = await c.client.listResourceTemplates();
      assert.equal(resourceTemplates.length, 2);
      const ref = { type: "ref/resource" as const, uri: "coder://tasks/{owner}/{task}" };
      const completion = await c.client.complete({ ref, argument: { name: "owner", value: "" } });
      assert.deepEqual(completion.completion.values, []);
    } finally {
      await c.close();
    }
  });
});
