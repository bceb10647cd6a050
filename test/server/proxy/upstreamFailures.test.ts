// Upstream failures over real sockets: small node:http servers on 127.0.0.1:0 that misbehave the way networks and
// upstreams do. Every case runs with both transports: the default (the real global fetch) and createNodeTransport().
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ProxyLogEntry, UpstreamTransport } from '../../../src/server/index.ts';
import { createConnectProxy } from '../../../src/server/index.ts';
import { createNodeTransport } from '../../../src/server/node.ts';

const USER = 'USR-44444444-dddd-4ddd-8ddd-444444444444';
const LEAKY_HEADERS = {
  'Set-Cookie': 'mx_session=upstream-cookie-value; HttpOnly',
  Server: 'nginx/1.25.3 (internal-mx-07)',
  'X-Powered-By': 'Phusion Passenger',
  'X-Runtime': '0.123',
  Via: '1.1 internal-lb',
  'X-Upstream-Secret': 'internal-token-value',
};

let origin = '';
const requests: { url: string; headers: Record<string, string | string[] | undefined> }[] = [];
const server = createServer((req, res) => {
  requests.push({ url: req.url ?? '', headers: req.headers });
  const scenario = (req.url ?? '').split('/')[1];
  switch (scenario) {
    case 'hang':
      return; // never answers
    case 'reset':
      req.socket.destroy();
      return;
    case 'partial':
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"institutions":[');
      setImmediate(() => req.socket.destroy());
      return;
    case 'slowbody':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"institutions":['); // then nothing: the deadline covers the body too
      return;
    case 'ratelimited':
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '42', ...LEAKY_HEADERS });
      res.end(JSON.stringify({ error: { message: 'Too many requests.' } }));
      return;
    case 'crash':
      res.writeHead(500, { 'Content-Type': 'application/json', ...LEAKY_HEADERS });
      res.end(
        JSON.stringify({ error: { message: 'NoMethodError at /srv/mx/app/models/member.rb:42', backtrace: ['x'] } }),
      );
      return;
    case 'maintenance':
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '120', ...LEAKY_HEADERS });
      res.end(JSON.stringify({ error: { message: 'The platform is being updated.' } }));
      return;
    case 'conflict':
      res.writeHead(409, { 'Content-Type': 'application/json', ...LEAKY_HEADERS });
      res.end(
        JSON.stringify({ error: { message: 'Member already exists.', trace_id: 'abc' }, debug: { sql: 'SELECT 1' } }),
      );
      return;
    case 'ok':
      res.writeHead(200, { 'Content-Type': 'application/vnd.mx.api.v1+json', ...LEAKY_HEADERS });
      res.end(
        JSON.stringify({
          institutions: [],
          pagination: { current_page: 1, per_page: 25, total_entries: 0, total_pages: 1 },
        }),
      );
      return;
    case 'redirect':
      res.writeHead(307, { Location: `${origin}/ok/institutions` });
      res.end();
      return;
    case 'huge':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`{"x":"${'a'.repeat(3 * 1024 * 1024)}"}`);
      return;
    default:
      res.writeHead(404).end();
  }
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
const nodeTransport = createNodeTransport({ maxSockets: 8 });
afterAll(async () => {
  nodeTransport.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let transport: UpstreamTransport | undefined;

function proxyFor(scenario: string, timeoutMs = 2_000) {
  const logs: ProxyLogEntry[] = [];
  const proxy = createConnectProxy({
    baseUrl: `${origin}/${scenario}`,
    clientId: 'cid',
    apiKey: 'upstream-test-key',
    authenticate: () => USER,
    timeoutMs,
    ...(transport === undefined ? {} : { transport }),
    logger: (entry) => logs.push(entry),
  });
  const get = (path = '/institutions') =>
    proxy.request(`http://proxy.test${path}`, { headers: { 'X-Member-Connect': '1' } });
  return { get, logs };
}

async function expectClean(response: Response): Promise<{ error: { message: string } }> {
  for (const name of [...Object.keys(LEAKY_HEADERS), 'Location']) expect(response.headers.get(name), name).toBeNull();
  expect(response.headers.get('x-request-id')).toBeTruthy();
  const text = await response.text();
  for (const leak of [
    'nginx',
    'Passenger',
    'internal',
    '/srv/',
    'backtrace',
    'SELECT',
    'upstream-cookie',
    '127.0.0.1',
  ]) {
    expect(text).not.toContain(leak);
  }
  return JSON.parse(text) as { error: { message: string } };
}

describe.each([
  ['fetch', () => undefined],
  ['createNodeTransport', () => nodeTransport],
])('upstream failures over loopback HTTP (%s)', (_name, pick) => {
  beforeAll(() => {
    transport = pick();
  });

  it('answers 504 when the upstream never answers', async () => {
    const { get, logs } = proxyFor('hang', 300);
    const response = await get();
    expect(response.status).toBe(504);
    expect((await expectClean(response)).error.message).toMatch(/took too long/);
    expect(logs[0]).toMatchObject({ status: 504, reason: 'upstream_timeout', route: '/institutions' });
  });

  it('answers 504 when the upstream stalls in the middle of its body', async () => {
    const { get } = proxyFor('slowbody', 300);
    expect((await get()).status).toBe(504);
  });

  it('answers 502 with a generic message when the connection is reset', async () => {
    const { get, logs } = proxyFor('reset');
    const response = await get();
    expect(response.status).toBe(502);
    expect((await expectClean(response)).error.message).toBe(
      'The bank connection service could not be reached. Please try again.',
    );
    expect(logs[0]?.reason).toBe('upstream_unreachable');
  });

  it('answers 502 when the connection drops mid-body', async () => {
    const { get } = proxyFor('partial');
    expect((await get()).status).toBe(502);
  });

  it('answers 502 when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const proxy = createConnectProxy({
      baseUrl: `http://127.0.0.1:${port}`,
      clientId: 'cid',
      apiKey: 'key',
      authenticate: () => USER,
      ...(transport === undefined ? {} : { transport }),
    });
    const response = await proxy.request('http://proxy.test/institutions', { headers: { 'X-Member-Connect': '1' } });
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain(String(port));
  });

  it('passes an upstream 429 on with its Retry-After and nothing else', async () => {
    const { get, logs } = proxyFor('ratelimited');
    const response = await get();
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('42');
    await expectClean(response);
    expect(logs[0]).toMatchObject({ status: 429, upstreamStatus: 429 });
  });

  it('hides a 500 body and headers behind a generic 502', async () => {
    const { get } = proxyFor('crash');
    const response = await get();
    expect(response.status).toBe(502);
    await expectClean(response);
  });

  it('keeps 503 with Retry-After and a generic message', async () => {
    const { get } = proxyFor('maintenance');
    const response = await get();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('120');
    expect((await expectClean(response)).error.message).toMatch(/temporarily unavailable/);
  });

  it("passes a 4xx on as exactly { error: { message } }, in the proxy's own words", async () => {
    const { get } = proxyFor('conflict');
    const response = await get('/members');
    expect(response.status).toBe(409);
    expect(await expectClean(response)).toEqual({ error: { message: 'This connection already exists.' } });
  });

  it('strips upstream headers from a success too', async () => {
    const { get } = proxyFor('ok');
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await expectClean(response)) as unknown).toMatchObject({ institutions: [] });
  });

  it('does not follow redirects', async () => {
    requests.length = 0;
    const { get, logs } = proxyFor('redirect');
    const response = await get();
    expect(response.status).toBe(502);
    await expectClean(response);
    expect(requests.map((r) => r.url)).toEqual(['/redirect/institutions']);
    expect(logs[0]?.reason).toBe('upstream_redirect');
  });

  it('refuses an oversized upstream body', async () => {
    const { get } = proxyFor('huge');
    expect((await get()).status).toBe(502);
  });

  it('sends MX only Basic auth, Accept and (with a body) Content-Type, never browser headers', async () => {
    requests.length = 0;
    const proxy = createConnectProxy({
      baseUrl: `${origin}/ok`,
      clientId: 'cid',
      apiKey: 'upstream-test-key',
      authenticate: () => USER,
      ...(transport === undefined ? {} : { transport }),
    });
    await proxy.request('http://proxy.test/institutions', {
      headers: {
        'X-Member-Connect': '1',
        Cookie: 'partner_session=secret-cookie',
        'X-Forwarded-For': '203.0.113.9',
        'User-Agent': 'browser/1.0',
        'X-Sandbox-Fault': 'drop',
      },
    });
    const headers = requests[0]?.headers ?? {};
    expect(headers.authorization).toBe(`Basic ${btoa('cid:upstream-test-key')}`);
    expect(headers.accept).toBe('application/vnd.mx.api.v1+json');
    for (const name of ['cookie', 'x-forwarded-for', 'x-member-connect', 'x-sandbox-fault'])
      expect(headers[name]).toBeUndefined();
  });
});
