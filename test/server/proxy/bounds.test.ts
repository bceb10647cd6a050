// Every Map the proxy keeps per process has a stated bound; these hold each one to it.
import { describe, expect, it } from 'vitest';

import { USER_KEY_CACHE_SIZE } from '../../../src/server/proxy/middleware/identify.ts';
import { createMemoryRateLimitStore } from '../../../src/server/proxy/rateLimit.ts';
import { createDigestCache, sha256Hex } from '../../../src/server/proxy/sha256.ts';

describe('bounded maps', () => {
  it('the digest cache (user keys, client keys) holds at most its size and stays correct past it', async () => {
    const cache = createDigestCache(3);
    const texts = ['a', 'b', 'c', 'd', 'e', 'a'];
    for (const text of texts) expect(await cache(text)).toBe(await sha256Hex(text));
    expect(cache.entries()).toBe(3);
    expect(USER_KEY_CACHE_SIZE).toBe(1024);
  });

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
});
