// Two proxy instances sharing one real redis-server (issue 15 §4): rate limits and revocations hold across instances,
// and a Redis outage refuses requests (never lets one through unchecked) until Redis is back.
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { ProxyFetch, ProxyLogEntry, SessionTokens } from '../../../src/server/index.ts';
import {
  bearerAuthenticate,
  createConnectProxy,
  createSessionTokens,
  RevocationStoreError,
} from '../../../src/server/index.ts';
import {
  createRedisRateLimitStore,
  createRedisRevocationStore,
  RedisStoreError,
} from '../../../src/server/redis/index.ts';
import { createSandbox, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../../src/server/sandbox/index.ts';
import { findRedisServer, type RedisServer, startRedisServer } from './redisServer.ts';

const ALICE = 'USR-11111111-aaaa-4aaa-8aaa-111111111111';
const BOB = 'USR-22222222-bbbb-4bbb-8bbb-222222222222';
const SECRET = 'redis-test-secret-0123456789abcdefghijkl';
const SANDBOX_URL = 'http://sandbox.test';

const binary = findRedisServer();
let redis: RedisServer;
const clients: { destroy(): void }[] = [];

/** One instance's own connection, as a separate process would have. Errors are logged by the client, not thrown. */
async function connect(options: { disableOfflineQueue?: boolean } = {}) {
  const client = createClient({
    url: redis.url,
    disableOfflineQueue: options.disableOfflineQueue ?? true,
    socket: { reconnectStrategy: () => 50 },
  });
  client.on('error', () => {}); // an outage is expected in one test; the stores report it
  await client.connect();
  clients.push(client);
  return client;
}

/** A proxy instance in front of the real sandbox, its upstream calls counted. */
function instance(options: { client: Awaited<ReturnType<typeof connect>>; tokens: SessionTokens; timeoutMs?: number }) {
  const sandbox = createSandbox({ aggregationMs: 10 });
  const upstream = { calls: 0 };
  const logs: ProxyLogEntry[] = [];
  const fetch: ProxyFetch = (input, init) => {
    upstream.calls += 1;
    return sandbox.request(input, init);
  };
  const proxy = createConnectProxy({
    baseUrl: SANDBOX_URL,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    fetch,
    authenticate: bearerAuthenticate(options.tokens),
    rateLimit: { search: { limit: 3, windowMs: 60_000 } },
    rateLimitStore: createRedisRateLimitStore(options.client, { keyPrefix: 'test:', timeoutMs: options.timeoutMs }),
    logger: (entry) => logs.push(entry),
  });
  const search = (token: string) =>
    proxy.request('http://proxy.test/institutions?name=mx', {
      headers: { 'X-Member-Connect': '1', Authorization: `Bearer ${token}` },
    });
  return { proxy, upstream, logs, search };
}

const tokensOn = (client: Awaited<ReturnType<typeof connect>>, timeoutMs?: number) =>
  createSessionTokens({ secret: SECRET, revocationStore: createRedisRevocationStore(client, { timeoutMs }) });

async function until(ready: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 400 && !ready(); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 25));
  expect(ready()).toBe(true);
}

describe.runIf(binary !== null)('Redis stores shared by two proxy instances', () => {
  beforeAll(async () => {
    redis = await startRedisServer(binary!);
  });
  beforeEach(async () => {
    // Each case starts from an empty Redis, as a fresh deployment would.
    const client = await connect();
    await client.sendCommand(['FLUSHALL']);
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await redis?.stop();
  });

  it('counts a user’s requests on one instance against the limit on the other', async () => {
    const [clientA, clientB] = [await connect(), await connect()];
    const a = instance({ client: clientA, tokens: tokensOn(clientA) });
    const b = instance({ client: clientB, tokens: tokensOn(clientB) });
    const alice = await tokensOn(clientA).issue(ALICE);

    expect((await a.search(alice)).status).toBe(200);
    expect((await a.search(alice)).status).toBe(200);
    expect((await b.search(alice)).status).toBe(200);
    // Fourth request of the window: B alone has seen one, but the shared count is 4 > 3.
    const limited = await b.search(alice);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await a.search(alice)).status).toBe(429);
    expect(a.upstream.calls + b.upstream.calls).toBe(3);

    // Another user has a budget of their own.
    expect((await b.search(await tokensOn(clientB).issue(BOB))).status).toBe(200);

    // One prefixed key per user, expiring with the window, holding no raw user guid.
    const keys = (await clientA.sendCommand(['KEYS', 'test:*'])) as string[];
    expect(keys).toHaveLength(2);
    expect(keys.join(' ')).not.toContain(ALICE.slice(4));
    for (const key of keys) {
      const ttl = (await clientA.sendCommand(['PTTL', key])) as number;
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });

  it('refuses on instance B a token revoked through instance A', async () => {
    const [clientA, clientB] = [await connect(), await connect()];
    const tokensA = tokensOn(clientA);
    const tokensB = tokensOn(clientB);
    const b = instance({ client: clientB, tokens: tokensB });
    const revoked = await tokensA.issue(BOB);
    const kept = await tokensA.issue(BOB);

    expect((await b.search(revoked)).status).toBe(200);
    expect(await tokensA.revoke(revoked)).toBe(true);
    const refused = await b.search(revoked);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { message: 'Not authenticated.' } });
    expect(await tokensB.verify(revoked)).toBeNull();
    expect(await tokensB.verify(kept)).toBe(BOB);

    // The revocation lasts exactly as long as the token could have: 600 s by default.
    const keys = (await clientA.sendCommand(['KEYS', 'member-connect:revoked:*'])) as string[];
    expect(keys).toHaveLength(1);
    const ttl = (await clientA.sendCommand(['PTTL', keys[0]!])) as number;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it('refuses every request while Redis is down (503 when counting or checking revocation) and recovers when it is back', async () => {
    // A: the recommended client (no offline queue, fails at once). B: node-redis's default offline queue, bounded by
    // the store's timeout (a functional setting here, not a timing assertion).
    const clientA = await connect({ disableOfflineQueue: true });
    const clientB = await connect({ disableOfflineQueue: false });
    const tokens = createSessionTokens({ secret: SECRET }); // in-memory revocations: isolates the rate-limit store
    const a = instance({ client: clientA, tokens });
    const b = instance({ client: clientB, tokens, timeoutMs: 200 });
    const sharedTokens = tokensOn(clientA);
    const alice = await tokens.issue(ALICE);
    const beforeOutage = await sharedTokens.issue(ALICE);
    expect((await a.search(alice)).status).toBe(200);

    await redis.stop();
    await until(() => !clientA.isReady && !clientB.isReady);
    for (const proxy of [a, b]) {
      const down = await proxy.search(alice);
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');
      expect(await down.json()).toEqual({ error: { message: expect.stringMatching(/unavailable/i) } });
      expect(proxy.logs.at(-1)).toMatchObject({ status: 503, reason: 'rate_limit_store_failed' });
    }
    expect(a.upstream.calls + b.upstream.calls).toBe(1); // nothing reached MX unchecked
    // Revocation can neither be checked nor recorded: both reject, so the proxy refuses with 503 (not 401).
    await expect(sharedTokens.verify(beforeOutage)).rejects.toBeInstanceOf(RevocationStoreError);
    await expect(sharedTokens.revoke(beforeOutage)).rejects.toBeInstanceOf(RedisStoreError);

    await redis.start();
    await until(() => clientA.isReady && clientB.isReady);
    expect((await a.search(alice)).status).toBe(200);
    expect((await b.search(alice)).status).toBe(200);
    expect(await sharedTokens.verify(beforeOutage)).toBe(ALICE);
  });
});
