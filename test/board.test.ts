// The task board in a real browser (Debian's chromium through playwright-core), as an MCP Apps host shows it: a host
// page with ext-apps' AppBridge, the view from the server's ui:// resource in a sandboxed frame on a second loopback
// origin under the spec's default CSP, and every tool call going through a real MCP client to the server and the
// fake Coder. Needs the build (dist/board.html), which `npm test` runs first.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { build } from "esbuild";
import { type BrowserContext, chromium, type Frame, type Page } from "playwright-core";
import { parseCli } from "../src/cli.js";
import { loadConfig } from "../src/config.js";
import { redactor } from "../src/redact.js";
import { BOARD_URI } from "../src/resources/ui-meta.js";
import { createCoderClient, createServer } from "../src/server.js";
import type { ToolSelection } from "../src/tools/select.js";
import { FakeCoder } from "./fake-coder/index.js";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
// The MCP Apps spec's default CSP for a view that declares no domains.
const VIEW_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; media-src 'self' data:; connect-src 'none'";
// Refreshes at a pace a busy machine keeps up with; the view reads it from the resource.
const TIMING = { firstPollMs: 150, maxPollMs: 600, nullStateIdleMs: 300, errorGraceMs: 400 };
const SCREENSHOTS = process.env.BOARD_SCREENSHOT_DIR ?? join(tmpdir(), "coder-tasks-board");
const XSS_IMG = `<img src=x onerror="document.title='pwned';parent.postMessage('pwned','*')">`;
const XSS_SCRIPT = "<script>document.title='pwned'</script>";

interface Site {
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

/** A loopback HTTP server answering from `route`, recording every request path. */
async function site(route: (path: string) => { type: string; body: string; csp?: string } | undefined): Promise<Site> {
  const requests: string[] = [];
  const server: Server = createHttpServer((req, res) => {
    requests.push(req.url ?? "");
    const answer = route(new URL(req.url ?? "/", "http://x").pathname);
    if (!answer) return void res.writeHead(404).end();
    res.writeHead(200, {
      "content-type": answer.type,
      "cache-control": "no-store",
      ...(answer.csp ? { "content-security-policy": answer.csp } : {}),
    });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // The browser keeps connections alive for its other pages: close() alone would wait for them.
        server.closeAllConnections();
      }),
  };
}

interface Served {
  client: Client;
  calls: string[];
  close(): Promise<void>;
}

async function serve(fake: FakeCoder, options: { tools?: ToolSelection; ui?: boolean } = {}): Promise<Served> {
  const config = loadConfig({ CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token }, "/nonexistent-coder-config");
  const coder = createCoderClient(config, "test");
  const server = createServer({
    config,
    coder,
    redact: redactor([config.token]),
    version: "test",
    waitTiming: TIMING,
    tools: options.tools,
    ui: options.ui,
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "board-test-host", version: "1.0.0" });
  await server.connect(b);
  await client.connect(a);
  const calls: string[] = [];
  return {
    client,
    calls,
    async close() {
      await client.close();
      await server.close();
      await coder?.close();
    },
  };
}

async function viewHtml(client: Client): Promise<string> {
  const { contents } = await client.readResource({ uri: BOARD_URI });
  const [content] = contents;
  assert.ok(content && "text" in content, "the board resource is text");
  assert.equal(content.mimeType, "text/html;profile=mcp-app");
  return content.text;
}

const hostScript = build({
  entryPoints: ["test/board-host/host.ts"],
  bundle: true,
  write: false,
  format: "iife",
  platform: "browser",
  logLevel: "warning",
}).then((r) => r.outputFiles[0]?.text ?? "");

interface Board {
  page: Page;
  view: Frame;
  served: Served;
  host: Site;
  sandbox: Site;
  close(): Promise<void>;
}

