// A real load balancer: Debian's nginx in front of three replicas of the built bin, against one fake Coder. Stateless
// replicas share the calls of 8 clients and survive the loss of one without a write sent twice; stateful replicas
// keep each session on its replica by the route in its Mcp-Session-Id.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { FakeCoder } from "./fake-coder/index.js";
import { until } from "./harness.js";
import { freePort, type Nginx, nginxMissing, type Replica, startNginx, startReplica } from "./nginx.js";

const missing = nginxMissing();
if (missing) process.stderr.write(`balancer tests skipped: ${missing}\n`);

const CLIENTS = 8;
const CALLS = 1000;

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: "balancer-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** Which replica sent each request the fake received, by the token it carries. */
function byReplica(fake: FakeCoder, replicas: Replica[], from = 0): Map<string, number> {
  const counts = new Map(replicas.map((r) => [r.name, 0]));
  for (const request of fake.requests.slice(from)) {
    const replica = replicas.find((r) => r.token === request.headers["coder-session-token"]);
    if (replica) counts.set(replica.name, (counts.get(replica.name) ?? 0) + 1);
  }
  return counts;
}

function upstreams(name: string, replicas: Replica[], backupsOf?: Replica): string {
  const lines = replicas.map((r) => {
    const backup = backupsOf && r !== backupsOf ? " backup" : "";
    return `    server 127.0.0.1:${r.port} max_fails=1 fail_timeout=60s${backup};`;
  });
  return `  upstream ${name} {\n${lines.join("\n")}\n    keepalive 16;\n  }`;
}

describe("three stateless replicas behind nginx", { skip: missing }, () => {
  let fake: FakeCoder;
  let replicas: Replica[];
  let nginx: Nginx;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    for (let i = 0; i < CLIENTS; i++) fake.addTask({ name: `task-${i}`, state: { state: "idle", message: "ready" } });
    fake.addTask({ name: "slowpoke", state: { state: "idle", message: "ready" } });
    // The balancer's port is known before the replicas start, so that they can allow its Host: the guard stays on.
    const port = await freePort();
    replicas = [];
    for (const name of ["a", "b", "c"]) {
      replicas.push(await startReplica(fake, name, ["--stateless", "--allowed-hosts", `127.0.0.1:${port}`]));
    }
    nginx = await startNginx(upstreams("mcp", replicas), "http://mcp", port);
  });
  after(async () => {
    await nginx?.stop();
    for (const r of replicas ?? []) await r.kill();
    await fake?.close();
  });

  it("serve 1 000 mixed calls from 8 clients, spread over the replicas, and survive losing one", async () => {
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(nginx.url)));
    const from = fake.requests.length;
    let started = 0;
    let killedAt: number | undefined;
    let victim: Replica | undefined;
    const failures: Array<{ started: number; message: string }> = [];
    const writes: string[] = [];

    const one = async (client: Client, i: number, n: number): Promise<void> => {
      const kind = n % 6;
      if (kind === 0) {
        const input = `input ${i}-${n}`;
        writes.push(input);
        const r = (await client.callTool({
          name: "coder_send_task_input",
          arguments: { task_id: `task-${i}`, input },
        })) as CallToolResult;
        assert.notEqual(r.isError, true, JSON.stringify(r.content));
      } else if (kind === 1) await client.callTool({ name: "coder_list_tasks", arguments: {} });
      else if (kind === 2) await client.callTool({ name: "coder_get_task", arguments: { task_id: `task-${i}` } });
      else if (kind === 3) await client.readResource({ uri: `coder://tasks/alice/task-${i}` });
      else if (kind === 4) await client.getPrompt({ name: "review_coder_task", arguments: { task_id: `task-${i}` } });
      else await client.callTool({ name: "coder_list_templates", arguments: {} });
    };

    // Halfway, one call is held by Coder for a while: the replica it went to is killed while it is in flight.
    const killOne = async (client: Client) => {
      fake.injectFault({ method: "GET", path: /slowpoke/ }, { kind: "delay", ms: 3000 });
      const seen = fake.requests.length;
      const held = client.callTool({ name: "coder_get_task", arguments: { task_id: "slowpoke" } }).then(
        () => undefined,
        (err: Error) => err,
      );
      const heldRequest = () => fake.requests.slice(seen).find((r) => r.path.includes("slowpoke"));
      await until(() => heldRequest() !== undefined, "the held call at Coder");
      const request = heldRequest();
      victim = replicas.find((r) => r.token === request?.headers["coder-session-token"]);
      assert.ok(victim, "the held call came from a replica");
      await victim.kill();
      killedAt = started;
      assert.match(
        String((await held)?.message),
        /Bad Gateway: the replica serving this request failed/,
        "the call in flight on the killed replica fails",
      );
    };

    await Promise.all(
      clients.map(async (client, i) => {
        for (let n = 0; started < CALLS; n++) {
          const number = ++started;
          if (i === 0 && number >= CALLS / 2 && !victim) await killOne(client);
          try {
            await one(client, i, n);
          } catch (err) {
            failures.push({ started: number, message: (err as Error).message });
          }
        }
      }),
    );

    assert.ok(killedAt !== undefined && victim);
    // Only calls already in flight when the replica died may fail, with nginx's clear 502; every later one succeeds.
    for (const f of failures) {
      assert.ok(f.started <= killedAt, `call ${f.started}, after the kill at ${killedAt}, failed: ${f.message}`);
      assert.match(f.message, /Bad Gateway: the replica serving this request failed/);
    }
    assert.ok(failures.length < CLIENTS, `${failures.length} failures`);

    const counts = byReplica(fake, replicas, from);
    for (const [name, count] of counts) assert.ok(count >= 50, `replica ${name}: ${count} requests of ${[...counts]}`);

    // Every write reached Coder at most once, and each one that succeeded exactly once.
    const sent = fake.requests
      .slice(from)
      .filter((r) => r.method === "POST" && r.path.endsWith("/send"))
      .map((r) => (JSON.parse(r.body) as { input: string }).input);
    for (const input of writes) assert.ok(sent.filter((s) => s === input).length <= 1, `${input} sent twice`);
    assert.equal(new Set(sent).size, sent.length, "no write repeated");
    assert.ok(sent.length >= writes.length - failures.length, `${sent.length} of ${writes.length} writes`);
    assert.deepEqual(fake.violations, []);
    for (const c of clients) await c.close();
  });
});

