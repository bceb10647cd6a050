// The Redis status bus (issue 15 §4) with two proxy instances in one process, sharing a real redis-server and one
// sandbox on a manual clock, so each status change happens exactly when the test says: a webhook on A reaches a stream
// on B; with Redis down the stream falls back to polling MX and the webhook is refused (MX delivers again); with
// Redis back, webhooks flow again.
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StatusBus } from '../../../src/server/index.ts';
import { createRedisStatusBus } from '../../../src/server/redis/index.ts';
import {
  createSandboxProxy,
  createUpstream,
  memberWebhook,
  readEvents,
  until,
  WEBHOOK,
} from '../proxy/sandboxProxyKit.ts';
import { findRedisServer, type RedisServer, startRedisServer } from './redisServer.ts';

const binary = findRedisServer();
let redis: RedisServer;
const clients: { destroy(): void }[] = [];

async function connect() {
  const client = createClient({ url: redis.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => {}); // an outage is expected; the bus reports it through isConnected()
  await client.connect();
  clients.push(client);
  return client;
}

/** One instance's bus: a command connection and a subscriber connection of its own. */
async function redisBus(): Promise<StatusBus> {
  const publisher = await connect();
  const subscriber = publisher.duplicate();
  subscriber.on('error', () => {});
  await subscriber.connect();
  clients.push(subscriber);
  const bus = createRedisStatusBus({ publisher, subscriber }, { timeoutMs: 500 });
  await until(() => bus.isConnected());
  return bus;
}

describe.runIf(binary !== null)('the Redis status bus between two proxy instances', () => {
  beforeAll(async () => {
    redis = await startRedisServer(binary!);
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await redis?.stop();
  });

  it('carries a webhook on A to a stream on B, degrades to polling while Redis is down, and recovers', async () => {
    let time = 1_800_000_000_000;
    const upstream = createUpstream({ now: () => time, aggregationMs: 1_000 });
    const alice = await upstream.createUser();
    const [busA, busB] = [await redisBus(), await redisBus()];
    const a = createSandboxProxy(upstream, () => alice, { statusStream: { webhook: WEBHOOK, bus: busA } });
    const b = createSandboxProxy(upstream, () => alice, { statusStream: { webhook: WEBHOOK, bus: busB } });

    // Instance B holds the stream; MX's webhook lands on A.
    const member = await upstream.createMember(alice);
    const events = readEvents((await b.stream(member)).body);
    expect((await events.nextStatus())?.member.connection_status).toBe('CREATED');
    expect(upstream.reads.status).toBe(1);
    time += 1_000;
    expect((await a.webhook(memberWebhook(alice, member))).status).toBe(200);
    const viaRedis = await events.nextStatus();
    expect(viaRedis?.member).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: true });
    // Only B read: A has no watcher for the member, and B read once more because of the notice.
    expect(upstream.reads.status).toBe(2);

    // Redis goes away: both buses say so, and B's watcher reads once (a notice may have been missed).
    await redis.stop();
    await until(() => !busA.isConnected() && !busB.isConnected());
    expect(busB.isConnected()).toBe(false);
    await until(() => upstream.reads.status >= 3);
    time += 1_000;
    // A webhook cannot be passed on: 503, so MX delivers it again later; nothing is let through unchecked.
    const refused = await a.webhook(memberWebhook(alice, member));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    // B polls MX at the full pace meanwhile (every 3 s), so the stream still moves.
    const viaPolling = await events.nextStatus();
    expect(viaPolling?.member).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false });
    expect(await events.next()).toBeNull(); // final: the stream ended

    // Redis is back: the webhook path works again.
    await redis.start();
    await until(() => busA.isConnected() && busB.isConnected());
    expect(busB.isConnected()).toBe(true);
    const second = await upstream.createMember(alice);
    const again = readEvents((await b.stream(second)).body);
    expect((await again.nextStatus())?.member.connection_status).toBe('CREATED');
    const before = upstream.reads.status;
    time += 1_000;
    expect((await a.webhook(memberWebhook(alice, second))).status).toBe(200);
    expect((await again.nextStatus())?.member.connection_status).toBe('CONNECTED');
    expect(upstream.reads.status).toBe(before + 1);
    await again.cancel();
  }, 30_000);

  it('keeps no guid in what it publishes', async () => {
    const spy = await connect();
    const messages: string[] = [];
    const listener = spy.duplicate();
    listener.on('error', () => {});
    await listener.connect();
    clients.push(listener);
    await listener.subscribe('member-connect:status', (message) => messages.push(message));
    const upstream = createUpstream();
    const alice = await upstream.createUser();
    const member = await upstream.createMember(alice);
    const proxy = createSandboxProxy(upstream, () => alice, {
      statusStream: { webhook: WEBHOOK, bus: await redisBus() },
    });
    expect((await proxy.webhook(memberWebhook(alice, member))).status).toBe(200);
    await until(() => messages.length > 0);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^[0-9a-f-]{36} [0-9a-f]{32}$/);
    expect(messages[0]).not.toContain(member.slice(4));
    expect(messages[0]).not.toContain(alice.slice(4));
  });
});