/** A host page showing the board for one result of `call` (default coder_list_tasks), from a server built with `tools`. */
async function openBoard(
  browser: BrowserContext,
  fake: FakeCoder,
  options: { tools?: ToolSelection; call?: { name: string; arguments: Record<string, unknown> } } = {},
) {
  const served = await serve(fake, { tools: options.tools });
  const html = await viewHtml(served.client);
  const js = await hostScript;
  const sandbox = await site((path) =>
    path === "/view" ? { type: "text/html", body: html, csp: VIEW_CSP } : undefined,
  );
  const host = await site((path) => {
    if (path === "/host.js") return { type: "text/javascript", body: js };
    if (path === "/") {
      const body = `<!doctype html><html><head><meta charset="utf-8"><style>
        body { margin: 0; padding: 24px; background: #f3f3f0; font-family: system-ui; }
        html[data-theme="dark"] body { background: #151517; }
        iframe { display: block; width: 100%; height: 320px; border: 1px solid #0002; border-radius: 12px; }
        </style></head><body><script src="/host.js"></script></body></html>`;
      return { type: "text/html", body };
    }
    return undefined;
  });
  const page = await browser.newPage();
  // A cap for a hang, not a time the test expects: a busy machine only makes the browser slower.
  page.setDefaultTimeout(120_000);
  await page.exposeFunction("mcpCallTool", async (call: { name: string; arguments?: Record<string, unknown> }) => {
    served.calls.push(call.name);
    return served.client.callTool(call);
  });
  await page.goto(`${host.origin}/?view=${encodeURIComponent(`${sandbox.origin}/view`)}`);
  await page.evaluate(() => window.host.ready);
  const view = page.frames().find((f) => f.url().startsWith(sandbox.origin));
  assert.ok(view, "the view's frame");
  const call = options.call ?? { name: "coder_list_tasks", arguments: {} };
  const result = (await served.client.callTool(call)) as CallToolResult;
  await page.evaluate(
    async ({ input, r }) => {
      await window.host.bridge.sendToolInput({ arguments: input });
      await window.host.bridge.sendToolResult(r);
    },
    { input: call.arguments, r: result },
  );
  return {
    page,
    view,
    served,
    host,
    sandbox,
    async close() {
      await page.close();
      await served.close();
      await host.close();
      await sandbox.close();
    },
  } satisfies Board;
}

// Buttons are pressed by keyboard (the board is meant to work by keyboard alone): a click lands on coordinates, which
// the host's resizing of the frame as the content changes can move under it.

/** Once the host has sized the frame to the view's content (the view reports its size as it changes). */
async function settled({ page, view }: Board): Promise<void> {
  const height = await view.evaluate(() => document.documentElement.scrollHeight);
  await page.waitForFunction((h) => document.querySelector("iframe")?.clientHeight === h, height);
}

/** Resolves once `condition` holds, checking every few milliseconds; gives up after a minute. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    assert.ok(Date.now() < deadline, "the board did not refresh within a minute");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * No new call once the view's own event loop has run a timer longer than any refresh it could have scheduled: that
 * timer fires after any earlier, shorter one, so a refresh still scheduled would have been called by then (one already
 * on its way may still arrive).
 */
async function quiet(view: Frame, count: () => number): Promise<void> {
  const start = count();
  await view.evaluate((ms) => new Promise((resolve) => setTimeout(resolve, ms)), 2 * TIMING.maxPollMs);
  assert.ok(count() <= start + 1, `${count() - start} calls after the board stopped refreshing`);
}

const badge = (view: Frame, scope: string, kind: "status" | "state") =>
  view.locator(`${scope} .badge[data-kind="${kind}"]`);

