import { USER_GUID_PATTERN } from './patterns.ts';

/** Issues, verifies and revokes the short-lived opaque tokens the iframe sends as `Authorization: Bearer <token>`. */
export interface SessionTokens {
  /** A token naming `userGuid`, valid for `ttlSeconds`. Opaque: decoding it reveals nothing. */
  issue(userGuid: string): Promise<string>;
  /**
   * The user guid of a valid, unexpired, unrevoked token made with this secret; `null` for anything else. Rejects
   * (with `RevocationStoreError`) only when the revocation store cannot answer, so a store outage fails closed.
   */
  verify(token: string): Promise<string | null>;
  /**
   * Ends a token before it expires (sign-out, a user removed). `true` when it was a valid token and is now revoked;
   * `false` for anything that would not have verified anyway.
   */
  revoke(token: string): Promise<boolean>;
}

/** The revocation store failed while a token was verified (e.g. Redis is down). The proxy answers 503. */
export class RevocationStoreError extends Error {
  override readonly name = 'RevocationStoreError';
  constructor(cause: unknown) {
    super('member-connect: the token revocation store did not answer.', { cause });
  }
}

/** What a revocation store is told about a token: its id (not the token itself) and its lifetime, in ms since the epoch. */
export interface RevokedToken {
  id: string;
  issuedAt: number;
  expiresAt: number;
}

/**
 * Where revocations live until the tokens they name expire. The default is in memory (per process); with several
 * instances, share one (Redis `SET id 1 PXAT expiresAt` / `EXISTS id`).
 */
export interface TokenRevocationStore {
  revoke(token: RevokedToken, now: number): void | Promise<void>;
  isRevoked(token: Omit<RevokedToken, 'expiresAt'>, now: number): boolean | Promise<boolean>;
}

export interface SessionTokenOptions {
  /** Key material: at least 32 characters of random text, kept on the server (e.g. an environment variable). */
  secret: string;
  /**
   * How long a token stays valid. Keep it short: the widget asks the host for a fresh token on a 401.
   * @default 600
   */
  ttlSeconds?: number;
  /** Where revoked token ids are kept until they expire. @default createMemoryRevocationStore() */
  revocationStore?: TokenRevocationStore;
  /** Clock in milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

// Version prefix: lets the format change later without a new token ever verifying under old rules. `mc1` tokens were
// signed but readable; `mc2` tokens are encrypted.
const TOKEN_PREFIX = 'mc2';
const MAX_TTL_SECONDS = 24 * 60 * 60;
const IV_BYTES = 12;
// iv (12) + the sealed claims (a user guid of at most 104 characters and two numbers) + the GCM tag (16).
const TOKEN_PATTERN = /^mc2\.([A-Za-z0-9_-]{60,300})$/;
// The widget sends the same token on every request until it expires, so each instance remembers the tokens it has
// already verified. The cache only skips re-decrypting bytes whose result cannot change (same key, same bytes); expiry
// and revocation are still checked on every call. Bounded so a flood of valid tokens cannot grow it; sized for the
// active users of a busy proxy (1,000 people at once in the bench, a new token every ten minutes each), at about 400
// bytes an entry.
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const AAD = encoder.encode(TOKEN_PREFIX);

interface Claims {
  id: string;
  sub: string;
  issuedAt: number;
  expiresAt: number;
}

/**
 * Session tokens for iframe use: `mc2.<base64url(iv ‖ AES-256-GCM(claims))>`. The claims (user guid, issue and expiry
 * times) are encrypted and authenticated with a key derived from `secret` (HKDF-SHA-256, Web Crypto, so it runs on
 * Node, Bun, Deno and edge runtimes): a token can be neither read nor forged, and no server-side state is needed to
 * verify one, so any number of instances sharing the secret accept each other's tokens.
 *
 * @example
 * const tokens = createSessionTokens({ secret: process.env.CONNECT_TOKEN_SECRET! });
 * const token = await tokens.issue(user.mxGuid); // hand to mountConnectWidget({ sessionToken })
 * await tokens.revoke(token);                    // on sign-out
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
  const revocations = options.revocationStore ?? createMemoryRevocationStore();
  if (typeof revocations?.revoke !== 'function' || typeof revocations.isRevoked !== 'function') {
    throw new TypeError('createSessionTokens: option `revocationStore` must have `revoke` and `isRevoked` methods.');
  }

  const keyPromise = crypto.subtle
    .importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
    .then((material) =>
      crypto.subtle.deriveKey(
        {
          name: 'HKDF',
          hash: 'SHA-256',
          salt: new Uint8Array(0),
          info: encoder.encode('member-connect session token v2'),
        },
        material,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      ),
    );
  // Only tokens that decrypted and whose claims checked out go in (Map order = least recently used first).
  const verified = new Map<string, Claims>();
  const remember = (token: string, claims: Claims): void => {
    if (verified.size >= VERIFIED_TOKEN_CACHE_SIZE) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    verified.set(token, claims);
  };

  /** The token's claims if it is ours, well-formed and unexpired (revocation not checked); `null` otherwise. */
  async function open(token: unknown): Promise<Claims | null> {
    if (typeof token !== 'string') return null;
    const known = verified.get(token);
    if (known !== undefined) {
      verified.delete(token);
      if (now() >= known.expiresAt) return null;
      verified.set(token, known);
      return known;
    }
    const match = TOKEN_PATTERN.exec(token);
    if (match?.[1] === undefined) return null;
    const bytes = base64UrlDecode(match[1]);
    if (bytes === null || bytes.length <= IV_BYTES + 16) return null;
    const iv = bytes.subarray(0, IV_BYTES);
    let plain: Uint8Array;
    try {
      plain = new Uint8Array(
        await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv, additionalData: AAD },
          await keyPromise,
          bytes.subarray(IV_BYTES),
        ),
      );
    } catch {
      return null; // tampered, truncated, or sealed with another secret
    }
    // Only claims we sealed ourselves get parsed.
    const claims: unknown = JSON.parse(strictDecoder.decode(plain));
    if (typeof claims !== 'object' || claims === null) return null;
    const { sub, iat, exp } = claims as { sub?: unknown; iat?: unknown; exp?: unknown };
    if (typeof sub !== 'string' || !USER_GUID_PATTERN.test(sub)) return null;
    if (typeof exp !== 'number' || !Number.isFinite(exp) || typeof iat !== 'number' || !Number.isFinite(iat))
      return null;
    const opened = { id: base64UrlEncode(iv), sub, issuedAt: iat * 1000, expiresAt: exp * 1000 };
    if (now() >= opened.expiresAt) return null;
    remember(token, opened);
    return opened;
  }

  return {
    async issue(userGuid) {
      if (typeof userGuid !== 'string' || !USER_GUID_PATTERN.test(userGuid)) {
        throw new TypeError('createSessionTokens().issue: `userGuid` must be an MX user guid (USR-…).');
      }
      const iat = Math.floor(now() / 1000);
      const claims = encoder.encode(JSON.stringify({ sub: userGuid, iat, exp: iat + ttlSeconds }));
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: AAD }, await keyPromise, claims),
      );
      const bytes = new Uint8Array(IV_BYTES + sealed.length);
      bytes.set(iv);
      bytes.set(sealed, IV_BYTES);
      return `${TOKEN_PREFIX}.${base64UrlEncode(bytes)}`;
    },
    async verify(token) {
      const claims = await open(token).catch(() => null);
      if (claims === null) return null;
      let revoked: boolean;
      try {
        revoked = await revocations.isRevoked(claims, now());
      } catch (cause) {
        // Not a bad token: the store cannot answer. Saying "not authenticated" would send the widget into a loop of
        // fresh tokens that fail the same way; the proxy answers 503 instead, and lets nothing through.
        throw new RevocationStoreError(cause);
      }
      return revoked ? null : claims.sub;
    },
    async revoke(token) {
      const claims = await open(token).catch(() => null);
      if (claims === null) return false;
      await revocations.revoke({ id: claims.id, issuedAt: claims.issuedAt, expiresAt: claims.expiresAt }, now());
      return true;
    },
  };
}

