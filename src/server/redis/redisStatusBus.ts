import type { StatusBus } from '../proxy/statusBus.ts';
import { createLocalFanOut } from '../proxy/statusBus.ts';
import type { RedisCommandClient, RedisStoreOptions } from './redisClient.ts';
import { createCommandRunner } from './redisClient.ts';

/**
 * The subscribing connection: a connection that has subscribed runs no other command, so it is a second client
 * (node-redis: `client.duplicate()`, connected). node-redis's `subscribe(channel, listener)` and its `ready` / `error`
 * / `end` events fit as they are, and it subscribes again by itself after a reconnect. For ioredis pass
 * `{ subscribe: (channel, listener) => { sub.on('message', (c, m) => c === channel && listener(m)); return sub.subscribe(channel); }, on: (event, fn) => sub.on(event, fn) }`.
 */
export interface RedisSubscriberClient {
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: 'ready' | 'error' | 'end', listener: () => void): unknown;
}

export interface RedisStatusBusOptions extends Pick<RedisStoreOptions, 'timeoutMs'> {
  /** The one pub/sub channel every instance uses. @default 'member-connect:status' */
  channel?: string;
}

const TOPIC = /^[0-9a-f]{32}$/;

/**
 * The status bus over Redis pub/sub: pass the same kind of bus to `createConnectProxy({ statusStream: { bus } })` on
 * every instance, and a webhook landing on any of them reaches the streams on all of them.
 *
 * One channel for all members: each instance subscribes once, and a notice is its topic (a digest; no guid, no status)
 * plus the sending instance's id, about 70 bytes. The sender delivers to its own watchers at once, without the round
 * trip, so a webhook still reaches this instance's streams while Redis is down; `publish` then rejects (the receiver
 * answers 503 and MX delivers again). While the subscription is down, `isConnected()` is `false` and watchers poll MX at
 * the full pace; every watcher reads once when it goes down and once when it is back, so nothing missed stays missed.
 */
export function createRedisStatusBus(
  clients: { publisher: RedisCommandClient; subscriber: RedisSubscriberClient },
  options: RedisStatusBusOptions = {},
): StatusBus {
  const run = createCommandRunner(clients.publisher, options, 'createRedisStatusBus');
  const { subscriber } = clients;
  if (typeof subscriber?.subscribe !== 'function' || typeof subscriber.on !== 'function') {
    throw new TypeError(
      'createRedisStatusBus: pass a `subscriber` with `subscribe(channel, listener)` and `on(event, listener)` (node-redis: client.duplicate(), connected).',
    );
  }
  const channel = options.channel ?? 'member-connect:status';
  if (typeof channel !== 'string' || channel === '') {
    throw new TypeError('createRedisStatusBus: option `channel` must be a non-empty string.');
  }
  const self = crypto.randomUUID();
  const local = createLocalFanOut();
  let subscribed = false;
  let connected = false;

  const setConnected = (value: boolean) => {
    if (connected === value) return;
    connected = value;
    // Either way a notice may have been missed, or polling must change pace: every watcher reads now.
    local.deliverAll();
  };
  const onMessage = (message: string) => {
    const space = message.indexOf(' ');
    const from = message.slice(0, space);
    const topic = message.slice(space + 1);
    if (space === -1 || from === self || !TOPIC.test(topic)) return;
    local.deliver(topic);
  };
  const subscribe = () => {
    subscriber.subscribe(channel, onMessage).then(
      () => {
        subscribed = true;
        setConnected(true);
      },
      () => setConnected(false),
    );
  };
  subscriber.on('error', () => setConnected(false));
  subscriber.on('end', () => setConnected(false));
  subscriber.on('ready', () => {
    // node-redis subscribes again itself before `ready`; a first subscription that failed is made now.
    if (subscribed) setConnected(true);
    else subscribe();
  });
  subscribe();

  return {
    async publish(topic) {
      local.deliver(topic);
      await run(['PUBLISH', channel, `${self} ${topic}`], 'status bus');
    },
    subscribe: local.subscribe,
    isConnected: () => connected,
  };
}
