/**
 * The one method the Redis stores call: node-redis's `client.sendCommand(['SET', 'k', 'v'])` (v4 and later) fits as
 * it is. Taking this shape rather than importing a client keeps `member-connect` free of a runtime dependency; for
 * ioredis pass `{ sendCommand: ([name, ...args]) => redis.call(name, ...args) }`.
 */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** Prepended to every key, to share one Redis between applications. */
  keyPrefix?: string;
  /**
   * Longest wait for Redis, in ms. A client that queues commands while disconnected (node-redis does by default)
   * would otherwise hold the request until Redis is back; past this the store rejects and the proxy refuses with 503.
   * @default 2_000
   */
  timeoutMs?: number;
}

/** Raised for every Redis failure (unreachable, timed out, an unexpected reply): the caller refuses, never lets through. */
export class RedisStoreError extends Error {
  override name = 'RedisStoreError';
}

/** `sendCommand` bounded by `timeoutMs`; any failure becomes a `RedisStoreError` naming `what`. */
export function createCommandRunner(
  client: RedisCommandClient,
  options: RedisStoreOptions,
  factory: string,
): (args: string[], what: string) => Promise<unknown> {
  if (typeof client?.sendCommand !== 'function') {
    throw new TypeError(
      `${factory}: pass a Redis client with \`sendCommand(args)\` (node-redis createClient(), connected).`,
    );
  }
  const timeoutMs = options.timeoutMs ?? 2_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new TypeError(`${factory}: option \`timeoutMs\` must be a positive integer.`);
  }
  if (options.keyPrefix !== undefined && typeof options.keyPrefix !== 'string') {
    throw new TypeError(`${factory}: option \`keyPrefix\` must be a string.`);
  }
  return async (args, what) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RedisStoreError(`${what}: Redis did not answer within ${timeoutMs} ms.`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([client.sendCommand(args), timeout]);
    } catch (error) {
      if (error instanceof RedisStoreError) throw error;
      throw new RedisStoreError(`${what}: Redis command failed.`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  };
}
