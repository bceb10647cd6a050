// Child process of the bench: the sandbox and the proxy, each on its own loopback port, as a partner would run them
// (proxy → sandbox over HTTP). Load generators stay in the parent so they do not steal this process's event loop.
// Parent ↔ child over IPC: `ready` with the URLs, `memory` on request (after a forced GC), `stop`.
import { Hono } from 'hono';

import { bearerAuthenticate, createConnectProxy, createSessionTokens } from '../src/server/index.ts';
import { createSandbox } from '../src/server/sandbox/index.ts';
import { listenOnLoopback } from './listenOnLoopback.ts';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from './sandboxAccess.ts';

export type ParentMessage = { type: 'memory' } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready'; sandboxUrl: string; proxyUrl: string; inMemoryProxyUrl: string }
  | { type: 'memory'; memory: NodeJS.MemoryUsage };

const secret = process.env.BENCH_SESSION_SECRET;
const aggregationMs = Number(process.env.BENCH_AGGREGATION_MS ?? '500');
if (!secret || !process.send) throw new Error('benchServerProcess runs only as a child of bench/run.ts');

const sandboxApp = createSandbox({ aggregationMs });
const sandbox = listenOnLoopback(sandboxApp.fetch);
const sandboxUrl = (await sandbox).url;

const partnerApp = (upstreamFetch?: typeof fetch) => {
  const proxy = createConnectProxy({
    baseUrl: sandboxUrl,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    authenticate: bearerAuthenticate(createSessionTokens({ secret })),
    ...(upstreamFetch ? { fetch: upstreamFetch } : {}),
    // The limiter stays in the path (its cost is part of the overhead) but never trips: the bench's users are busy.
    rateLimit: {
      search: { limit: 1e9, windowMs: 60_000 },
      read: { limit: 1e9, windowMs: 60_000 },
      status: { limit: 1e9, windowMs: 60_000 },
      createMember: { limit: 1e9, windowMs: 60_000 },
      write: { limit: 1e9, windowMs: 60_000 },
    },
  });
  return new Hono().route('/api/connect', proxy);
};
// The real set-up: the proxy's global fetch reaches the sandbox over loopback HTTP.
const proxyServer = await listenOnLoopback(partnerApp().fetch);
// For the breakdown only: the same proxy handing requests to the sandbox app in memory (no HTTP client, no socket).
const inMemoryProxyServer = await listenOnLoopback(
  partnerApp(async (input, init) => sandboxApp.fetch(new Request(input, init))).fetch,
);

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (message: ParentMessage) => {
  if (message.type === 'memory') {
    gc?.();
    gc?.();
    process.send?.({ type: 'memory', memory: process.memoryUsage() } satisfies ChildMessage);
  } else if (message.type === 'stop') {
    void Promise.all([proxyServer.close(), inMemoryProxyServer.close(), sandbox.then((s) => s.close())]).then(() =>
      process.exit(0),
    );
  }
});
process.send({
  type: 'ready',
  sandboxUrl,
  proxyUrl: `${proxyServer.url}/api/connect`,
  inMemoryProxyUrl: `${inMemoryProxyServer.url}/api/connect`,
} satisfies ChildMessage);
