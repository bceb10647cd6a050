// Every Map the proxy keeps per process has a stated bound; these hold each one to it.
import { afterEach, describe, expect, it, vi } from 'vitest';

import { USER_KEY_CACHE_SIZE } from '../../../src/server/proxy/middleware/identify.ts';
import { CLIENT_KEY_CACHE_SIZE } from '../../../src/server/proxy/middleware/limitRate.ts';
import { createMemoryRateLimitStore } from '../../../src/server/proxy/rateLimit.ts';
import { createSessionTokens, VERIFIED_TOKEN_CACHE_SIZE } from '../../../src/server/proxy/sessionTokens.ts';
import { createDigestCache, sha256Hex } from '../../../src/server/proxy/sha256.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('bounded maps', () => {
  it('the digest cache (user keys, client keys) holds at most its size and stays correct past it', async () => {
    const cache = createDigestCache(3);
    const texts = ['a', 'b', 'c', 'd', 'e', 'a'];
    for (const text of texts) expect(await cache(text)).toBe(await sha256Hex(text));
    expect(cache.entries()).toBe(3);
    // Sized for the active users of a busy proxy (the bench's 1,000 people at once, with room to spare).
    expect([USER_KEY_CACHE_SIZE, CLIENT_KEY_CACHE_SIZE]).toEqual([10_000, 10_000]);
  });

  it('the verified-token cache remembers the last 10,000 tokens and decrypts an older one again', async () => {
    expect(VERIFIED_TOKEN_CACHE_SIZE).toBe(10_000);
    const tokens = createSessionTokens({ secret: 'bounds-test-secret-0123456789abcdefghij' });
    const guid = (i: number) => `USR-bounds-${i}`;
    const issued = await Promise.all(
      Array.from({ length: VERIFIED_TOKEN_CACHE_SIZE + 1 }, (_, i) => tokens.issue(guid(i))),
    );
    for (const token of issued) await tokens.verify(token);
    // Watched (and still called through) from here: a remembered token is not decrypted again.
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt');
    expect(await tokens.verify(issued[VERIFIED_TOKEN_CACHE_SIZE] as string)).toBe(guid(VERIFIED_TOKEN_CACHE_SIZE));
    expect(await tokens.verify(issued[1] as string)).toBe(guid(1));
    expect(decrypt).not.toHaveBeenCalled();
    // The first was forgotten when the 10,001st came in: decrypted again, and still valid.
    expect(await tokens.verify(issued[0] as string)).toBe(guid(0));
    expect(decrypt).toHaveBeenCalledTimes(1);
    // 20,000 AES-GCM operations: under a second on an idle machine, many more on a shared one.
  }, 60_000);

  it('the memory rate-limit store holds at most maxKeys, and a live window it forgets restarts at one', () => {
    const store = createMemoryRateLimitStore({ maxKeys: 100 });
    for (let i = 0; i < 1000; i += 1) store.hit(`key-${i}`, 60_000, 0);
    // The newest windows are kept and keep counting; the oldest were forgotten.
    expect(store.hit('key-999', 60_000, 1)).toMatchObject({ count: 2 });
    expect(store.hit('key-0', 60_000, 1)).toMatchObject({ count: 1 });
    // Expired windows make room without evicting live ones.
    const expiring = createMemoryRateLimitStore({ maxKeys: 2 });
    expiring.hit('old', 10, 0);
    expiring.hit('live', 60_000, 0);
    expiring.hit('new', 60_000, 20);
    expect(expiring.hit('live', 60_000, 21)).toMatchObject({ count: 2 });
  });

  it('a full rate-limit store with rules of different lengths forgets ended windows before live ones', () => {
    // A 10-minute bank-login window, then short search windows that end: when full, the ended short ones go first,
    // even though the long one is older (one Map per window length, each ordered by end).
    const store = createMemoryRateLimitStore({ maxKeys: 3 });
    expect(store.hit('bank-login', 600_000, 0)).toEqual({ count: 1, resetAt: 600_000 });
    store.hit('search-1', 1_000, 0);
    store.hit('search-2', 1_000, 10);
    store.hit('search-3', 1_000, 5_000); // search-1 and search-2 have ended: dropped, nothing live forgotten
    store.hit('search-4', 1_000, 5_000);
    expect(store.hit('bank-login', 600_000, 5_001)).toEqual({ count: 2, resetAt: 600_000 });
    // Full of live windows: the one closest to its end (search-3) is forgotten, and restarts at one.
    store.hit('search-5', 1_000, 5_100);
    expect(store.hit('search-4', 1_000, 5_200)).toEqual({ count: 2, resetAt: 6_000 });
    expect(store.hit('bank-login', 600_000, 5_300)).toEqual({ count: 3, resetAt: 600_000 });
    expect(store.hit('search-3', 1_000, 5_400)).toEqual({ count: 1, resetAt: 6_400 });
  });

  it('a full rate-limit store stays correct over many hits: never more than maxKeys windows, live counts exact', () => {
    const maxKeys = 50;
    const store = createMemoryRateLimitStore({ maxKeys });
    // 20 steady users counted every step; 2,000 one-off keys passing through; both at two window lengths.
    let now = 0;
    for (let step = 0; step < 1000; step += 1) {
      now += 10;
      for (let user = 0; user < 20; user += 1) {
        const windowMs = user % 2 === 0 ? 60_000 : 600_000;
        // Windows start at 10 and last 60 s or 10 min: the count is the steps since its window started.
        const started = 10 + Math.floor((now - 10) / windowMs) * windowMs;
        expect(store.hit(`user-${user}`, windowMs, now)).toEqual({
          count: (now - started) / 10 + 1,
          resetAt: started + windowMs,
        });
      }
      store.hit(`passer-${step}`, 1_000, now);
      store.hit(`passer-b-${step}`, 1_000, now);
    }
    // The bound: maxKeys windows at most. Filling it with fresh keys forgets the steady users' windows in turn.
    for (let i = 0; i < maxKeys; i += 1) store.hit(`fresh-${i}`, 600_000, now + 1);
    expect(store.hit('user-0', 60_000, now + 2)).toMatchObject({ count: 1 });
  });
});
