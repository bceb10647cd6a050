// member-connect/node with the status stream: a real node:http server on loopback in front of the proxy, the sandbox as
// MX. Events leave as they happen (not when the stream ends), and a client that goes away stops the upstream work.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { toNodeHandler } from '../../src/server/node.ts';
import { createSandboxProxy, createUpstream, readEvents } from './proxy/sandboxProxyKit.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve() {
  let time = 1_800_000_000_000;
  const upstream = createUpstream({ now: () => time, aggregationMs: 1_000 });
  const user = await upstream.createUser();
  const member = await upstream.createMember(user);
  // No webhook: the member's watcher polls MX every 3 s while someone watches.
  const { proxy } = createSandboxProxy(upstream, () => user);
  const server = createServer(toNodeHandler(proxy));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/members/${member}/status/stream`;
  return { upstream, url, advance: (ms: number) => (time += ms) };
}

const headers = { 'X-Member-Connect': '1', Accept: 'text/event-stream' };

describe('toNodeHandler and the status stream', () => {
  it('sends each event as it happens and the headers at once', async () => {
    const { url, advance } = await serve();
    const first = readEvents((await fetch(url, { headers })).body);
    const opening = await first.nextStatus();
    expect(opening?.member.connection_status).toBe('CREATED');

    // Resumed with the current id: nothing to send yet, but the response (headers) arrives without waiting for one.
    const resumed = await fetch(url, { headers: { ...headers, 'Last-Event-ID': opening!.id } });
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get('content-type')).toBe('text/event-stream');
    const events = readEvents(resumed.body);
    advance(1_000);
    // The next poll sees the change; both streams get it while they are still open.
    expect((await events.nextStatus())?.member.connection_status).toBe('CONNECTED');
    expect((await first.nextStatus())?.member.connection_status).toBe('CONNECTED');
    await events.cancel();
    await first.cancel();
  }, 20_000);

  it('stops polling MX when the client of a stream or a long-poll goes away', async () => {
    const { upstream, url } = await serve();
    const controller = new AbortController();
    const events = readEvents((await fetch(url, { headers, signal: controller.signal })).body);
    await events.nextStatus();
    controller.abort();

    const { version } = (await (await fetch(url, { headers: { 'X-Member-Connect': '1' } })).json()) as {
      version: string;
    };
    const waiting = new AbortController();
    const held = fetch(`${url}?wait=${version}`, { headers: { 'X-Member-Connect': '1' }, signal: waiting.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    waiting.abort();
    await expect(held).rejects.toThrow();
    const reads = upstream.reads.status;

    // Past a poll interval with nobody connected: MX was not asked again.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(upstream.reads.status).toBe(reads);
    expect(reads).toBeLessThanOrEqual(3); // at most one read per request, none after
  }, 20_000);
});
