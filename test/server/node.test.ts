// member-connect/node: a real node:http server on loopback, driven with fetch, in front of a Hono app and the sandbox.
import { createServer, type IncomingHttpHeaders, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';

import { toNodeHandler } from '../../src/server/node';
import { createSandbox, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/server/sandbox/index';
import { ALICE, createKit, json } from './proxy/proxyTestKit';

const MX_BANK = () => json({ institution: { code: 'mxbank', name: 'MX Bank', user_guid: 'never shown' } });

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A request exactly as written (fetch would normalise the path and Host), read whole. */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawReply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, method, path, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

const until = async (done: () => boolean): Promise<void> => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
};

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function echoApp() {
  const app = new Hono();
  app.post('/echo/:id', async (c) =>
    c.json({
      url: c.req.url,
      id: c.req.param('id'),
      header: c.req.header('x-member-connect'),
      body: await c.req.json(),
    }),
  );
  app.get('/cookies', (c) => {
    c.header('set-cookie', 'a=1; Path=/', { append: true });
    c.header('set-cookie', 'b=2; Path=/', { append: true });
    return c.text('two cookies', 201);
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.onError((error) => {
    throw error;
  });
  return app;
}

describe('toNodeHandler', () => {
  it('passes method, URL, headers and a streamed body in, and status, headers and body out', async () => {
    const base = await listen(toNodeHandler(echoApp()));
    const response = await fetch(`${base}/echo/7?q=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-member-connect': '1' },
      body: JSON.stringify({ name: 'MX Bank' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      url: `${base}/echo/7?q=1`,
      id: '7',
      header: '1',
      body: { name: 'MX Bank' },
    });
  });

  it('keeps several Set-Cookie headers apart and the status as the app set it', async () => {
    const base = await listen(toNodeHandler(echoApp()));
    const response = await fetch(`${base}/cookies`);
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(await response.text()).toBe('two cookies');
  });

  it('answers 500 on its own when the app throws, or hands the error to next() like Express middleware', async () => {
    const plain = await listen(toNodeHandler(echoApp()));
    const failed = await fetch(`${plain}/boom`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('Internal Server Error');

    const handler = toNodeHandler(echoApp());
    const seen: unknown[] = [];
    const middleware = await listen((request, response) =>
      handler(request, response, (error) => {
        seen.push(error);
        response.writeHead(502).end('from next');
      }),
    );
    const passed = await fetch(`${middleware}/boom`);
    expect(passed.status).toBe(502);
    expect(seen).toEqual([new Error('boom')]);
  });

  it('serves the sandbox as an MX-compatible server under a mount path stripped the way Express strips it', async () => {
    const handler = toNodeHandler(createSandbox());
    const base = await listen((request, response) => {
      // What Express's app.use('/mx', handler) does before calling the handler.
      if (!request.url?.startsWith('/mx/')) return void response.writeHead(404).end();
      request.url = request.url.slice('/mx'.length);
      handler(request, response);
    });
    const response = await fetch(`${base}/mx/institutions?name=mx%20bank`, {
      headers: {
        Accept: 'application/vnd.mx.api.v1+json',
        Authorization: `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`,
      },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { institutions: { code: string }[] };
    expect(body.institutions.map((institution) => institution.code)).toContain('mxbank');
  });

  it('gives the app the URL a real Request would have: dot segments resolved, host lower-cased, default port dropped', async () => {
    const app = new Hono();
    app.all('*', (c) => c.text(c.req.url));
    const base = await listen(toNodeHandler(app));
    const { port } = new URL(base);
    expect((await raw(base, 'GET', '/a/b?q=MX%20Bank&x=y')).text).toBe(`${base}/a/b?q=MX%20Bank&x=y`);
    expect((await raw(base, 'GET', '/a/../b/./c')).text).toBe(`${base}/b/c`);
    expect((await raw(base, 'GET', '/a/%2e%2E/b')).text).toBe(`${base}/b`);
    expect((await raw(base, 'GET', "/a?it's")).text).toBe(`${base}/a?it%27s`);
    expect((await raw(base, 'GET', '/a', { Host: `LocalHost:${port}` })).text).toBe(`http://localhost:${port}/a`);
    expect((await raw(base, 'GET', '/a', { Host: 'localhost:80' })).text).toBe('http://localhost/a');
  });

  it('hands the app a Request it can read in every way: headers, clone, a new Request made from it', async () => {
    const app = new Hono();
    app.post('/read', async (c) => {
      const request = c.req.raw;
      const copy = new Request(request, { body: 'replaced' });
      return c.json({
        isRequest: request instanceof Request,
        all: c.req.header(),
        missing: request.headers.get('x-missing'),
        cloned: await request.clone().text(),
        body: await request.text(),
        used: request.bodyUsed,
        copy: { method: copy.method, url: copy.url, header: copy.headers.get('x-one'), body: await copy.text() },
      });
    });
    const base = await listen(toNodeHandler(app));
    const reply = await raw(base, 'POST', '/read', { 'X-One': '1', 'Content-Type': 'text/plain' }, 'hello');
    expect(JSON.parse(reply.text)).toEqual({
      isRequest: true,
      all: expect.objectContaining({ 'x-one': '1', 'content-type': 'text/plain' }) as unknown,
      missing: null,
      cloned: 'hello',
      body: 'hello',
      used: true,
      copy: { method: 'POST', url: `${base}/read`, header: '1', body: 'replaced' },
    });
  });

  it("writes the proxy's answers whole, with their length, and the same status and headers as its Response", async () => {
    const { proxy, tokens } = createKit({}, MX_BANK);
    const base = await listen(toNodeHandler(proxy));
    const headers = { 'X-Member-Connect': '1', Authorization: `Bearer ${await tokens.issue(ALICE)}` };
    const overNode = await raw(base, 'GET', '/institutions/mxbank', headers);
    const inProcess = await proxy.request('http://proxy.test/institutions/mxbank', { headers });

    expect(overNode.status).toBe(200);
    expect(overNode.headers['content-length']).toBe(String(Buffer.byteLength(overNode.text)));
    expect(overNode.headers['transfer-encoding']).toBeUndefined();
    expect(overNode.text).toBe(await inProcess.text());
    expect(JSON.parse(overNode.text)).toEqual({ institution: { code: 'mxbank', name: 'MX Bank' } });
    const names = (list: string[]) =>
      list.filter((name) => !['content-length', 'date', 'connection', 'keep-alive'].includes(name)).sort();
    expect(names(Object.keys(overNode.headers))).toEqual(names([...inProcess.headers.keys()]));
    expect(overNode.headers['content-type']).toBe(inProcess.headers.get('content-type'));
  });

  it('lets a middleware around the proxy change its answer after the fact, and answers HEAD without a body', async () => {
    const { proxy, tokens } = createKit({}, MX_BANK);
    const app = new Hono();
    app.use('*', async (c, next) => {
      await next();
      c.res.headers.set('X-Seen-Status', String(c.res.status));
      c.header('X-Added', 'yes');
    });
    app.route('/api/connect', proxy);
    app.get('/cookies', (c) => {
      c.header('set-cookie', 'a=1', { append: true });
      c.header('set-cookie', 'b=2', { append: true });
      return c.text('two cookies', 201);
    });
    const base = await listen(toNodeHandler(app));
    const headers = { 'X-Member-Connect': '1', Authorization: `Bearer ${await tokens.issue(ALICE)}` };
    const reply = await raw(base, 'GET', '/api/connect/institutions/mxbank', headers);
    expect(reply.status).toBe(200);
    expect(reply.headers['x-seen-status']).toBe('200');
    expect(reply.headers['x-added']).toBe('yes');
    expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(reply.text)).toEqual({ institution: { code: 'mxbank', name: 'MX Bank' } });

    const head = await raw(base, 'HEAD', '/cookies');
    expect(head.status).toBe(201);
    expect(head.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(head.text).toBe('');
  });

  it('streams a body the app is still writing, and cuts the connection when that stream fails', async () => {
    const app = new Hono();
    let release = (): void => undefined;
    app.get('/slow', () => {
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode('first,'));
          await new Promise<void>((resolve) => (release = resolve));
          controller.enqueue(encoder.encode('second'));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'Content-Type': 'text/plain' } });
    });
    app.get('/broken', () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('partial'));
          setTimeout(() => controller.error(new Error('upstream went away')), 20);
        },
      });
      return new Response(body);
    });
    const base = await listen(toNodeHandler(app));

    const slow = await fetch(`${base}/slow`);
    expect(slow.headers.get('transfer-encoding')).toBe('chunked');
    const reader = slow.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first,');
    release();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('second');
    expect((await reader.read()).done).toBe(true);

    const broken = await fetch(`${base}/broken`);
    expect(broken.status).toBe(200);
    await expect(broken.text()).rejects.toThrow();
  });

  it('aborts the request signal and cancels the answer stream when the client goes away', async () => {
    const app = new Hono();
    const seen = { aborted: false, cancelled: false };
    app.get('/forever', (c) => {
      c.req.raw.signal.addEventListener('abort', () => (seen.aborted = true));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('data: hello\n\n'));
        },
        cancel() {
          seen.cancelled = true;
        },
      });
      return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
    });
    const base = await listen(toNodeHandler(app));
    const controller = new AbortController();
    const response = await fetch(`${base}/forever`, { signal: controller.signal });
    await response.body!.getReader().read();
    controller.abort();
    await until(() => seen.aborted && seen.cancelled);
    expect(seen).toEqual({ aborted: true, cancelled: true });
  });

  it("keeps the proxy's body deadline: a body still arriving is answered 408 and MX is never called", async () => {
    const { proxy, tokens, calls } = createKit({ bodyTimeoutMs: 100 });
    const base = await listen(toNodeHandler(proxy));
    const { hostname, port } = new URL(base);
    const token = await tokens.issue(ALICE);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: hostname,
          port,
          method: 'POST',
          path: '/members',
          headers: { 'X-Member-Connect': '1', 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
          request.destroy();
        },
      );
      request.on('error', reject);
      // A chunked body that starts and never ends.
      request.write('{"member":{"institution_code":"mxb');
    });
    expect(status).toBe(408);
    expect(calls).toHaveLength(0);
  });
});
