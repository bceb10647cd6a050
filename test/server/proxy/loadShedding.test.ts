// Load shedding (issue 16 §2): past `maxInFlight` requests at once, the proxy answers 503 with Retry-After at once
// instead of queueing the request behind the others. Real loopback servers: the sandbox holds two member creations
// (its delay fault, released by the test), the proxy runs under toNodeHandler with the lean Node transport.
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ProxyLogEntry } from '../../../src/server/index.ts';
import { createConnectProxy } from '../../../src/server/index.ts';
import type { NodeTransport } from '../../../src/server/node.ts';
import { createNodeTransport, toNodeHandler } from '../../../src/server/node.ts';
import { createSandbox, MX_MEDIA_TYPE, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../../src/server/sandbox/index.ts';

// The sandbox's delay fault waits on this instead of a clock: each held creation resolves when the test says so.
const held: (() => void)[] = [];
const sandbox = createSandbox({
  aggregationMs: 0,
  sleep: () => new Promise<void>((resolve) => held.push(resolve)),
});
const logs: ProxyLogEntry[] = [];
let sandboxServer: Server;
let proxyServer: Server;
let transport: NodeTransport;
let proxyUrl = '';
let userGuid = '';

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  sandboxServer = createServer(toNodeHandler(sandbox));
  const sandboxUrl = await listen(sandboxServer);
  const created = await fetch(`${sandboxUrl}/users`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`,
      Accept: MX_MEDIA_TYPE,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ user: { id: 'load-shedding-user' } }),
  });
  userGuid = ((await created.json()) as { user: { guid: string } }).user.guid;
  transport = createNodeTransport();
  const proxy = createConnectProxy({
    baseUrl: sandboxUrl,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    authenticate: () => userGuid,
    transport,
    maxInFlight: 2,
    logger: (entry) => logs.push(entry),
  });
  proxyServer = createServer(toNodeHandler(proxy));
  proxyUrl = await listen(proxyServer);
});

afterAll(async () => {
  for (const release of held.splice(0)) release();
  transport.close();
  for (const server of [proxyServer, sandboxServer]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const widget = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${proxyUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'X-Member-Connect': '1', ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('load shedding', () => {
  it('answers 503 with Retry-After while maxInFlight requests are in flight, and serves again once they finish', async () => {
    const credentials = (await (await widget('/institutions/fault_delay_bank/credentials')).json()) as {
      credentials: { guid: string }[];
    };
    // Different credentials each, so the sandbox does not refuse the second as a duplicate.
    const body = (value: string) => ({
      member: {
        institution_code: 'fault_delay_bank',
        credentials: credentials.credentials.map(({ guid }) => ({ guid, value })),
      },
    });
    // Two creations the sandbox holds: the proxy's two places are taken.
    const slow = ['first', 'second'].map((value) => widget('/members', { method: 'POST', body: body(value) }));
    await waitUntil(() => held.length === 2);

    const shed = await widget('/institutions?name=MX%20Bank');
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('2');
    expect(shed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(shed.headers.get('cache-control')).toBe('no-store');
    // The envelope knows nothing of the routes: saying "no stream" here would turn a streaming widget to polling.
    expect(shed.headers.has('x-member-connect-stream')).toBe(false);
    expect(await shed.json()).toEqual({
      error: { message: 'Too many people are connecting right now. Please try again in a moment.' },
    });
    // Answered while both creations were still held: it never waited for a place.
    expect(held).toHaveLength(2);
    expect(logs.at(-1)).toMatchObject({ status: 503, reason: 'overloaded', route: 'unmatched' });

    for (const release of held.splice(0)) release();
    expect((await Promise.all(slow)).map((response) => response.status)).toEqual([202, 202]);
    // Both places are free again.
    expect((await widget('/institutions?name=MX%20Bank')).status).toBe(200);
  });

  it('refuses a maxInFlight that is not a positive integer', () => {
    const options = { baseUrl: 'https://mx.test', clientId: 'c', apiKey: 'k', authenticate: () => userGuid };
    for (const maxInFlight of [0, -1, 1.5, Number.NaN]) {
      expect(() => createConnectProxy({ ...options, maxInFlight })).toThrow(/`maxInFlight`/);
    }
  });
});
