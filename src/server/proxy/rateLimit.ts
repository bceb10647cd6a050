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

/** Per route group; `false` turns a group (or, at the top level, all rate limiting) off. */
export type RateLimitOptions = false | Partial<Record<RateLimitGroup, RateLimitRule | false>>;

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
 * The in-memory store: fixed windows in a Map, swept of expired windows as it is used (no timers, so it also runs
 * on edge runtimes). Counts are per process.
 */
export function createMemoryRateLimitStore(options: { maxKeys?: number } = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, RateLimitHit>();
  let nextSweep = 0;
  return {
    hit(key, windowMs, now) {
      if (now >= nextSweep || windows.size >= maxKeys) {
        for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
        nextSweep = now + windowMs;
        // Still full of live windows: forget the oldest rather than grow without bound.
        while (windows.size >= maxKeys) {
          const oldest = windows.keys().next().value;
          if (oldest === undefined) break;
          windows.delete(oldest);
        }
      }
      const current = windows.get(key);
      if (current === undefined || current.resetAt <= now) {
        const fresh = { count: 1, resetAt: now + windowMs };
        windows.set(key, fresh);
        return { ...fresh };
      }
      current.count += 1;
      return { ...current };
    },
  };
}

/** Resolves the option into one rule (or none) per group, failing at start-up on a malformed rule. */
export function resolveRateLimits(option: RateLimitOptions | undefined): Record<RateLimitGroup, RateLimitRule | null> {
  const groups = Object.keys(DEFAULT_RATE_LIMITS) as RateLimitGroup[];
  if (option === false) return Object.fromEntries(groups.map((g) => [g, null])) as Record<RateLimitGroup, null>;
  if (option !== undefined && (typeof option !== 'object' || option === null)) {
    throw new TypeError('createConnectProxy: option `rateLimit` must be false or an object of rules per route group.');
  }
  for (const key of Object.keys(option ?? {})) {
    if (!groups.includes(key as RateLimitGroup)) {
      throw new TypeError(`createConnectProxy: option \`rateLimit\` has an unknown group "${key}" (${groups.join(', ')}).`);
    }
  }
  const resolved = {} as Record<RateLimitGroup, RateLimitRule | null>;
  for (const group of groups) {
    const rule = option?.[group];
    if (rule === false) {
      resolved[group] = null;
    } else if (rule === undefined) {
      resolved[group] = DEFAULT_RATE_LIMITS[group];
    } else {
      if (!isPositiveInteger(rule.limit) || !isPositiveInteger(rule.windowMs)) {
        throw new TypeError(
          `createConnectProxy: option \`rateLimit.${group}\` needs positive integers \`limit\` and \`windowMs\`.`,
        );
      }
      resolved[group] = { limit: rule.limit, windowMs: rule.windowMs };
    }
  }
  return resolved;
}

const isPositiveInteger = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0;
