// Entry `member-connect/redis`: shared stores for running several proxy instances. No runtime dependency: bring your
// own Redis client (node-redis `createClient()` fits `RedisCommandClient`).
export type { RedisCommandClient, RedisStoreOptions } from './redisClient.ts';
export { RedisStoreError } from './redisClient.ts';
export { createRedisRateLimitStore } from './redisRateLimitStore.ts';
export { createRedisRevocationStore } from './redisRevocationStore.ts';
export type { RedisStatusBusOptions, RedisSubscriberClient } from './redisStatusBus.ts';
export { createRedisStatusBus } from './redisStatusBus.ts';
