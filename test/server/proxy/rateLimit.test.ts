import { describe, expect, it } from 'vitest';

import type { RateLimitHit, RateLimitStore } from '../../../src/server/index.ts';
import { createMemoryRateLimitStore, DEFAULT_RATE_LIMITS } from '../../../src/server/index.ts';
import { ALICE, BOB, createKit, MEMBER } from './proxyTestKit.ts';

const createBody = { member: { institution_code: 'mxbank', credentials: [{ guid: 'CRD-1', value: 'pw' }] } };

function clock() {
  let t = 1_800_000_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('rate limiting', () => {
  it('is much stricter for member creation than for search by default', () => {
    const perMinute = (rule: { limit: number; windowMs: number }) => (rule.limit * 60_000) / rule.windowMs;
    expect(perMinute(DEFAULT_RATE_LIMITS.createMember) * 10).toBeLessThan(perMinute(DEFAULT_RATE_LIMITS.search));
  });

  it('limits each user per route group, with Retry-After until the window resets', async () => {
    const time = clock();
    const { call, calls, logs } = createKit({
      now: time.now,
      rateLimit: { createMember: { limit: 2, windowMs: 60_000 }, search: { limit: 5, windowMs: 60_000 } },
    });
    for (let i = 0; i < 2; i += 1)
      expect((await call('/members', { method: 'POST', body: createBody })).status).toBe(200);
    time.advance(15_000);
    const limited = await call('/members', { method: 'POST', body: createBody });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('45');
    expect(await limited.json()).toEqual({ error: { message: 'Too many requests. Please wait and try again.' } });
    expect(logs.at(-1)).toMatchObject({ status: 429, reason: 'rate_limited', route: '/members' });

    // Another group of the same user, and the same group of another user, are untouched.
    expect((await call('/institutions')).status).toBe(200);
    expect((await call(`/members/${MEMBER}/status`)).status).toBe(200);
    expect((await call('/members', { method: 'POST', body: createBody, user: BOB })).status).toBe(200);

    time.advance(45_000);
    expect((await call('/members', { method: 'POST', body: createBody })).status).toBe(200);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(4);
  });

  it('can be turned off per group or entirely', async () => {
    const off = createKit({ rateLimit: false });
    for (let i = 0; i < DEFAULT_RATE_LIMITS.createMember.limit + 2; i += 1) {
      expect((await off.call('/members', { method: 'POST', body: createBody })).status).toBe(200);
    }
    const searchOff = createKit({ rateLimit: { search: false, createMember: { limit: 1, windowMs: 1000 } } });
    for (let i = 0; i < 3; i += 1) expect((await searchOff.call('/institutions')).status).toBe(200);
    await searchOff.call('/members', { method: 'POST', body: createBody });
    expect((await searchOff.call('/members', { method: 'POST', body: createBody })).status).toBe(429);
  });

  it('uses a custom store with keys that hold no raw user guid', async () => {
    const keys: string[] = [];
    const counts = new Map<string, number>();
    const store: RateLimitStore = {
      async hit(key, windowMs, now): Promise<RateLimitHit> {
        keys.push(key);
        const count = (counts.get(key) ?? 0) + 1;
        counts.set(key, count);
        return { count, resetAt: now + windowMs };
      },
    };
    const { call } = createKit({ rateLimitStore: store, rateLimit: { search: { limit: 1, windowMs: 30_000 } } });
    expect((await call('/institutions')).status).toBe(200);
    const limited = await call('/institutions/mxbank');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^member-connect:search:[0-9a-f]{64}$/);
    expect(keys.join()).not.toContain(ALICE);
  });

  it('fails closed with 503 when the store is down', async () => {
    const { call, calls, logs } = createKit({
      rateLimitStore: {
        hit() {
          throw new Error('redis: connection refused 10.1.2.3');
        },
      },
    });
    const response = await call('/members', { method: 'POST', body: createBody });
    expect(response.status).toBe(503);
    expect(await response.text()).not.toContain('10.1.2.3');
    expect(logs[0]?.reason).toBe('rate_limit_store_failed');
    expect(calls).toHaveLength(0);
  });

  it('the memory store forgets expired windows and stays bounded', () => {
    const store = createMemoryRateLimitStore({ maxKeys: 3 });
    expect(store.hit('a', 1000, 0)).toEqual({ count: 1, resetAt: 1000 });
    expect(store.hit('a', 1000, 500)).toEqual({ count: 2, resetAt: 1000 });
    expect(store.hit('a', 1000, 1000)).toEqual({ count: 1, resetAt: 2000 });
    for (const key of ['b', 'c', 'd', 'e']) store.hit(key, 1000, 1500);
    // `a` was the oldest live window and was evicted to make room.
    expect(store.hit('a', 1000, 1600)).toEqual({ count: 1, resetAt: 2600 });
  });
});
