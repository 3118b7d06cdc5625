// 2. Per-call overhead: coder_get_task over stdio versus the one GET it makes, sent straight to the fake with undici.
// Server calls and direct GETs alternate (order flipped every iteration) so both see the same machine noise; the
// difference of the two distributions is what MCP, zod and the pipes add to each call. A trivial tool on the minimal
// SDK server is timed alongside: the floor any stdio MCP call pays on this machine (two pipe hops, SDK dispatch).
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { cleanDeep, cleanUntrusted, fenceUntrusted } from "../../src/format/untrusted.js";
import { redactor } from "../../src/redact.js";
import { outbound } from "../../src/transports/outbound.js";
import { row, type Section } from "../report.js";
import { minimal, ours } from "../servers.js";
import { median, summarize } from "../stats.js";
import { failed, RpcChild } from "../stdio-client.js";
import { Direct, fakeWithTasks, loadContract } from "../world.js";

const TASK = "bench-task-0";
const WARMUP = 100;

export async function perCall(calls: number, budgetMs: number): Promise<Section> {
  const fake = await fakeWithTasks(1);
  const direct = new Direct(fake);
  const child = new RpcChild(ours(fake));
  const floor = new RpcChild(minimal());
  const path = `/api/v2/tasks/me/${TASK}`;
  try {
    await child.handshake();
    await floor.handshake();
    const serverCall = async () => {
      const t = performance.now();
      const r = await child.callTool("coder_get_task", { task_id: TASK });
      const ms = performance.now() - t;
      const why = failed(r);
      if (why) throw new Error(`coder_get_task failed: ${why}`);
      return ms;
    };
    const directCall = async () => {
      const t = performance.now();
      await direct.get(path);
      return performance.now() - t;
    };
    const floorCall = async () => {
      const t = performance.now();
      const r = await floor.callTool("echo", { text: "ping" });
      const ms = performance.now() - t;
      const why = failed(r);
      if (why) throw new Error(`echo failed: ${why}`);
      return ms;
    };
    for (let i = 0; i < WARMUP; i++) {
      await serverCall();
      await directCall();
      await floorCall();
    }

    const mark = fake.requests.length;
    const server: number[] = [];
    const plain: number[] = [];
    const paired: number[] = [];
    const echo: number[] = [];
    const deadline = performance.now() + budgetMs;
    for (let i = 0; i < calls && performance.now() < deadline; i++) {
      let s: number;
      let d: number;
      if (i % 2 === 0) {
        s = await serverCall();
        d = await directCall();
      } else {
        d = await directCall();
        s = await serverCall();
      }
      echo.push(await floorCall());
      server.push(s);
      plain.push(d);
      paired.push(s - d);
    }

    // What the server sent to the fake while measured (the bench's own GETs carry user-agent bench-direct).
    const fromServer = fake.requests.slice(mark).filter((r) => r.headers["user-agent"]?.startsWith("coder-tasks-mcp"));
    const onPath = fromServer.filter((r) => r.method === "GET" && r.path === path).length;
    const buildinfo = fake.requests.filter((r) => r.path.endsWith("/buildinfo")).length;

    // The fake's Ajv check of one task body, in-process: its share of each side of the ratio.
    const body = await direct.get(path);
    const contract = loadContract();
    const t = performance.now();
    for (let i = 0; i < 1000; i++) contract.checkSuccess("GET /api/v2/tasks/{user}/{task}", body);
    const ajvUs = performance.now() - t; // ms for 1000 checks = µs per check

    // The outbound boundary's share of one call, in-process: cleaning and fencing the handler's value, then the
    // transport guard (clean every string, serialize, redact) on the answer as the client received it.
    const answer = await child.callTool("coder_get_task", { task_id: TASK });
    const structured = (answer.result?.structuredContent ?? {}) as Record<string, unknown>;
    const message = { jsonrpc: "2.0", id: 1, result: answer.result } as JSONRPCMessage;
    const redact = redactor([fake.token]);
    const b = performance.now();
    for (let i = 0; i < 1000; i++) {
      fenceUntrusted(JSON.stringify(cleanDeep(structured, cleanUntrusted)), "x");
      outbound(message, redact);
    }
    const boundaryUs = performance.now() - b; // ms for 1000 = µs per call

    const S = summarize(server);
    const D = summarize(plain);
    const over50 = S.median - D.median;
    const over99 = S.p99 - D.p99;
    const done = server.length;
    return {
      key: "perCall",
      title: `2. Per-call overhead: ${done} sequential coder_get_task vs direct GET ${path} (after ${WARMUP} warm-up)`,
      rows: [
        row("server call (coder_get_task over stdio)", "ms", S),
        row("direct GET (undici Pool, keep-alive)", "ms", D),
        row("server call p99", "ms", S.p99),
        row("direct GET p99", "ms", D.p99),
        row("overhead p50 (median server - median direct)", "ms", over50, "< 1 ms", over50 < 1),
        row("overhead p99 (p99 server - p99 direct)", "ms", over99, "< 5 ms", over99 < 5),
        row("paired difference per iteration", "ms", summarize(paired)),
        row("floor: echo tool on the minimal SDK server", "ms", summarize(echo)),
        row("overhead p50 above the floor (overhead p50 - echo p50)", "ms", over50 - median(echo)),
        row("ratio of medians server/direct", "x", S.median / D.median),
        row("fake requests per call (from the server)", "", fromServer.length / done),
        row("fake alone: Ajv check of one task body (mean of 1000)", "µs", ajvUs),
        row("outbound boundary per call: clean, fence, guard and redact (mean of 1000)", "µs", boundaryUs),
        row(
          "boundary share of the server call median",
          "%",
          (boundaryUs / 1000 / S.median) * 100,
          "< 10 %",
          boundaryUs / 1000 / S.median < 0.1,
        ),
      ],
      notes: [
        `the server made ${fromServer.length} requests for ${done} calls, ${onPath} of them GET ${path}; GET buildinfo ${buildinfo} time(s) in the whole run`,
        "the fake's Ajv validation of every success body is in both sides (it has no switch to turn it off)",
        ...(done < calls ? [`stopped at ${done} of ${calls} calls: time budget of ${budgetMs} ms reached`] : []),
      ],
      data: { calls: done, requested: calls, fromServer: fromServer.length, medianPaired: median(paired) },
    };
  } finally {
    await child.close();
    await floor.close();
    await direct.close();
    await fake.close();
  }
}
