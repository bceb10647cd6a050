// Auth (401), Accept (406), unknown routes (404), and every injected fault, per request and per institution,
// in-process and over a real loopback HTTP server (@hono/node-server) for the dropped connection.
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createSandbox } from '../../../src/server/sandbox/index.ts';
import { AUTH, createHarness, MX_ACCEPT, mxbankCredentials, ORIGIN, PREFIX } from './harness.ts';

const raw = (
  h: ReturnType<typeof createHarness>,
  path: string,
  headers: Record<string, string>,
  init: RequestInit = {},
) => h.app.request(`${ORIGIN}${PREFIX}${path}`, { ...init, headers });

describe('authentication and versioning', () => {
  const cases: [string, number, Record<string, string>][] = [
    ['no Authorization', 401, { Accept: MX_ACCEPT }],
    ['wrong API key', 401, { Authorization: `Basic ${btoa('sandbox-client-id:wrong')}`, Accept: MX_ACCEPT }],
    ['not Basic', 401, { Authorization: 'Bearer sandbox-api-key', Accept: MX_ACCEPT }],
    ['no Accept', 406, { Authorization: AUTH }],
    ['plain JSON Accept', 406, { Authorization: AUTH, Accept: 'application/json' }],
    ['another version', 406, { Authorization: AUTH, Accept: 'application/vnd.mx.api.v2+json' }],
  ];
  it.each(cases)('%s → %i with {error:{message}}', async (_name, status, headers) => {
    const reply = await raw(createHarness(), '/institutions', headers);
    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toBe('application/vnd.mx.api.v1+json');
    expect(await reply.json()).toEqual({ error: { message: expect.any(String) } });
    if (status === 401) expect(reply.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('accepts the MX media type among others, and custom client id / API key', async () => {
    const sandbox = createSandbox({ clientId: 'id-1', apiKey: 'key-1' });
    const ok = await sandbox.request('/institutions/mxbank', {
      headers: { Authorization: `Basic ${btoa('id-1:key-1')}`, Accept: `text/html, ${MX_ACCEPT};q=0.9` },
    });
    expect(ok.status).toBe(200);
    const old = await sandbox.request('/institutions/mxbank', { headers: { Authorization: AUTH, Accept: MX_ACCEPT } });
    expect(old.status).toBe(401);
  });

  it('answers 404 {error:{message}} for unknown routes and logos (after auth)', async () => {
    const h = createHarness();
    const reply = await raw(h, '/nope', { Authorization: AUTH, Accept: MX_ACCEPT });
    expect(reply.status).toBe(404);
    expect(await reply.json()).toEqual({ error: { message: expect.any(String) } });
    expect((await raw(h, '/logos/nope_50.svg', {})).status).toBe(404);
    expect((await raw(h, '/nope', {})).status).toBe(401);
  });

  it('validates X-CALLBACK-PAYLOAD (base64, at most 1024 characters) where MX accepts it', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const body = JSON.stringify({
      member: { institution_code: 'mxbank', credentials: mxbankCredentials('mxuser', 'pw') },
    });
    const send = (payload: string) =>
      raw(
        h,
        `/users/${user}/members`,
        { Authorization: AUTH, Accept: MX_ACCEPT, 'Content-Type': 'application/json', 'X-CALLBACK-PAYLOAD': payload },
        { method: 'POST', body },
      );
    expect((await send('not base64!')).status).toBe(400);
    expect((await send(btoa('x'.repeat(800)))).status).toBe(400);
    expect((await send(btoa('{"ref":"abc"}'))).status).toBe(202);
  });
});

describe('fault injection (X-Sandbox-Fault)', () => {
  const api = { Authorization: AUTH, Accept: MX_ACCEPT };

  it.each([
    ['400', 400],
    ['500', 500],
    ['503', 503],
  ])('%s → that status with {error:{message}}', async (fault, status) => {
    const reply = await raw(createHarness(), '/institutions', { ...api, 'X-Sandbox-Fault': fault });
    expect(reply.status).toBe(status);
    expect(await reply.json()).toEqual({ error: { message: expect.stringContaining('sandbox fault') } });
  });

  it('429 carries Retry-After (default 1 s, or as asked)', async () => {
    const h = createHarness();
    const plain = await raw(h, '/institutions', { ...api, 'X-Sandbox-Fault': '429' });
    expect(plain.status).toBe(429);
    expect(plain.headers.get('retry-after')).toBe('1');
    const custom = await raw(h, '/institutions', { ...api, 'X-Sandbox-Fault': '429;retry-after=30' });
    expect(custom.headers.get('retry-after')).toBe('30');
    expect((await custom.json()).error.message).toMatch(/too many requests/i);
  });

  it('delay=<ms> waits (through the injected sleep) and then answers normally', async () => {
    const sleep = vi.fn(() => Promise.resolve());
    const h = createHarness({ sleep });
    const reply = await raw(h, '/institutions/mxbank', { ...api, 'X-Sandbox-Fault': 'delay=250' });
    expect(sleep).toHaveBeenCalledWith(250);
    expect(reply.status).toBe(200);
    expect((await reply.json()).institution.code).toBe('mxbank');
  });

  it('combines faults: delay then 503', async () => {
    const sleep = vi.fn(() => Promise.resolve());
    const reply = await raw(createHarness({ sleep }), '/institutions', { ...api, 'X-Sandbox-Fault': 'delay=10, 503' });
    expect(sleep).toHaveBeenCalledWith(10);
    expect(reply.status).toBe(503);
  });

  it('malformed → 200 with the MX content type and a body that is not JSON', async () => {
    const reply = await raw(createHarness(), '/institutions/mxbank', { ...api, 'X-Sandbox-Fault': 'malformed' });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/vnd.mx.api.v1+json');
    const text = await reply.text();
    expect(text.startsWith('{"institution":')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('drop → reading the body fails in-process', async () => {
    const reply = await raw(createHarness(), '/institutions', { ...api, 'X-Sandbox-Fault': 'drop' });
    await expect(reply.text()).rejects.toThrow();
  });

  it('rejects an unknown fault with 400, and injects nothing without the header', async () => {
    const h = createHarness();
    const bad = await raw(h, '/institutions', { ...api, 'X-Sandbox-Fault': 'explode' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('X-Sandbox-Fault');
    expect((await raw(h, '/institutions', api)).status).toBe(200);
  });

  describe('over a real HTTP server', () => {
    let close: (() => void) | undefined;
    afterEach(() => close?.());

    it('drop resets the connection: fetch rejects with a network error', async () => {
      const server = serve({ fetch: createSandbox().fetch, port: 0, hostname: '127.0.0.1' });
      close = () => server.close();
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const { port } = server.address() as AddressInfo;
      const base = `http://127.0.0.1:${port}`;
      const ok = await fetch(`${base}/institutions/mxbank`, { headers: api });
      expect(ok.status).toBe(200);
      await expect(
        fetch(`${base}/institutions`, { headers: { ...api, 'X-Sandbox-Fault': 'drop' } }).then((response) =>
          response.text(),
        ),
      ).rejects.toThrow(TypeError);
    });
  });
});

describe('fault institutions (searchable, fail their member requests)', () => {
  async function memberCreate(code: string, sleep = vi.fn(() => Promise.resolve())) {
    const h = createHarness({ sleep });
    const user = await h.createUser();
    const credentials = (await h.call('GET', `/institutions/${code}/credentials`)).body.credentials as {
      guid: string;
    }[];
    const reply = await raw(
      h,
      `/users/${user}/members`,
      { Authorization: AUTH, Accept: MX_ACCEPT, 'Content-Type': 'application/json' },
      {
        method: 'POST',
        body: JSON.stringify({
          member: { institution_code: code, credentials: credentials.map((c) => ({ guid: c.guid, value: 'x' })) },
        }),
      },
    );
    return { h, user, reply, sleep };
  }

  it.each([
    ['fault_500_bank', 500],
    ['fault_503_bank', 503],
    ['fault_429_bank', 429],
  ])('%s → %i on member create; its institution and credentials still load', async (code, status) => {
    const { h, reply, user } = await memberCreate(code);
    expect(reply.status).toBe(status);
    expect(await reply.json()).toEqual({ error: { message: expect.any(String) } });
    if (status === 429) expect(reply.headers.get('retry-after')).toBe('5');
    expect((await h.call('GET', `/institutions/${code}`)).status).toBe(200);
    expect((await h.call('GET', `/users/${user}/members`)).body.members).toEqual([]);
  });

  it('fault_delay_bank delays, fault_malformed_bank garbles, fault_drop_bank drops', async () => {
    const delayed = await memberCreate('fault_delay_bank');
    expect(delayed.sleep).toHaveBeenCalledWith(3000);
    expect(delayed.reply.status).toBe(202);
    const garbled = await memberCreate('fault_malformed_bank');
    expect(garbled.reply.status).toBe(202);
    await expect(garbled.reply.json()).rejects.toThrow();
    const dropped = await memberCreate('fault_drop_bank');
    await expect(dropped.reply.text()).rejects.toThrow();
  });

  it('applies no fault to ordinary institutions', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const reply = await h.call('POST', `/users/${user}/members`, {
      member: { institution_code: 'mxbank', credentials: mxbankCredentials('mxuser', 'x') },
    });
    expect(reply.status).toBe(202);
  });
});
