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
  | { type: 'ready'; sandboxUrl: string; proxyUrl: string }
  | { type: 'memory'; memory: NodeJS.MemoryUsage };

const secret = process.env.BENCH_SESSION_SECRET;
const aggregationMs = Number(process.env.BENCH_AGGREGATION_MS ?? '500');
if (!secret || !process.send) throw new Error('benchServerProcess runs only as a child of bench/run.ts');

const sandbox = listenOnLoopback(createSandbox({ aggregationMs }).fetch);
const sandboxUrl = (await sandbox).url;

const proxy = createConnectProxy({
  baseUrl: sandboxUrl,
  clientId: SANDBOX_CLIENT_ID,
  apiKey: SANDBOX_API_KEY,
  authenticate: bearerAuthenticate(createSessionTokens({ secret })),
  // The limiter stays in the path (its cost is part of the overhead) but never trips: the bench's users are busy.
  rateLimit: {
    search: { limit: 1e9, windowMs: 60_000 },
    read: { limit: 1e9, windowMs: 60_000 },
    status: { limit: 1e9, windowMs: 60_000 },
    createMember: { limit: 1e9, windowMs: 60_000 },
    write: { limit: 1e9, windowMs: 60_000 },
  },
});
const partner = new Hono().route('/api/connect', proxy);
const proxyServer = await listenOnLoopback(partner.fetch);

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (message: ParentMessage) => {
  if (message.type === 'memory') {
    gc?.();
    gc?.();
    process.send?.({ type: 'memory', memory: process.memoryUsage() } satisfies ChildMessage);
  } else if (message.type === 'stop') {
    void Promise.all([proxyServer.close(), sandbox.then((s) => s.close())]).then(() => process.exit(0));
  }
});
process.send({ type: 'ready', sandboxUrl, proxyUrl: `${proxyServer.url}/api/connect` } satisfies ChildMessage);
