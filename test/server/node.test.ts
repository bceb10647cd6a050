// member-connect/node: a real node:http server on loopback, driven with fetch, in front of a Hono app and the sandbox.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';

import { toNodeHandler } from '../../src/server/node';
import { createSandbox, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/server/sandbox/index';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

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
});
