import type { RateLimitGroup } from './proxyRoutes.ts';

/** One counted request: how many requests the key has made in its current window, and when that window ends. */
export interface RateLimitHit {
  count: number;
  /** Milliseconds since the epoch. */
  resetAt: number;
}

/**
 * Where rate-limit counters live. The default keeps them in this process's memory; a partner running several proxy
 * instances plugs in a shared store (Redis `INCR` + `PEXPIRE`, a database row, Cloudflare Durable Objects…).
 * Keys never contain a raw user guid, only a SHA-256 hex digest of it.
 */
export interface RateLimitStore {
  /** Count one request for `key` in a fixed window of `windowMs` that starts at its first request. */
  hit(key: string, windowMs: number, now: number): RateLimitHit | Promise<RateLimitHit>;
}

/** At most `limit` requests per `windowMs` per user. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/**
 * Per route group, plus `bankLoginsPerClient` (bank logins from one client, whichever users it signs in as); `false`
 * turns one (or, at the top level, all rate limiting) off.
 */
export type RateLimitOptions = false | Partial<Record<RateLimitGroup | 'bankLoginsPerClient', RateLimitRule | false>>;

/**
 * Defaults per user. Creating members is the strictest: each one makes MX log in to a bank with the given
 * credentials, which is what a credential-stuffing attacker would want to do at scale.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitGroup, RateLimitRule>> = {
  search: { limit: 120, windowMs: 60_000 },
  read: { limit: 120, windowMs: 60_000 },
  status: { limit: 180, windowMs: 60_000 },
  createMember: { limit: 10, windowMs: 10 * 60_000 },
  write: { limit: 30, windowMs: 10 * 60_000 },
};

/**
 * Bank logins (creates, and updates with credentials) from one client across all its users. Generous for an office
 * behind one address, tight for an attacker who mints a fresh session (and MX user) per attempt.
 */
export const DEFAULT_BANK_LOGINS_PER_CLIENT: Readonly<RateLimitRule> = { limit: 50, windowMs: 10 * 60_000 };

/**
 * The in-memory store: fixed windows in a Map, bounded by `maxKeys` (default 100,000), no timers (so it also runs on
 * edge runtimes). Every hit costs the same whether the map is empty or full: a window that starts again moves to the
 * back, so the front holds the oldest windows; expired ones are dropped from the front as new keys arrive, and when
 * the map is still full the oldest window is forgotten (that user's count restarts, the only cost of the bound).
 * Counts are per process.
 */
export function createMemoryRateLimitStore(options: { maxKeys?: number } = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, RateLimitHit>();
  return {
    hit(key, windowMs, now) {
      const current = windows.get(key);
      if (current !== undefined && current.resetAt > now) {
        current.count += 1;
        return { count: current.count, resetAt: current.resetAt };
      }
      if (current !== undefined) windows.delete(key);
      for (const [oldest, window] of windows) {
        if (window.resetAt > now && windows.size < maxKeys) break;
        windows.delete(oldest);
      }
      windows.set(key, { count: 1, resetAt: now + windowMs });
      return { count: 1, resetAt: now + windowMs };
    },
  };
}

/** The resolved limits: one rule (or none) per group, and the per-client bank-login rule. */
export interface ResolvedRateLimits {
  limits: Record<RateLimitGroup, RateLimitRule | null>;
  perClientBankLogins: RateLimitRule | null;
}

/** Resolves the option, failing at start-up on a malformed rule. */
export function resolveRateLimits(option: RateLimitOptions | undefined): ResolvedRateLimits {
  const groups = Object.keys(DEFAULT_RATE_LIMITS) as RateLimitGroup[];
  const keys = [...groups, 'bankLoginsPerClient'] as const;
  if (option === false) {
    return {
      limits: Object.fromEntries(groups.map((g) => [g, null])) as Record<RateLimitGroup, null>,
      perClientBankLogins: null,
    };
  }
  if (option !== undefined && (typeof option !== 'object' || option === null)) {
    throw new TypeError('createConnectProxy: option `rateLimit` must be false or an object of rules per route group.');
  }
  for (const key of Object.keys(option ?? {})) {
    if (!(keys as readonly string[]).includes(key)) {
      throw new TypeError(
        `createConnectProxy: option \`rateLimit\` has an unknown group "${key}" (${keys.join(', ')}).`,
      );
    }
  }
  const rule = (key: (typeof keys)[number], fallback: RateLimitRule): RateLimitRule | null => {
    const given = option?.[key];
    if (given === false) return null;
    if (given === undefined) return fallback;
    if (!isPositiveInteger(given.limit) || !isPositiveInteger(given.windowMs)) {
      throw new TypeError(
        `createConnectProxy: option \`rateLimit.${key}\` needs positive integers \`limit\` and \`windowMs\`.`,
      );
    }
    return { limit: given.limit, windowMs: given.windowMs };
  };
  const limits = {} as Record<RateLimitGroup, RateLimitRule | null>;
  for (const group of groups) limits[group] = rule(group, DEFAULT_RATE_LIMITS[group]);
  return { limits, perClientBankLogins: rule('bankLoginsPerClient', DEFAULT_BANK_LOGINS_PER_CLIENT) };
}

const isPositiveInteger = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0;
