import type { TokenRevocationStore } from '../proxy/sessionTokens.ts';
import type { RedisCommandClient, RedisStoreOptions } from './redisClient.ts';
import { createCommandRunner } from './redisClient.ts';

/**
 * Revoked session-token ids in Redis, each kept until its token expires (`SET key 1 PXAT expiresAt`, Redis 6.2+):
 * pass as `revocationStore` to `createSessionTokens` on every instance. When Redis fails, `isRevoked` rejects, so
 * `verify` answers `null` (the proxy refuses with 401), and `revoke` rejects, so a sign-out learns it did not stick.
 * @default keyPrefix 'member-connect:revoked:'
 */
export function createRedisRevocationStore(
  client: RedisCommandClient,
  options: RedisStoreOptions = {},
): TokenRevocationStore {
  const run = createCommandRunner(client, options, 'createRedisRevocationStore');
  const prefix = options.keyPrefix ?? 'member-connect:revoked:';
  return {
    async revoke(token, now) {
      // An expired token is refused anyway; PXAT in the past would only write a key Redis deletes at once.
      if (token.expiresAt <= now) return;
      await run(['SET', prefix + token.id, '1', 'PXAT', String(token.expiresAt)], 'token revocation');
    },
    async isRevoked(token) {
      return (await run(['EXISTS', prefix + token.id], 'token revocation check')) === 1;
    },
  };
}