/**
 * The default revocation store: revoked token ids in a Map until their tokens expire, at most `maxEntries` (default
 * 10,000). Each call costs the same when full: entries are added in revocation order, expired ones are dropped from the
 * front as new ones arrive, and when the map is still full the oldest entry makes way by failing closed: every token
 * issued up to that entry's token is refused from then on (those users get a 401, and the widget asks for a new
 * token), so no revocation is ever forgotten.
 */
export function createMemoryRevocationStore(options: { maxEntries?: number } = {}): TokenRevocationStore {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('createMemoryRevocationStore: option `maxEntries` must be a positive integer.');
  }
  const revoked = new Map<string, RevokedToken>();
  let revokedUpTo = Number.NEGATIVE_INFINITY;
  return {
    revoke(token, now) {
      for (const [id, entry] of revoked) {
        if (entry.expiresAt > now && revoked.size < maxEntries) break;
        revoked.delete(id);
        if (entry.expiresAt > now) revokedUpTo = Math.max(revokedUpTo, entry.issuedAt);
      }
      revoked.set(token.id, token);
    },
    isRevoked(token) {
      return token.issuedAt <= revokedUpTo || revoked.has(token.id);
    },
  };
}

/**
 * An `authenticate` function for `createConnectProxy` that reads `Authorization: Bearer <token>` and verifies it.
 *
 * @example
 * createConnectProxy({ ...mx, authenticate: bearerAuthenticate(tokens) });
 */
export function bearerAuthenticate(
  tokens: Pick<SessionTokens, 'verify'>,
): (request: Request) => Promise<string | null> {
  if (typeof tokens?.verify !== 'function') {
    throw new TypeError('bearerAuthenticate: pass the object returned by createSessionTokens().');
  }
  return async (request) => {
    const match = /^Bearer ([A-Za-z0-9._-]{1,1024})$/i.exec(request.headers.get('authorization') ?? '');
    return match?.[1] === undefined ? null : tokens.verify(match[1]);
  };
}

function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> | null {
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
