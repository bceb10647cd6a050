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
 * The in-memory store: fixed windows, bounded by `maxKeys` (default 100,000), no timers (so it also runs on edge
 * runtimes). Every hit costs the same whether the map is empty or full. Windows are kept in one insertion-ordered Map
 * per window length (one per rule): within one, a window that started later ends later, so each Map's front holds its
 * next window to end. A window that starts again moves to the back; a new one first drops the ended windows at the
 * front of its Map; when the store is still full, the window closest to its end across the Maps is forgotten (an
 * ended one if there is any, otherwise that key's count restarts: the only cost of the bound). Counts are per process.
 */
export function createMemoryRateLimitStore(options: { maxKeys?: number } = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new TypeError('createMemoryRateLimitStore: option `maxKeys` must be a positive integer.');
  }
  const byLength = new Map<number, Map<string, RateLimitHit>>();
  let size = 0;

  const forget = (windows: Map<string, RateLimitHit>, length: number, key: string): void => {
    windows.delete(key);
    size -= 1;
    if (windows.size === 0) byLength.delete(length);
  };
  /** Forgets the window closest to its end: the front of one of the Maps (as many as there are window lengths). */
  const forgetSoonest = (): void => {
    let soonest: { windows: Map<string, RateLimitHit>; length: number; key: string; resetAt: number } | undefined;
    for (const [length, windows] of byLength) {
      const front = windows.entries().next();
      if (front.done) continue;
      const [key, window] = front.value;
      if (soonest === undefined || window.resetAt < soonest.resetAt) {
        soonest = { windows, length, key, resetAt: window.resetAt };
      }
    }
    if (soonest !== undefined) forget(soonest.windows, soonest.length, soonest.key);
  };

  return {
    hit(key, windowMs, now) {
      let windows = byLength.get(windowMs);
      const current = windows?.get(key);
      if (current !== undefined && current.resetAt > now) {
        current.count += 1;
        return { count: current.count, resetAt: current.resetAt };
      }
      if (windows !== undefined) {
        if (current !== undefined) forget(windows, windowMs, key);
        // Each ended window is dropped once, here or below: constant cost per hit, averaged over hits.
        for (const [oldest, window] of windows) {
          if (window.resetAt > now) break;
          forget(windows, windowMs, oldest);
        }
      }
      while (size >= maxKeys) forgetSoonest();
      windows = byLength.get(windowMs);
      if (windows === undefined) {
        windows = new Map();
        byLength.set(windowMs, windows);
      }
      windows.set(key, { count: 1, resetAt: now + windowMs });
      size += 1;
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
