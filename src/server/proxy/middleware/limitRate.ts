import type { Context, MiddlewareHandler } from 'hono';

import { GENERIC_MESSAGES, ProxyError } from '../proxyError.ts';
import type { RateLimitGroup } from '../proxyRoutes.ts';
import type { RateLimitHit, RateLimitRule, RateLimitStore } from '../rateLimit.ts';
import { createDigestCache } from '../sha256.ts';
import type { ProxyEnv } from './proxyEnv.ts';

/** Who is on the other end of the connection (an IP address, usually), for limits that must hold across users. */
export type ClientKey = (request: Request, env: unknown) => string | null | undefined;

export interface LimitRateOptions {
  limits: Readonly<Record<RateLimitGroup, RateLimitRule | null>>;
  /** Bank logins per client, whichever users it signs in as; `null` for none. */
  perClientBankLogins: RateLimitRule | null;
  clientKey: ClientKey;
  store: RateLimitStore;
  now: () => number;
}

// Client addresses seen creating members, as many as the user keys (one address per person at worst).
export const CLIENT_KEY_CACHE_SIZE = 10_000;

/**
 * Counts the request against its group for its user and, for bank logins, for its client too: a caller who mints fresh
 * sessions (each a new MX user) still gets one client's budget of bank logins, not one per session (issue 13 §5).
 */
export function limitRate(options: LimitRateOptions): MiddlewareHandler<ProxyEnv> {
  const { limits, perClientBankLogins, clientKey, store, now } = options;
  const clientDigest = createDigestCache(CLIENT_KEY_CACHE_SIZE);
  return async (c, next) => {
    const state = c.get('proxyState');
    const group = state.group;
    const rule = group === null ? null : limits[group];
    if (rule !== null && state.userKey !== null) {
      // The memory store answers at once; only a store that answers later (Redis) is waited for.
      const counted = count(`member-connect:${group}:${state.userKey}`, rule);
      if (counted !== undefined) await counted;
    }
    if (group === 'createMember' && perClientBankLogins !== null) {
      const client = clientOf(c, clientKey);
      if (client !== null)
        await count(`member-connect:bankLogin:client:${await clientDigest(client)}`, perClientBankLogins);
    }
    await next();
  };

  function count(key: string, rule: RateLimitRule): Promise<void> | undefined {
    const at = now();
    let hit: RateLimitHit | PromiseLike<RateLimitHit>;
    try {
      hit = store.hit(key, rule.windowMs, at);
    } catch {
      throw storeFailed();
    }
    if ('then' in hit && typeof hit.then === 'function') {
      return Promise.resolve(hit).then(
        (answer) => judge(answer, rule, at),
        () => {
          throw storeFailed();
        },
      );
    }
    judge(hit as RateLimitHit, rule, at);
    return undefined;
  }
}

// Fail closed: without a working store we cannot tell a user from an attacker hammering member creation.
const storeFailed = (): ProxyError =>
  new ProxyError(503, GENERIC_MESSAGES.unavailable, 'rate_limit_store_failed', { headers: { 'Retry-After': '5' } });

function judge(hit: RateLimitHit, rule: RateLimitRule, at: number): void {
  if (hit.count > rule.limit) {
    const seconds = Math.max(1, Math.ceil((hit.resetAt - at) / 1000));
    throw new ProxyError(429, 'Too many requests. Please wait and try again.', 'rate_limited', {
      headers: { 'Retry-After': String(seconds) },
    });
  }
}

// A throwing `clientKey` is the partner's bug: it becomes a 500 through onError rather than a skipped limit.
function clientOf(c: Context<ProxyEnv>, clientKey: ClientKey): string | null {
  const key = clientKey(c.req.raw, c.env);
  return typeof key === 'string' && key !== '' ? key : null;
}

/**
 * The default client key: the socket's remote address when the proxy runs under `toNodeHandler` or `@hono/node-server`
 * (both pass the Node request as `env.incoming`). Other runtimes, and any set-up behind a reverse proxy, pass their own
 * `clientKey`.
 */
export const socketAddress: ClientKey = (_request, env) => {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined)?.incoming;
  const address = incoming?.socket?.remoteAddress;
  return typeof address === 'string' ? address : null;
};
