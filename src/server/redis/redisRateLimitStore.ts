import type { RateLimitHit, RateLimitStore } from '../proxy/rateLimit.ts';
import type { RedisCommandClient, RedisStoreOptions } from './redisClient.ts';
import { createCommandRunner, RedisStoreError } from './redisClient.ts';

// One round trip, atomic: count the hit, start the window on the first one, report the time left. The PTTL < 0 branch
// repairs a key that lost its expiry (written by hand, or a PEXPIRE that never ran), which would otherwise count forever.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/**
 * Rate-limit counters in Redis, shared by every proxy instance pointed at it: pass as `rateLimitStore` to
 * `createConnectProxy`. Fixed windows timed by Redis's clock (`INCR` + `PEXPIRE` in one Lua script). When Redis fails
 * or is slower than `timeoutMs`, `hit` rejects and the proxy answers 503: never a request let through uncounted.
 * The proxy's keys are already namespaced (`member-connect:<group>:<sha-256>`), so `keyPrefix` defaults to none.
 */
export function createRedisRateLimitStore(client: RedisCommandClient, options: RedisStoreOptions = {}): RateLimitStore {
  const run = createCommandRunner(client, options, 'createRedisRateLimitStore');
  const prefix = options.keyPrefix ?? '';
  return {
    async hit(key, windowMs, now): Promise<RateLimitHit> {
      const reply = await run(['EVAL', HIT_SCRIPT, '1', prefix + key, String(windowMs)], 'rate limit');
      if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
        throw new RedisStoreError('rate limit: unexpected reply from Redis.');
      }
      return { count: reply[0], resetAt: now + reply[1] };
    },
  };
}
