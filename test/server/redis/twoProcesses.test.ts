// Issue 15 §4 with real processes: two proxy processes on loopback, one redis-server, the test as the browser.
import type { ChildProcess } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSessionTokens } from '../../../src/server/index.ts';
import { findRedisServer, type RedisServer, startRedisServer } from './redisServer.ts';
import { spawnProxy } from './spawnProxy.ts';

const SECRET = 'two-process-secret-0123456789abcdefghijk';
const ALICE = 'USR-11111111-aaaa-4aaa-8aaa-111111111111';
const BOB = 'USR-22222222-bbbb-4bbb-8bbb-222222222222';
const binary = findRedisServer();
const children: ChildProcess[] = [];
let redis: RedisServer;
let ports: number[] = [];
// Issues tokens only (the same secret as the processes); revocations go through a process's sign-out route.
const issuer = createSessionTokens({ secret: SECRET });

function startProxyProcess(): Promise<number> {
  return spawnProxy('proxyProcess.ts', { REDIS_URL: redis.url, TOKEN_SECRET: SECRET, SEARCH_LIMIT: '3' }, children);
}

const search = (port: number, token: string) =>
  fetch(`http://127.0.0.1:${port}/institutions?name=mx`, {
    headers: { 'X-Member-Connect': '1', Authorization: `Bearer ${token}` },
  });

describe.runIf(binary !== null)('two proxy processes sharing one redis-server', () => {
  beforeAll(async () => {
    redis = await startRedisServer(binary!);
    ports = await Promise.all([startProxyProcess(), startProxyProcess()]);
  }, 60_000);
  afterAll(async () => {
    for (const child of children) child.kill();
    await redis?.stop();
  });

  it('shares rate limits and revocations, refuses while Redis is down and recovers when it is back', async () => {
    const [a, b] = ports as [number, number];
    const alice = await issuer.issue(ALICE);
    expect((await search(a, alice)).status).toBe(200);
    expect((await search(b, alice)).status).toBe(200);
    expect((await search(a, alice)).status).toBe(200);
    expect((await search(b, alice)).status).toBe(429); // the fourth, counted across both processes

    const bob = await issuer.issue(BOB);
    expect((await search(b, bob)).status).toBe(200);
    const signedOut = await fetch(`http://127.0.0.1:${a}/signout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bob}` },
    });
    expect(signedOut.status).toBe(204);
    expect((await search(b, bob)).status).toBe(401);

    await redis.stop();
    // Refused, never let through, and not blamed on the token: a token whose revocation cannot be checked gets 503
    // with Retry-After (a 401 would send the widget into a loop of fresh tokens that fail the same way).
    const down = await search(a, await issuer.issue(BOB));
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');

    await redis.start();
    // Each process's client reconnects on its own; poll until both answer again (Redis starts empty: no persistence).
    const fresh = await issuer.issue(BOB);
    for (const port of [a, b]) {
      let status = 0;
      for (let attempt = 0; attempt < 200 && status !== 200; attempt += 1) {
        status = (await search(port, fresh)).status;
        if (status !== 200) {
          expect(status).toBe(503);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      expect(status).toBe(200);
    }
  });
});
