import { sha256Hex } from './sha256.ts';

/**
 * How a member's status change reaches every proxy instance: the webhook receiver publishes a notice, and each
 * instance watching that member reads its status from MX again. A notice carries no status and no guid, only a topic
 * (a digest of the user and member guids): a webhook holds less than the status route returns (no challenges, no
 * `has_processed_*`), and a bus shared between instances never needs to see user data.
 *
 * The default is in this process's memory (one instance); `createRedisStatusBus` from `member-connect/redis` shares
 * notices between instances through Redis pub/sub.
 */
export interface StatusBus {
  /**
   * Tells every instance, this one included, that the member behind `topic` may have a new status. Rejects when the
   * notice could not be passed on to other instances (the webhook receiver then answers 503, so MX delivers again).
   */
  publish(topic: string): Promise<void>;
  /** Calls `listener` on each notice for `topic`, from any instance. Returns the function that stops it. */
  subscribe(topic: string, listener: () => void): () => void;
  /**
   * `false` while notices from other instances may be missed (Redis unreachable): watchers then poll MX at the full
   * pace. Each time it changes, the bus calls every listener once (a notice may have been lost, and the pace changes).
   */
  isConnected(): boolean;
}

/** The topic of one member of one user: SHA-256 of both guids, so no raw guid reaches a shared bus. */
export async function statusTopic(userGuid: string, memberGuid: string): Promise<string> {
  return (await sha256Hex(`${userGuid}\n${memberGuid}`)).slice(0, 32);
}

/** Listeners per topic, delivered synchronously: the in-memory bus, and the local half of the Redis one. */
export interface LocalFanOut {
  deliver(topic: string): void;
  deliverAll(): void;
  subscribe(topic: string, listener: () => void): () => void;
}

export function createLocalFanOut(): LocalFanOut {
  const listeners = new Map<string, Set<() => void>>();
  const call = (listener: () => void) => {
    try {
      listener();
    } catch {
      // One watcher's failure must not keep the notice from the others.
    }
  };
  return {
    deliver(topic) {
      for (const listener of [...(listeners.get(topic) ?? [])]) call(listener);
    },
    deliverAll() {
      for (const set of [...listeners.values()]) for (const listener of [...set]) call(listener);
    },
    subscribe(topic, listener) {
      const set = listeners.get(topic) ?? new Set();
      listeners.set(topic, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(topic) === set) listeners.delete(topic);
      };
    },
  };
}

/**
 * The default bus: notices reach this process's watchers only. Enough for one instance; with several behind a load
 * balancer, a webhook lands on one of them, so pass a shared bus (`createRedisStatusBus`) to every instance.
 */
export function createMemoryStatusBus(): StatusBus {
  const local = createLocalFanOut();
  return {
    publish: async (topic) => local.deliver(topic),
    subscribe: local.subscribe,
    isConnected: () => true,
  };
}