describe("task board in a browser", { skip: !existsSync(CHROMIUM) && `${CHROMIUM} is not installed` }, () => {
  let fake: FakeCoder;
  let browser: BrowserContext;
  let profile: string;
  let board: Board;

  before(async () => {
    assert.ok(existsSync("dist/board.html"), "dist/board.html is missing: run npm run build first");
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code", displayName: "Claude Code" });
    fake.addTask({
      name: "fix-login",
      displayName: "Fix the login redirect loop",
      state: { state: "working", message: "Running the auth test suite (42 of 118 passed)" },
      logs: [
        { type: "input", content: "Fix the redirect loop on /login when the session cookie has expired." },
        { type: "output", content: "Found it: the middleware re-sets the cookie. Patch: https://example.com/pr/412" },
        { type: "output", content: `Agent quoted a page: ${XSS_IMG} and ${XSS_SCRIPT}` },
        { type: "output", content: "Running the auth test suite (42 of 118 passed)" },
      ],
    });
    fake.addTask({
      name: "write-docs",
      displayName: "Document the tasks API",
      state: { state: "idle", message: "Docs drafted in docs/tasks.md; waiting for review" },
      logs: [{ type: "output", content: "Docs drafted in docs/tasks.md; waiting for review" }],
    });
    fake.addTask({ name: "bump-deps", displayName: "Upgrade Go to 1.24", status: "paused" });
    fake.addTask({
      name: "flaky-ci",
      displayName: "Find the flaky CI test",
      state: { state: "failed", message: "Could not reproduce in 20 runs" },
    });
    profile = mkdtempSync(join(tmpdir(), "board-chromium-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1100, height: 760 },
    });
    board = await openBoard(browser, fake);
  });
  after(async () => {
    await board?.close();
    await browser?.close();
    await fake?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it("shows every task with owner, name, status and agent state in Coder's words, its message and times", async () => {
    const { view } = board;
    await view.locator("button.task").nth(3).waitFor();
    const task = view.locator('button.task:has-text("fix-login")');
    assert.equal(await task.locator(".task-name").textContent(), "Fix the login redirect loop");
    assert.equal(await task.locator(".owner").textContent(), `${fake.me.username}/fix-login`);
    assert.equal(await badge(view, 'button.task:has-text("fix-login")', "status").textContent(), "active");
    assert.equal(await badge(view, 'button.task:has-text("fix-login")', "state").textContent(), "working");
    assert.match((await task.locator(".message").textContent()) ?? "", /42 of 118 passed/);
    assert.match((await task.locator(".times").textContent()) ?? "", /updated .*created/);
    assert.equal(await badge(view, 'button.task:has-text("bump-deps")', "status").textContent(), "paused");
    assert.equal(await badge(view, 'button.task:has-text("flaky-ci")', "state").textContent(), "failed");
  });

  it("is usable by keyboard alone: filter, move, open a task and read its log newest first", async () => {
    const { page, view } = board;
    // From the host page, Tab enters the view at its filter.
    await page.keyboard.press("Tab");
    assert.equal(await view.evaluate(() => document.activeElement?.id), "filter");
    await page.keyboard.type("login");
    await view.locator("button.task").first().waitFor();
    assert.equal(await view.locator("button.task").count(), 1);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await view.locator("#log li.entry").nth(3).waitFor();
    const ids = await view.locator("#log li.entry").evaluateAll((lis) => lis.map((li) => Number(li.dataset.id)));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
      "newest first",
    );
    assert.equal(await view.locator("#d-title").textContent(), "Fix the login redirect loop");
    assert.ok(board.served.calls.includes("coder_get_task_logs"));
    // "/" returns to the filter from anywhere but a text field.
    await page.keyboard.press("/");
    assert.equal(await view.evaluate(() => document.activeElement?.id), "filter");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Backspace");
    await view.locator("button.task").nth(3).waitFor();
  });

  it("shows agent output as text: markup in a log entry is shown, not run, and links open through the host", async () => {
    const { page, view, sandbox } = board;
    const entry = view.locator('#log li.entry:has-text("Agent quoted a page")');
    const text = (await entry.locator(".content").textContent()) ?? "";
    assert.ok(text.includes(XSS_IMG), text);
    assert.ok(text.includes(XSS_SCRIPT), text);
    assert.equal(await view.locator("#log img, #log script").count(), 0);
    assert.notEqual(await view.evaluate(() => document.title), "pwned");
    assert.ok(!sandbox.requests.some((r) => r.startsWith("/x")), "the img never loaded");

    await view.locator('#log a:has-text("https://example.com/pr/412")').press("Enter");
    await page.waitForFunction(() => window.host.opened.length > 0);
    assert.deepEqual(await page.evaluate(() => window.host.opened), ["https://example.com/pr/412"]);
    assert.equal(page.frames().length, 2, "no frame was opened by the link");
  });

  it("blocks network access from the view", async () => {
    const { view, host } = board;
    const outcome = await view.evaluate(async (url) => {
      try {
        await fetch(url);
        return "fetched";
      } catch (err) {
        return `blocked: ${err}`;
      }
    }, `${host.origin}/probe`);
    assert.match(outcome, /^blocked/);
    assert.ok(!host.requests.includes("/probe"), "the request never left the view");
  });

  it("follows the host's theme, light and dark (screenshots in BOARD_SCREENSHOT_DIR)", async () => {
    const { page, view } = board;
    await view.locator('button.task:has-text("fix-login")').press("Enter");
    await view.locator("#log li.entry").first().waitFor();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const background = () => view.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await settled(board);
    await page.locator("body").screenshot({ path: join(SCREENSHOTS, "board-light.png") });
    await page.evaluate(() => window.host.setTheme("dark"));
    await view.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    const dark = await background();
    assert.notEqual(light, dark);
    await settled(board);
    await page.locator("body").screenshot({ path: join(SCREENSHOTS, "board-dark.png") });
  });

  it("pauses a task through its button: the server gets the call and the badge changes", async () => {
    const { view, served } = board;
    await view.locator("#pause").press("Enter");
    await view.locator('#d-badges .badge[data-kind="status"]', { hasText: /^paused$/ }).waitFor();
    await badge(view, 'button.task:has-text("fix-login")', "status")
      .filter({ hasText: /^paused$/ })
      .waitFor();
    assert.ok(served.calls.includes("coder_pause_task"));
    assert.equal(fake.getTask("fix-login")?.status, "paused");
    assert.ok(await view.locator("#resume").isVisible());
    assert.ok(await view.locator("#pause").isHidden());
  });

  it("sends input to the agent through the coder_send_task_input tool", async () => {
    const { page, view } = board;
    await view.locator('button.task:has-text("write-docs")').press("Enter");
    await view.locator("#input").fill("Add an example for coder_wait_for_task.");
    await view.locator("#input").focus();
    await page.keyboard.press("Control+Enter");
    await view.locator("#input").and(view.locator(":placeholder-shown")).waitFor();
    assert.deepEqual(fake.sentInputs("write-docs"), ["Add an example for coder_wait_for_task."]);
  });

  it("picks up a new task on refresh, and pages its log back with before_id", async () => {
    const { view, served } = board;
    const logs = Array.from({ length: 45 }, (_, i) => ({ type: "output" as const, content: `step ${i + 1}` }));
    fake.addTask({ name: "long-run", displayName: "Migrate the billing tables", logs });
    await view.locator('button.task:has-text("long-run")').press("Enter");
    await view.locator("#log li.entry").nth(29).waitFor();
    assert.equal(await view.locator("#log li.entry").count(), 30);
    assert.match((await view.locator("#log li.entry").first().textContent()) ?? "", /step 45/);
    await view.locator("#older", { hasText: "(15)" }).press("Enter");
    await view.locator("#log li.entry").nth(44).waitFor();
    assert.ok(await view.locator("#older").isHidden(), "nothing older left");
    assert.match((await view.locator("#log li.entry").last().textContent()) ?? "", /step 1$/);
    assert.ok(served.calls.filter((c) => c === "coder_get_task_logs").length >= 2);
  });

  it("asks before deleting, and deletes only when confirmed", async () => {
    const { view, served } = board;
    await view.locator('button.task:has-text("flaky-ci")').press("Enter");
    await view.locator("#delete").press("Enter");
    await view.locator("#confirm[open]").waitFor();
    await view.locator("#confirm-cancel").press("Enter");
    assert.ok(!served.calls.includes("coder_delete_task"));
    await view.locator("#delete").press("Enter");
    await view.locator("#confirm-delete").press("Enter");
    await view.locator('button.task:has-text("flaky-ci")').waitFor({ state: "detached" });
    assert.ok(served.calls.includes("coder_delete_task"));
    assert.equal(fake.getTask("flaky-ci")?.deleted, true);
  });

  it("refreshes through the host while visible, and stops when scrolled away or torn down", async () => {
    const { page, view, served } = board;
    const reads = () => served.calls.filter((c) => c === "coder_list_tasks").length;
    const before = reads();
    await until(() => reads() >= before + 2);

    await page.evaluate(() => {
      document.body.style.paddingBottom = "4000px";
      window.scrollTo(0, 4000);
    });
    // Polled on a timer: Chromium runs no animation frames in an off-screen cross-origin frame.
    await view.waitForFunction(() => document.documentElement.dataset.refresh === "off", undefined, { polling: 50 });
    await quiet(view, reads);
    await page.evaluate(() => window.scrollTo(0, 0));
    await view.waitForFunction(() => document.documentElement.dataset.refresh === "on", undefined, { polling: 50 });
    const back = reads();
    await until(() => reads() > back);

    await page.evaluate(() => window.host.bridge.teardownResource({}));
    await view.waitForFunction(() => document.documentElement.dataset.refresh === "off", undefined, { polling: 50 });
    await quiet(view, reads);
  });

  it("opens on one task for a coder_get_task result, with no button for a tool not served (--read-only)", async () => {
    const readOnly = await openBoard(browser, fake, {
      tools: { readOnly: true, exclude: [] },
      call: { name: "coder_get_task", arguments: { task_id: "write-docs" } },
    });
    try {
      const { view } = readOnly;
      await view.locator("#d-title", { hasText: "Document the tasks API" }).waitFor();
      await view.locator("#log li.entry").first().waitFor();
      assert.equal(await view.locator("button.task").count(), 1);
      assert.ok(await view.locator("#log-section").isVisible(), "reading the log is allowed");
      for (const id of ["#pause", "#resume", "#delete", "#send"]) {
        assert.ok(await view.locator(id).isHidden(), `${id} hidden`);
      }
    } finally {
      await readOnly.close();
    }
  });
});

describe("task board on and off (--no-ui)", () => {
  let fake: FakeCoder;
  let on: Served;
  let off: Served;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "one", state: { state: "idle", message: "Done" } });
    on = await serve(fake);
    off = await serve(fake, { ui: false });
  });
  after(async () => {
    await on?.close();
    await off?.close();
    await fake?.close();
  });

  it("lists the same tools, only without the board's _meta", async () => {
    const strip = (tools: Tool[]) => tools.map(({ _meta, ...tool }) => tool);
    const withUi = (await on.client.listTools()).tools;
    const withoutUi = (await off.client.listTools()).tools;
    assert.ok(withoutUi.every((t) => t._meta === undefined));
    assert.deepEqual(
      withUi.filter((t) => t._meta).map((t) => t.name),
      ["coder_list_tasks", "coder_get_task"],
    );
    assert.equal(JSON.stringify(strip(withUi)), JSON.stringify(withoutUi));
  });

  it("returns the same results, and serves no board", async () => {
    // The fence around agent output has a random tag per call.
    const fenceless = (r: unknown) => JSON.stringify(r).replace(/untrusted-agent-data-[0-9a-f]{8}/g, "FENCE");
    for (const name of ["coder_list_tasks", "coder_get_task"]) {
      const args = name === "coder_get_task" ? { task_id: "one" } : {};
      const a = await on.client.callTool({ name, arguments: args });
      const b = await off.client.callTool({ name, arguments: args });
      assert.equal(fenceless(a), fenceless(b), name);
    }
    await assert.rejects(off.client.readResource({ uri: BOARD_URI }), /not found/i);
  });

  it("is served by the built bin from dist/, and turned off by --no-ui or CODER_TASKS_MCP_UI=0", async () => {
    assert.equal(parseCli([], {}).ui, true);
    assert.equal(parseCli([], { CODER_TASKS_MCP_UI: "false" }).ui, false);
    const cases: Array<[string[], Record<string, string>, boolean]> = [
      [["--demo"], {}, true],
      [["--demo", "--no-ui"], {}, false],
      [["--demo"], { CODER_TASKS_MCP_UI: "0" }, false],
    ];
    for (const [args, env, ui] of cases) {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: ["dist/index.js", ...args],
        env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", ...env },
        stderr: "ignore",
      });
      const client = new Client({ name: "bin", version: "1" });
      await client.connect(transport);
      try {
        const { tools } = await client.listTools();
        const named = tools.filter((t) => t._meta).map((t) => t.name);
        assert.deepEqual(
          named,
          ui ? ["coder_list_tasks", "coder_get_task"] : [],
          `${args.join(" ")} ${JSON.stringify(env)}`,
        );
        if (ui) assert.match(await viewHtml(client), /<meta name="coder-tasks-tools" content="coder_list_tasks,/);
        else await assert.rejects(client.readResource({ uri: BOARD_URI }), /not found/i);
      } finally {
        await client.close();
      }
    }
  });
});
