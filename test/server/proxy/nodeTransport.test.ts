// createNodeTransport: keep-alive connections reused between calls, and never more open connections than maxSockets.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createConnectProxy } from '../../../src/server/index.ts';
import { createNodeTransport } from '../../../src/server/node.ts';

const USER = 'USR-66666666-ffff-4fff-8fff-666666666666';
let origin = '';
// Connections counted only while `counting` (so keep-alive sockets of an earlier test cannot skew the figure).
let counting = false;
let open = 0;
let mostOpen = 0;
const ports = new Set<number>();
const server = createServer((req, res) => {
  ports.add(req.socket.remotePort ?? 0);
  // Slow enough that concurrent calls overlap.
  setTimeout(() => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ institutions: [{ code: 'mxbank', name: 'MX Bank' }] }));
  }, 20);
});
server.on('connection', (socket) => {
  if (!counting) return;
  open += 1;
  mostOpen = Math.max(mostOpen, open);
  socket.on('close', () => {
    open -= 1;
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const proxyWith = (transport: ReturnType<typeof createNodeTransport>) =>
  createConnectProxy({
    baseUrl: origin,
    clientId: 'cid',
    apiKey: 'key',
    authenticate: () => USER,
    transport,
    rateLimit: false,
  });
const get = (proxy: ReturnType<typeof createConnectProxy>) =>
  proxy.request('http://proxy.test/institutions', { headers: { 'X-Member-Connect': '1' } });

describe('createNodeTransport', () => {
  it('reuses one keep-alive connection for calls made one after another', async () => {
    const transport = createNodeTransport();
    const proxy = proxyWith(transport);
    ports.clear();
    for (let i = 0; i < 5; i += 1) {
      const response = await get(proxy);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ institutions: [{ code: 'mxbank', name: 'MX Bank' }] });
    }
    expect(ports.size).toBe(1);
    transport.close();
  });

  it('never opens more connections than maxSockets, queueing the rest', async () => {
    const transport = createNodeTransport({ maxSockets: 3 });
    const proxy = proxyWith(transport);
    counting = true;
    const statuses = await Promise.all(Array.from({ length: 12 }, async () => (await get(proxy)).status));
    expect(statuses.every((status) => status === 200)).toBe(true);
    counting = false;
    expect(mostOpen).toBeGreaterThan(1);
    expect(mostOpen).toBeLessThanOrEqual(3);
    transport.close();
  });

  it('sends a GET once more on a fresh connection when its kept-alive one was reset unanswered; never a POST', async () => {
    // A server that resets every connection on its second request, unanswered: what a reused connection meets when the
    // server's idle timeout closed it just as the proxy sent on it.
    const seen: string[] = [];
    const resetting = createServer((req, res) => {
      const count = ((req.socket as { served?: number }).served ?? 0) + 1;
      (req.socket as { served?: number }).served = count;
      seen.push(`${req.method} ${count}`);
      if (count === 2) {
        req.socket.destroy();
        return;
      }
      res.writeHead(count === 1 && req.method === 'POST' ? 202 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ member: { guid: 'MBR-1' }, institutions: [] }));
    });
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    const transport = createNodeTransport({ maxSockets: 1 });
    const url = `http://127.0.0.1:${(resetting.address() as AddressInfo).port}`;
    const call = (method: string) =>
      transport({ url: `${url}/x`, method, headers: {}, body: method === 'POST' ? '{}' : undefined, timeoutMs: 5000 });
    try {
      expect((await call('GET')).status).toBe(200);
      // The second GET goes out on the same connection, is reset, and is answered on a fresh one.
      expect((await call('GET')).status).toBe(200);
      expect(seen).toEqual(['GET 1', 'GET 2', 'GET 1']);
      // A POST on a reused connection that is reset is not sent again: 502.
      seen.length = 0;
      expect((await call('GET')).status).toBe(200);
      await expect(call('POST')).rejects.toMatchObject({ status: 502, reason: 'upstream_unreachable' });
      expect(seen.filter((line) => line.startsWith('POST'))).toEqual(['POST 2']);
    } finally {
      transport.close();
      resetting.closeAllConnections();
      await new Promise((resolve) => resetting.close(resolve));
    }
  });

  it('refuses a bad socket cap (above MX\u2019s 2,000 too), and fetch together with transport', () => {
    expect(() => createNodeTransport({ maxSockets: 0 })).toThrow(/`maxSockets`/);
    expect(() => createNodeTransport({ maxSockets: 2001 })).toThrow(/2000/);
    expect(() =>
      createConnectProxy({
        baseUrl: origin,
        clientId: 'c',
        apiKey: 'k',
        authenticate: () => USER,
        fetch,
        transport: createNodeTransport(),
      }),
    ).toThrow(/`fetch` and `transport`/);
  });
});
