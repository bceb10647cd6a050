// Bounded bodies (issue 13 item 6): every route, the unauthenticated consent form included, answers 413 at a few KB,
// in-process and over real HTTP, where an announced 400 MB body is refused without being read.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';

import { createSandbox } from '../../../src/server/sandbox/index.ts';
import { AUTH, createHarness, MX_ACCEPT, ORIGIN, PREFIX } from './harness.ts';

const LIMIT = 8 * 1024;

type Server = ReturnType<typeof serve>;
let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe('request body limit', () => {
  it('refuses an API body over 8 KiB with 413 {error:{message}}, and accepts one just under it', async () => {
    const h = createHarness();
    const big = await h.call('POST', '/users', { user: { metadata: 'x'.repeat(LIMIT) } });
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ error: { message: expect.stringContaining('8192 bytes') } });
    expect((await h.call('GET', '/users')).body.users).toEqual([]);

    const fits = await h.call('POST', '/users', { user: { metadata: 'x'.repeat(LIMIT - 40) } });
    expect(fits.status).toBe(200);
    const user = fits.body.user.guid;
    const member = await h.createMxbankMember(user, 'challenge');
    const resume = await h.call('PUT', `/users/${user}/members/${member}/resume`, {
      member: { challenges: [{ guid: 'CRD-x', value: 'y'.repeat(LIMIT) }] },
    });
    expect(resume.status).toBe(413);
    const update = await h.call('PUT', `/users/${user}/members/${member}`, {
      member: { metadata: 'z'.repeat(LIMIT * 10) },
    });
    expect(update.status).toBe(413);
  });

  it('refuses a large OAuth decision form (no auth needed to reach it) and leaves the consent open', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const created = await h.call('POST', `/users/${user}/members`, {
      member: { institution_code: 'mx_bank_oauth', is_oauth: true, credentials: [] },
    });
    const page = await h.app.request(created.body.member.oauth_window_uri as string);
    const session = /name="session" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const post = (extra: string) =>
      h.app.request(`${ORIGIN}${PREFIX}/oauth/decision`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          session,
          opener_origin: 'https://partner.example',
          decision: 'authorize',
          padding: extra,
        }).toString(),
      });
    const refused = await post('p'.repeat(LIMIT * 50));
    expect(refused.status).toBe(413);
    expect((await h.status(user, created.body.member.guid)).connection_status).toBe('PENDING');
    expect((await post('')).status).toBe(200);
  });

  it('takes a smaller limit from limits.maxBodyBytes, and refuses a bad one', async () => {
    const sandbox = createSandbox({ limits: { maxBodyBytes: 64 } });
    const send = (metadata: string) =>
      sandbox.request('/users', {
        method: 'POST',
        headers: { Authorization: AUTH, Accept: MX_ACCEPT, 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: { metadata } }),
      });
    expect((await send('x'.repeat(10))).status).toBe(200);
    expect((await send('x'.repeat(100))).status).toBe(413);
    expect(() => createSandbox({ limits: { maxBodyBytes: 0 } })).toThrow(
      /limits.maxBodyBytes must be a positive integer/,
    );
  });

  it('over real HTTP, answers 413 to an announced 400 MB body after reading none of it', async () => {
    server = serve({ fetch: new Hono().route('/sandbox', createSandbox()).fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server?.once('listening', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/sandbox/oauth/decision',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(400 * 1024 * 1024) },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
          request.destroy();
        },
      );
      request.on('error', (error) => reject(error));
      // Only the first kilobyte is ever sent: the answer must come without the rest.
      request.write('session='.padEnd(1024, 'a'));
    });
    expect(status).toBe(413);
  });
});