describe("three stateful replicas behind nginx, with affinity on the session's route", { skip: missing }, () => {
  let fake: FakeCoder;
  let replicas: Replica[];
  let nginx: Nginx;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login", state: { state: "idle", message: "ready" } });
    const port = await freePort();
    replicas = [];
    for (const name of ["r1", "r2", "r3"]) {
      replicas.push(await startReplica(fake, name, ["--route", name, "--allowed-hosts", `127.0.0.1:${port}`]));
    }
    const routes = replicas.map((r) => `    ~^${r.name}\\. ${r.name};`).join("\n");
    const config = [
      `  map $http_mcp_session_id $mcp_pool {\n${routes}\n    default mcp_all;\n  }`,
      upstreams("mcp_all", replicas),
      ...replicas.map((r) => upstreams(r.name, replicas, r)),
    ].join("\n");
    nginx = await startNginx(config, "http://$mcp_pool", port);
  });
  after(async () => {
    await nginx?.stop();
    for (const r of replicas ?? []) await r.kill();
    await fake?.close();
  });

  it("keep a session on its replica, and answer 404 once it is gone so that a new session works", async () => {
    const transport = new StreamableHTTPClientTransport(new URL(nginx.url));
    const client = new Client({ name: "affinity-test", version: "1.0.0" });
    await client.connect(transport);
    const route = String(transport.sessionId).split(".")[0];
    const home = replicas.find((r) => r.name === route);
    assert.ok(home, `session ${transport.sessionId} names a replica`);
    const from = fake.requests.length;
    for (let i = 0; i < 60; i++) {
      const r = (await client.callTool({
        name: "coder_get_task",
        arguments: { task_id: "fix-login" },
      })) as CallToolResult;
      assert.notEqual(r.isError, true, JSON.stringify(r.content));
    }
    const counts = byReplica(fake, replicas, from);
    assert.equal(counts.get(home.name), fake.requests.length - from, `all on ${home.name}: ${[...counts]}`);

    await home.kill();
    await assert.rejects(client.callTool({ name: "coder_list_tasks", arguments: {} }), /404|Session not found/);
    await client.close();
    const again = await connect(nginx.url);
    const r = (await again.callTool({ name: "coder_list_tasks", arguments: {} })) as CallToolResult;
    assert.notEqual(r.isError, true, JSON.stringify(r.content));
    await again.close();
  });
});
