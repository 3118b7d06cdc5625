// Debian's nginx in front of replicas of the built bin, for the balancer tests: each replica on its own free port
// against one fake Coder, each with its own token for the same user so that the fake's log tells them apart.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeCoder } from "./fake-coder/index.js";

export const NGINX = "/usr/sbin/nginx";
/** What nginx answers, as the README's sample configuration does, when the replica of a call fails. */
export const REPLICA_FAILED =
  '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Gateway: the replica serving this request failed. A read can be sent again; a write may have been done: check before repeating it."},"id":null}';
const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

/** Why the balancer tests cannot run here, or undefined. In CI nginx must be there (.ci/run installs it). */
export function nginxMissing(): string | undefined {
  if (existsSync(NGINX)) return undefined;
  if (process.env.CI === "true") throw new Error(`${NGINX} is missing: .ci/run installs Debian's nginx`);
  return `${NGINX} is not installed (apt-get install nginx)`;
}

export interface Replica {
  name: string;
  port: number;
  /** The Coder token it uses: its requests in the fake's log carry it. */
  token: string;
  child: ChildProcessWithoutNullStreams;
  /** Kills it with SIGKILL, as a crash would, and waits for it to exit. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

/** `node dist/index.js --http --port 0 ...flags` against `fake`, once it listens. */
export async function startReplica(fake: FakeCoder, name: string, flags: string[]): Promise<Replica> {
  const token = fake.issueToken("alice");
  const child = spawn(process.execPath, [BIN, "--http", "--port", "0", ...flags], {
    env: { PATH: process.env.PATH, HOME: "/nonexistent", CODER_URL: fake.url, CODER_SESSION_TOKEN: token },
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d;
  });
  const exited = once(child, "exit");
  for (let i = 0; i < 1000 && !stderr.includes("\n") && child.exitCode === null; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const match = /serving MCP over HTTP at http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(stderr);
  if (!match) throw new Error(`replica ${name} did not start: ${stderr}`);
  return {
    name,
    port: Number(match[1]),
    token,
    child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

export interface Nginx {
  url: string;
  stop(): Promise<void>;
}

/**
 * nginx on `port` of loopback with `upstreams` (the part of the http block that names upstreams and the location's
 * proxy_pass), its own prefix, pid, logs and temp paths in a temp dir, in the foreground: a child killed by pid.
 */
export async function startNginx(upstreams: string, proxyPass: string, port: number): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), "coder-tasks-mcp-nginx-"));
  const config = `
${process.getuid?.() === 0 ? "user root;" : ""}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${upstreams}
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${proxyPass};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_read_timeout 1h;
      # The default, kept: a request is passed to the next server only if it could not be sent, so a POST that
      # reached a replica is never sent again.
      proxy_next_upstream error timeout;
      error_page 502 504 = @replica_failed;
    }
    location @replica_failed {
      default_type application/json;
      return 502 '${REPLICA_FAILED}';
    }
  }
}
`;
  writeFileSync(join(dir, "nginx.conf"), config);
  const child = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")]);
  let output = "";
  child.stderr.on("data", (d: Buffer) => {
    output += d;
  });
  const exited = once(child, "exit");
  const url = `http://127.0.0.1:${port}/mcp`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${output}`);
    const up = await fetch(url.replace(/\/mcp$/, "/healthz")).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) break;
    if (i > 500) throw new Error(`nginx did not answer: ${output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
