// One server of the bench in its own child process, as a partner runs them: the sandbox (standing in for MX), the
// proxy (in front of the sandbox over loopback HTTP) or the reference passthrough. The load generators stay in the
// parent, so they do not share an event loop with what they measure, and /proc gives each server's own CPU time.
// Parent ↔ child over IPC: `ready` with the URL, `memory` on request (after a forced GC), `stop`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { Hono } from 'hono';

import { bearerAuthenticate, createConnectProxy, createSessionTokens } from '../src/server/index.ts';
import { createNodeTransport } from '../src/server/node.ts';
import { createSandbox } from '../src/server/sandbox/index.ts';
import type { Listening } from './listenOnLoopback.ts';
import { listenOnLoopback } from './listenOnLoopback.ts';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from './sandboxAccess.ts';

export type BenchRole = 'sandbox' | 'proxy' | 'passthrough';
export type ParentMessage = { type: 'memory' } | { type: 'stop' };
export type ChildMessage = { type: 'ready'; url: string } | { type: 'memory'; memory: NodeJS.MemoryUsage };

const role = process.env.BENCH_ROLE as BenchRole | undefined;
if (!role || !process.send) throw new Error('benchServerProcess runs only as a child of bench/run.ts');

function startSandbox(): Promise<Listening> {
  return listenOnLoopback(createSandbox({ aggregationMs: Number(process.env.BENCH_AGGREGATION_MS ?? '500') }));
}

function startProxy(): Promise<Listening> {
  const secret = process.env.BENCH_SESSION_SECRET;
  const upstreamUrl = process.env.BENCH_UPSTREAM_URL;
  if (!secret || !upstreamUrl) throw new Error('proxy role needs BENCH_SESSION_SECRET and BENCH_UPSTREAM_URL');
  const proxy = createConnectProxy({
    baseUrl: upstreamUrl,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    authenticate: bearerAuthenticate(createSessionTokens({ secret })),
    // What a partner on Node runs: the lean keep-alive node:http transport rather than the global fetch.
    transport: createNodeTransport(),
    // The limiter stays in the path (its cost is part of the overhead) but never trips: the bench's users are busy.
    rateLimit: {
      search: { limit: 1e9, windowMs: 60_000 },
      read: { limit: 1e9, windowMs: 60_000 },
      status: { limit: 1e9, windowMs: 60_000 },
      createMember: { limit: 1e9, windowMs: 60_000 },
      write: { limit: 1e9, windowMs: 60_000 },
      // Every simulated person comes from 127.0.0.1, so the per-client bank-login limit would stop the load run at 50.
      bankLoginsPerClient: { limit: 1e9, windowMs: 60_000 },
    },
  });
  return listenOnLoopback(new Hono().route('/api/connect', proxy));
}

/**
 * The reference line: the least a Node process can do to add one HTTP hop. Every request goes to the sandbox
 * unchanged (method, path, headers, body) over a keep-alive Agent and the answer comes back unchanged, streamed.
 */
function startPassthrough(): Promise<Listening> {
  const upstream = new URL(process.env.BENCH_UPSTREAM_URL ?? '');
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
            agent.destroy();
          }),
      });
    });
  });
}

const listening = await (role === 'sandbox' ? startSandbox() : role === 'proxy' ? startProxy() : startPassthrough());

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (message: ParentMessage) => {
  if (message.type === 'memory') {
    gc?.();
    gc?.();
    process.send?.({ type: 'memory', memory: process.memoryUsage() } satisfies ChildMessage);
  } else if (message.type === 'stop') {
    // A normal exit, so that `--cpu-prof` writes its profile.
    void listening.close().then(() => process.exit(0));
  }
});
process.send({
  type: 'ready',
  url: role === 'proxy' ? `${listening.url}/api/connect` : listening.url,
} satisfies ChildMessage);
