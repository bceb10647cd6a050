import { describe, expect, it } from 'vitest';

import type { TokenRevocationStore } from '../../../src/server/index.ts';
import { bearerAuthenticate, createMemoryRevocationStore, createSessionTokens } from '../../../src/server/index.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const USER = 'USR-5f0c1e2a-aaaa-bbbb-cccc-0123456789ab';

function clock(start = 1_800_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('createSessionTokens', () => {
  it('issues a token that verifies to the same user guid', async () => {
    const tokens = createSessionTokens({ secret: SECRET });
    const token = await tokens.issue(USER);
    expect(token).toMatch(/^mc2\.[A-Za-z0-9_-]+$/);
    await expect(tokens.verify(token)).resolves.toBe(USER);
  });

  it('refuses a token once it has expired, and not a moment before', async () => {
    const time = clock();
    const tokens = createSessionTokens({ secret: SECRET, ttlSeconds: 60, now: time.now });
    const token = await tokens.issue(USER);
    time.advance(59_999);
    await expect(tokens.verify(token)).resolves.toBe(USER);
    time.advance(1);
    await expect(tokens.verify(token)).resolves.toBeNull();
  });

  it('is opaque: decoding it reveals neither the user guid nor any claim', async () => {
    const tokens = createSessionTokens({ secret: SECRET });
    const [first, second] = [await tokens.issue(USER), await tokens.issue(USER)];
    // Two tokens for the same user share nothing readable: a fresh random IV seals each.
    expect(first).not.toBe(second);
    for (const token of [first, second]) {
      for (const part of token.split('.')) {
        const binary = atob(
          part
            .replaceAll('-', '+')
            .replaceAll('_', '/')
            .padEnd(Math.ceil(part.length / 4) * 4, '='),
        );
        for (const leak of [USER, USER.slice(4, 12), 'USR-', '"sub"', '"exp"', '"iat"'])
          expect(binary).not.toContain(leak);
      }
      expect(token).not.toContain(btoa(USER).slice(0, 8));
    }
  });

  it('refuses a token with any byte of its sealed claims changed', async () => {
    const tokens = createSessionTokens({ secret: SECRET });
    const token = await tokens.issue(USER);
    for (const at of [4, 10, 30, Math.floor(token.length / 2), token.length - 3]) {
      const flipped = token[at] === 'A' ? 'B' : 'A';
      await expect(
        tokens.verify(`${token.slice(0, at)}${flipped}${token.slice(at + 1)}`),
        `position ${at}`,
      ).resolves.toBeNull();
    }
  });

  it('refuses a token whose signature was changed by one character', async () => {
    const tokens = createSessionTokens({ secret: SECRET });
    const token = await tokens.issue(USER);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    await expect(tokens.verify(`${token.slice(0, -2)}${last}${token.at(-1)}`)).resolves.toBeNull();
  });

  it('still refuses a tampered copy of a token it has just accepted', async () => {
    const tokens = createSessionTokens({ secret: SECRET });
    const token = await tokens.issue(USER);
    await expect(tokens.verify(token)).resolves.toBe(USER);
    await expect(tokens.verify(token)).resolves.toBe(USER);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    await expect(tokens.verify(`${token.slice(0, -2)}${last}${token.at(-1)}`)).resolves.toBeNull();
    await expect(tokens.verify(`${token} `)).resolves.toBeNull();
  });

  it('keeps verifying correctly after many distinct tokens, and expires each one on time', async () => {
    const time = clock();
    const tokens = createSessionTokens({ secret: SECRET, ttlSeconds: 3600, now: time.now });
    const issued: string[] = [];
    for (let i = 0; i < 1100; i += 1) {
      issued.push(await tokens.issue(USER));
      time.advance(1000);
    }
    expect(new Set(issued).size).toBe(issued.length);
    for (const token of issued) await expect(tokens.verify(token)).resolves.toBe(USER);
    // The first token was issued 1100 s ago with a 3600 s life: still good, then refused once its hour is up.
    await expect(tokens.verify(issued[0] ?? '')).resolves.toBe(USER);
    time.advance(3600_000 - 1100_000);
    await expect(tokens.verify(issued[0] ?? '')).resolves.toBeNull();
    await expect(tokens.verify(issued[1] ?? '')).resolves.toBe(USER);
  });

  it('refuses a token signed with another secret', async () => {
    const other = createSessionTokens({ secret: `${SECRET}-other` });
    const tokens = createSessionTokens({ secret: SECRET });
    await expect(tokens.verify(await other.issue(USER))).resolves.toBeNull();
  });

  it.each(['', 'garbage', 'mc1..', 'mc2.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `mc1.${'a'.repeat(5000)}.x`])(
    'refuses the malformed token %#',
    async (token) => {
      await expect(createSessionTokens({ secret: SECRET }).verify(token)).resolves.toBeNull();
    },
  );

  it('fails at creation with a message naming the bad option', () => {
    expect(() => createSessionTokens({ secret: 'short' })).toThrow(/`secret`/);
    expect(() => createSessionTokens({ secret: SECRET, ttlSeconds: 0 })).toThrow(/`ttlSeconds`/);
    expect(() => createSessionTokens({ secret: SECRET, ttlSeconds: 1.5 })).toThrow(/`ttlSeconds`/);
  });

  it('refuses to issue a token for something that is not a user guid', async () => {
    const tokens = createSessionTokens({ secret: SECRET });
    await expect(tokens.issue('USR-1/../../x')).rejects.toThrow(/userGuid/);
    await expect(tokens.issue('')).rejects.toThrow(/userGuid/);
  });
});

describe('revoking a session token', () => {
  it("refuses a revoked token from then on, and leaves the user's other tokens alone", async () => {
    const tokens = createSessionTokens({ secret: SECRET });
    const [revoked, kept] = [await tokens.issue(USER), await tokens.issue(USER)];
    await expect(tokens.verify(revoked)).resolves.toBe(USER);
    await expect(tokens.revoke(revoked)).resolves.toBe(true);
    await expect(tokens.verify(revoked)).resolves.toBeNull();
    await expect(tokens.verify(kept)).resolves.toBe(USER);
    await expect(tokens.revoke('mc2.not-a-token')).resolves.toBe(false);
  });

  it('shares revocations between instances through a shared store, which never sees the token itself', async () => {
    const seen: string[] = [];
    const ids = new Set<string>();
    const store: TokenRevocationStore = {
      async revoke(token) {
        seen.push(JSON.stringify(token));
        ids.add(token.id);
      },
      async isRevoked(token) {
        return ids.has(token.id);
      },
    };
    const a = createSessionTokens({ secret: SECRET, revocationStore: store });
    const b = createSessionTokens({ secret: SECRET, revocationStore: store });
    const token = await a.issue(USER);
    await expect(b.verify(token)).resolves.toBe(USER);
    await a.revoke(token);
    await expect(b.verify(token)).resolves.toBeNull();
    expect(seen.join()).not.toContain(token.slice(4));
    expect(seen.join()).not.toContain(USER);
  });

  it('keeps the memory store bounded, failing closed: a revocation pushed out still refuses its token', async () => {
    const time = clock();
    const store = createMemoryRevocationStore({ maxEntries: 3 });
    const tokens = createSessionTokens({ secret: SECRET, ttlSeconds: 3600, now: time.now, revocationStore: store });
    const issued: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      issued.push(await tokens.issue(USER));
      time.advance(1000);
    }
    const later = await tokens.issue(USER);
    for (const token of issued) await tokens.revoke(token);
    // Six revocations in a store of three: the first ones were pushed out, yet every revoked token stays refused.
    for (const token of issued) await expect(tokens.verify(token)).resolves.toBeNull();
    // A token issued after every pushed-out one is unaffected.
    await expect(tokens.verify(later)).resolves.toBe(USER);
  });

  it('forgets revocations once their tokens have expired, so the store does not fill with dead entries', async () => {
    const time = clock();
    const store = createMemoryRevocationStore({ maxEntries: 2 });
    const tokens = createSessionTokens({ secret: SECRET, ttlSeconds: 60, now: time.now, revocationStore: store });
    const old = [await tokens.issue(USER), await tokens.issue(USER)];
    for (const token of old) await tokens.revoke(token);
    time.advance(61_000);
    const fresh = await tokens.issue(USER);
    const other = await tokens.issue(USER);
    await tokens.revoke(fresh);
    // The expired entries made room without raising the fail-closed mark: an unrevoked token still verifies.
    await expect(tokens.verify(other)).resolves.toBe(USER);
    await expect(tokens.verify(fresh)).resolves.toBeNull();
  });
});

describe('bearerAuthenticate', () => {
  const tokens = createSessionTokens({ secret: SECRET });
  const authenticate = bearerAuthenticate(tokens);
  const request = (authorization?: string) =>
    new Request('http://proxy.test/members', authorization === undefined ? {} : { headers: { authorization } });

  it('returns the user of a valid Bearer token', async () => {
    await expect(authenticate(request(`Bearer ${await tokens.issue(USER)}`))).resolves.toBe(USER);
  });

  it('returns null without a token, with another scheme, or with a bad token', async () => {
    await expect(authenticate(request())).resolves.toBeNull();
    await expect(authenticate(request(`Basic ${btoa('a:b')}`))).resolves.toBeNull();
    await expect(authenticate(request('Bearer not-a-token'))).resolves.toBeNull();
    await expect(authenticate(request(`Bearer  ${await tokens.issue(USER)}`))).resolves.toBeNull();
  });
});
