import { USER_GUID_PATTERN } from './patterns.ts';

/** Issues and verifies the short-lived signed tokens the iframe sends as `Authorization: Bearer <token>`. */
export interface SessionTokens {
  /** A token naming `userGuid`, valid for `ttlSeconds`. */
  issue(userGuid: string): Promise<string>;
  /** The user guid of a valid, unexpired token made with this secret; `null` for anything else. Never throws. */
  verify(token: string): Promise<string | null>;
}

export interface SessionTokenOptions {
  /** HMAC-SHA-256 key: at least 32 characters of random text, kept on the server (e.g. an environment variable). */
  secret: string;
  /**
   * How long a token stays valid. Keep it short: the widget asks the host for a fresh token on a 401.
   * @default 600
   */
  ttlSeconds?: number;
  /** Clock in milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

// Version prefix: lets the format change later without a new token ever verifying under old rules.
const TOKEN_PREFIX = 'mc1';
const MAX_TTL_SECONDS = 24 * 60 * 60;
// A signed payload is a small JSON object; anything longer than this is refused before any crypto runs.
const TOKEN_PATTERN = /^mc1\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;
// The widget sends the same token on every request until it expires, so each instance remembers the tokens it has
// already verified. The cache only skips recomputing a MAC whose result cannot change (same secret, same bytes); the
// expiry is still checked on every call. Bounded so a flood of valid tokens cannot grow it.
const VERIFIED_CACHE_SIZE = 1024;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

interface VerifiedToken {
  sub: string;
  expiresAt: number;
}

/**
 * Session tokens for iframe use: `mc1.<payload>.<signature>`, where the payload is base64url JSON `{sub, exp}` and the
 * signature is HMAC-SHA-256 (Web Crypto, so it runs on Node, Bun, Deno and edge runtimes) over the first two parts.
 *
 * @example
 * const tokens = createSessionTokens({ secret: process.env.CONNECT_TOKEN_SECRET! });
 * const token = await tokens.issue(user.mxGuid); // hand to mountConnectWidget({ sessionToken })
 */
export function createSessionTokens(options: SessionTokenOptions): SessionTokens {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createSessionTokens: options are required ({ secret }).');
  }
  const { secret, ttlSeconds = 600, now = Date.now } = options;
  if (typeof secret !== 'string' || secret.length < 32) {
    throw new TypeError(
      'createSessionTokens: option `secret` must be a string of at least 32 characters (random, kept server-side).',
    );
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new TypeError(`createSessionTokens: option \`ttlSeconds\` must be an integer from 1 to ${MAX_TTL_SECONDS}.`);
  }
  if (typeof now !== 'function') {
    throw new TypeError('createSessionTokens: option `now` must be a function returning milliseconds.');
  }

  const keyPromise = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const sign = async (data: string): Promise<Uint8Array> =>
    new Uint8Array(await crypto.subtle.sign('HMAC', await keyPromise, encoder.encode(data)));
  // Only tokens whose MAC and claims checked out go in (Map order = least recently used first).
  const verified = new Map<string, VerifiedToken>();
  const remember = (token: string, entry: VerifiedToken): void => {
    if (verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    verified.set(token, entry);
  };

  return {
    async issue(userGuid) {
      if (typeof userGuid !== 'string' || !USER_GUID_PATTERN.test(userGuid)) {
        throw new TypeError('createSessionTokens().issue: `userGuid` must be an MX user guid (USR-…).');
      }
      const exp = Math.floor(now() / 1000) + ttlSeconds;
      const payload = base64UrlEncode(encoder.encode(JSON.stringify({ sub: userGuid, exp })));
      const signed = `${TOKEN_PREFIX}.${payload}`;
      return `${signed}.${base64UrlEncode(await sign(signed))}`;
    },
    async verify(token) {
      try {
        if (typeof token !== 'string') return null;
        const known = verified.get(token);
        if (known !== undefined) {
          verified.delete(token);
          if (now() >= known.expiresAt) return null;
          verified.set(token, known);
          return known.sub;
        }
        const match = TOKEN_PATTERN.exec(token);
        if (match === null) return null;
        const [, payload = '', signature = ''] = match;
        const expected = await sign(`${TOKEN_PREFIX}.${payload}`);
        const given = base64UrlDecode(signature);
        if (given === null || !constantTimeEqual(given, expected)) return null;
        // Only a payload we signed ourselves gets parsed.
        const bytes = base64UrlDecode(payload);
        if (bytes === null) return null;
        const claims: unknown = JSON.parse(strictDecoder.decode(bytes));
        if (typeof claims !== 'object' || claims === null) return null;
        const { sub, exp } = claims as { sub?: unknown; exp?: unknown };
        if (typeof sub !== 'string' || !USER_GUID_PATTERN.test(sub)) return null;
        if (typeof exp !== 'number' || !Number.isFinite(exp)) return null;
        if (now() >= exp * 1000) return null;
        remember(token, { sub, expiresAt: exp * 1000 });
        return sub;
      } catch {
        return null;
      }
    },
  };
}

/**
 * An `authenticate` function for `createConnectProxy` that reads `Authorization: Bearer <token>` and verifies it.
 *
 * @example
 * createConnectProxy({ ...mx, authenticate: bearerAuthenticate(tokens) });
 */
export function bearerAuthenticate(tokens: Pick<SessionTokens, 'verify'>): (request: Request) => Promise<string | null> {
  if (typeof tokens?.verify !== 'function') {
    throw new TypeError('bearerAuthenticate: pass the object returned by createSessionTokens().');
  }
  return async (request) => {
    const match = /^Bearer ([A-Za-z0-9._-]{1,1024})$/i.exec(request.headers.get('authorization') ?? '');
    return match?.[1] === undefined ? null : tokens.verify(match[1]);
  };
}

/** Compares every byte whatever the first difference, so the time taken does not reveal how much of a MAC matched. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function base64UrlDecode(text: string): Uint8Array | null {
  try {
    const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    // Refuse non-canonical encodings so one token has exactly one spelling.
    return base64UrlEncode(bytes) === text ? bytes : null;
  } catch {
    return null;
  }
}
