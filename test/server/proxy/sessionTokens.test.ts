import { describe, expect, it } from 'vitest';

import { bearerAuthenticate, createSessionTokens } from '../../../src/server/index.ts';

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
    expect(token).toMatch(/^mc1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
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

  it('refuses a token whose payload was changed to name another user', async () => {
    const tokens = createSessionTokens({ secret: SECRET });
    const token = await tokens.issue(USER);
    const [prefix, , signature] = token.split('.');
    const forged = btoa(JSON.stringify({ sub: 'USR-someone-else', exp: 9_999_999_999 }))
      .replaceAll('+', '-')
      .replaceAll('/', '_')
      .replace(/=+$/, '');
    await expect(tokens.verify(`${prefix}.${forged}.${signature}`)).resolves.toBeNull();
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
