// Issue 13's attacks on the proxy, each against the real sandbox where the sandbox can play the part: what the browser
// learns about MX users, what MX error text may carry back, how many bank logins one client gets, slow bodies, and
// revoked tokens. Each test failed before its fix (see the commit that added it).
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';
import { describe, expect, expectTypeOf, it } from 'vitest';

import type { ProxyFetch } from '../../../src/server/index.ts';
import { bearerAuthenticate, createConnectProxy, createSessionTokens } from '../../../src/server/index.ts';
import { toNodeHandler } from '../../../src/server/node.ts';
import {
  createSandbox,
  MX_MEDIA_TYPE,
  MXBANK_LOGIN_GUID,
  MXBANK_PASSWORD_GUID,
  SANDBOX_API_KEY,
  SANDBOX_CLIENT_ID,
} from '../../../src/server/sandbox/index.ts';
import { ALICE, BOB, createKit, json, MEMBER } from './proxyTestKit.ts';

const SANDBOX_URL = 'http://sandbox.test';
const CAROL = 'USR-55555555-eeee-4eee-8eee-555555555555';

function sandboxWorld() {
  const sandbox = createSandbox({ aggregationMs: 10 });
  const basic = `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`;
  const createUser = async (): Promise<string> => {
    const response = await sandbox.request(`${SANDBOX_URL}/users`, {
      method: 'POST',
      headers: { Authorization: basic, Accept: MX_MEDIA_TYPE, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: { id: `partner-user-${crypto.randomUUID()}` } }),
    });
    return ((await response.json()) as { user: { guid: string } }).user.guid;
  };
  // MX's raw answers, to prove an echo really happened upstream before checking the browser never saw it.
  const upstreamTexts: string[] = [];
  const recordingFetch: ProxyFetch = async (input, init) => {
    const response = await sandbox.request(input, init);
    upstreamTexts.push(await response.clone().text());
    return response;
  };
  return { sandbox, createUser, upstreamTexts, recordingFetch };
}

const mxbankCredentials = (password: string) => [
  { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
  { guid: MXBANK_PASSWORD_GUID, value: password },
];

function widgetCall(proxy: ReturnType<typeof createConnectProxy>) {
  return (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    proxy.request(`http://proxy.test${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'X-Member-Connect': '1',
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
}

describe('no MX user identifiers reach the browser (issue 13 §2)', () => {
  it('strips user_guid and user_id from every member answer of the real sandbox', async () => {
    const { sandbox, createUser } = sandboxWorld();
    const user = await createUser();
    const proxy = createConnectProxy({
      baseUrl: SANDBOX_URL,
      clientId: SANDBOX_CLIENT_ID,
      apiKey: SANDBOX_API_KEY,
      authenticate: () => user,
      // Strict TS accepts a Hono app's request as the upstream fetch (issue 14 §2).
      fetch: sandbox.request,
    });
    const call = widgetCall(proxy);
    const created = await call('/members', {
      method: 'POST',
      body: { member: { institution_code: 'mxbank', credentials: mxbankCredentials('pw-1') } },
    });
    expect(created.status).toBe(202);
    const guid = ((await created.clone().json()) as { member: { guid: string } }).member.guid;
    const answers = [
      created,
      await call('/members'),
      await call(`/members/${guid}`),
      await call(`/members/${guid}/status`),
      await call(`/members/${guid}`, { method: 'PUT', body: { member: { skip_aggregation: true } } }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeLessThan(300);
      const text = await answer.text();
      expect(text).toContain(guid);
      for (const leak of [user, 'user_guid', 'user_id', 'partner-user-']) expect(text).not.toContain(leak);
    }
  });

  it('passes only the allow-listed fields, at every depth, whatever MX adds', async () => {
    const { call } = createKit({}, ({ url }) =>
      url.pathname.endsWith('/status')
        ? json({
            member: {
              guid: MEMBER,
              connection_status: 'CHALLENGED',
              user_guid: ALICE,
              challenges: [
                {
                  guid: 'CRD-1',
                  label: 'Q?',
                  type: 'TEXT',
                  user_guid: ALICE,
                  options: [{ label: 'a', value: 'a', user_id: 'p-1' }],
                },
              ],
            },
            user: { guid: ALICE },
          })
        : json({
            members: [
              {
                guid: MEMBER,
                user_guid: ALICE,
                user_id: 'partner-7',
                id: 'partner-member-1',
                metadata: '{"ssn":"x"}',
                institution_code: { nested: ALICE },
              },
            ],
            pagination: { total_entries: 1, user_guid: ALICE },
          }),
    );
    const list = await call('/members');
    expect(await list.json()).toEqual({ members: [{ guid: MEMBER }], pagination: { total_entries: 1 } });
    const status = await call(`/members/${MEMBER}/status`);
    expect(await status.json()).toEqual({
      member: {
        guid: MEMBER,
        connection_status: 'CHALLENGED',
        challenges: [{ guid: 'CRD-1', label: 'Q?', type: 'TEXT', options: [{ label: 'a', value: 'a' }] }],
      },
    });
    // Partner-owned fields come back only when the browser may set them too.
    const withFields = createKit({ memberFields: { id: true, metadata: true } }, () =>
      json({ member: { guid: MEMBER, id: 'partner-member-1', metadata: 'm', user_guid: ALICE } }),
    );
    expect(await (await withFields.call(`/members/${MEMBER}`)).json()).toEqual({
      member: { guid: MEMBER, id: 'partner-member-1', metadata: 'm' },
    });
  });

  it('accepts any fetch-like upstream under strict TS', () => {
    expectTypeOf(createSandbox().request).toExtend<ProxyFetch>();
    expectTypeOf(fetch).toExtend<ProxyFetch>();
    expectTypeOf<(input: string) => string>().not.toExtend<ProxyFetch>();
  });
});

describe('MX error text never reaches the browser (issue 13 §7)', () => {
  it('keeps a submitted member id that the real sandbox echoes in its 409 away from the browser', async () => {
    const { createUser, upstreamTexts, recordingFetch } = sandboxWorld();
    const user = await createUser();
    const secret = `Partner-Ref-${crypto.randomUUID()}-SeCrEt`;
    const proxy = createConnectProxy({
      baseUrl: SANDBOX_URL,
      clientId: SANDBOX_CLIENT_ID,
      apiKey: SANDBOX_API_KEY,
      authenticate: () => user,
      fetch: recordingFetch,
      memberFields: { id: true },
    });
    const call = widgetCall(proxy);
    const create = (password: string) =>
      call('/members', {
        method: 'POST',
        body: { member: { institution_code: 'mxbank', id: secret, credentials: mxbankCredentials(password) } },
      });
    expect((await create('pw-a')).status).toBe(202);
    const refused = await create('pw-b');
    expect(refused.status).toBe(409);
    expect(upstreamTexts.at(-1)).toContain(secret);
    const text = await refused.text();
    expect(JSON.parse(text)).toEqual({ error: { message: 'This connection already exists.' } });
    for (const leak of [
      secret,
      secret.toLowerCase(),
      secret.toUpperCase(),
      encodeURIComponent(secret),
      'MBR-',
      'USR-',
    ]) {
      expect(text).not.toContain(leak);
    }
  });

  it('keeps submitted guids and existing member guids that the real sandbox echoes away from the browser', async () => {
    const { createUser, upstreamTexts, recordingFetch } = sandboxWorld();
    const user = await createUser();
    const proxy = createConnectProxy({
      baseUrl: SANDBOX_URL,
      clientId: SANDBOX_CLIENT_ID,
      apiKey: SANDBOX_API_KEY,
      authenticate: () => user,
      fetch: recordingFetch,
    });
    const call = widgetCall(proxy);
    const foreignGuid = `CRD-attacker-${crypto.randomUUID()}`;
    const wrongGuid = await call('/members', {
      method: 'POST',
      body: { member: { institution_code: 'mxbank', credentials: [{ guid: foreignGuid, value: 'x' }] } },
    });
    expect(wrongGuid.status).toBe(422);
    expect(upstreamTexts.at(-1)).toContain(foreignGuid);
    expect(await wrongGuid.text()).not.toContain(foreignGuid.slice(4));

    const first = await call('/members', {
      method: 'POST',
      body: { member: { institution_code: 'mxbank', credentials: mxbankCredentials('same-pw') } },
    });
    const existing = ((await first.json()) as { member: { guid: string } }).member.guid;
    const duplicate = await call('/members', {
      method: 'POST',
      body: { member: { institution_code: 'mxbank', credentials: mxbankCredentials('same-pw') } },
    });
    expect(duplicate.status).toBe(409);
    expect(upstreamTexts.at(-1)).toContain(existing);
    expect(await duplicate.text()).not.toContain(existing);
  });

  it('drops a submitted value echoed in another case or URL-encoded', async () => {
    const password = 'hunter2-Secret';
    const { call } = createKit({}, () =>
      json(
        {
          error: {
            message: `Password ${password.toUpperCase()} (${encodeURIComponent(password).replace('-', '%2D')}) is not valid for /srv/mx https://mx.internal/`,
          },
        },
        400,
      ),
    );
    const response = await call('/members', {
      method: 'POST',
      body: { member: { institution_code: 'mxbank', credentials: [{ guid: 'CRD-1', value: password }] } },
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    for (const leak of [password.toUpperCase(), 'hunter2', '%2D', '/srv', 'https://'])
      expect(text.toLowerCase()).not.toContain(leak.toLowerCase());
    expect(JSON.parse(text)).toEqual({
      error: { message: 'The bank connection service could not accept this request.' },
    });
  });

  it('keeps MX text only when it is exactly one of the known-safe messages', async () => {
    const safe = createKit({}, () => json({ error: { message: 'Member not found.' } }, 404));
    expect(await (await safe.call(`/members/${MEMBER}`)).json()).toEqual({ error: { message: 'Member not found.' } });
    const padded = createKit({}, () => json({ error: { message: 'Member not found. USR-1 at /srv/app' } }, 404));
    expect(await (await padded.call(`/members/${MEMBER}`)).json()).toEqual({ error: { message: 'Not found.' } });
  });
});

describe('bank logins are limited per client as well as per user (issue 13 §5)', () => {
  const create = { member: { institution_code: 'mxbank', credentials: [{ guid: 'CRD-1', value: 'pw' }] } };

  it('does not multiply the bank-login budget when each attempt comes as a fresh user', async () => {
    const { call, calls } = createKit({
      clientKey: () => '203.0.113.7',
      rateLimit: { createMember: { limit: 10, windowMs: 60_000 }, bankLoginsPerClient: { limit: 2, windowMs: 60_000 } },
    });
    expect((await call('/members', { method: 'POST', body: create, user: ALICE })).status).toBe(200);
    expect((await call('/members', { method: 'POST', body: create, user: BOB })).status).toBe(200);
    const third = await call('/members', { method: 'POST', body: create, user: CAROL });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(calls).toHaveLength(2);
    // Another client is not affected.
    const elsewhere = createKit({
      clientKey: () => '198.51.100.1',
      rateLimit: { bankLoginsPerClient: { limit: 2, windowMs: 60_000 } },
    });
    expect((await elsewhere.call('/members', { method: 'POST', body: create, user: CAROL })).status).toBe(200);
  });

  it.each([
    [
      '@hono/node-server',
      (proxy: ReturnType<typeof createConnectProxy>) => serve({ fetch: proxy.fetch, hostname: '127.0.0.1', port: 0 }),
    ],
    [
      'toNodeHandler',
      (proxy: ReturnType<typeof createConnectProxy>) => createServer(toNodeHandler(proxy)).listen(0, '127.0.0.1'),
    ],
  ])('counts by socket address under %s, against sessions minted per request', async (_name, listen) => {
    const { sandbox, createUser } = sandboxWorld();
    const proxy = createConnectProxy({
      baseUrl: SANDBOX_URL,
      clientId: SANDBOX_CLIENT_ID,
      apiKey: SANDBOX_API_KEY,
      // The demo-style attack: every request arrives without a session, so a new session (and MX user) is made for it.
      authenticate: () => createUser(),
      fetch: sandbox.request,
      rateLimit: { bankLoginsPerClient: { limit: 3, windowMs: 60_000 } },
    });
    const server = listen(proxy) as ReturnType<typeof createServer>;
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
    const port = (server.address() as AddressInfo).port;
    const post = (password: string) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({
          member: { institution_code: 'mxbank', credentials: mxbankCredentials(password) },
        });
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/members',
            headers: { 'X-Member-Connect': '1', 'Content-Type': 'application/json' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i += 1) statuses.push(await post(`pw-${i}`));
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('counts an update carrying new credentials as a bank login, like a create', async () => {
    const { call, calls } = createKit({ rateLimit: { createMember: { limit: 2, windowMs: 60_000 } } });
    const update = { member: { credentials: [{ guid: 'CRD-1', value: 'new-pw' }] } };
    expect((await call('/members', { method: 'POST', body: create })).status).toBe(200);
    expect((await call(`/members/${MEMBER}`, { method: 'PUT', body: update })).status).toBe(200);
    expect((await call(`/members/${MEMBER}`, { method: 'PUT', body: update })).status).toBe(429);
    expect((await call('/members', { method: 'POST', body: create })).status).toBe(429);
    // An update without credentials logs in to nothing: it stays in the `write` group.
    expect(
      (await call(`/members/${MEMBER}`, { method: 'PUT', body: { member: { skip_aggregation: true } } })).status,
    ).toBe(200);
    expect(calls).toHaveLength(3);
  });
});

describe('slow request bodies (issue 13 §6)', () => {
  it('answers 408 when a body is still arriving at the deadline, and never calls MX', async () => {
    const { proxy, tokens, calls, logs } = createKit({ bodyTimeoutMs: 50 });
    let cancelled = false;
    const trickle = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"member":{"institution_code":"mxb'));
        // …and nothing more, ever.
      },
      cancel() {
        cancelled = true;
      },
    });
    const response = await proxy.request('http://proxy.test/members', {
      method: 'POST',
      headers: {
        'X-Member-Connect': '1',
        'Content-Type': 'application/json',
        Authorization: `Bearer ${await tokens.issue(ALICE)}`,
      },
      body: trickle,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(408);
    expect(await response.json()).toEqual({ error: { message: 'The request body took too long to arrive.' } });
    expect(cancelled).toBe(true);
    expect(calls).toHaveLength(0);
    expect(logs[0]?.reason).toBe('body_timeout');
  });
});

describe('revoked session tokens (issue 13 §10)', () => {
  it("refuses a revoked token at the proxy with 401 while the user's fresh token works", async () => {
    const tokens = createSessionTokens({ secret: 'revocation-secret-0123456789-abcdefgh' });
    const { call, calls } = createKit({ authenticate: bearerAuthenticate(tokens) });
    const token = await tokens.issue(ALICE);
    const bearer = (value: string) => ({ user: null, headers: { Authorization: `Bearer ${value}` } });
    expect((await call('/members', bearer(token))).status).toBe(200);
    expect(await tokens.revoke(token)).toBe(true);
    expect((await call('/members', bearer(token))).status).toBe(401);
    expect((await call('/members', bearer(await tokens.issue(ALICE)))).status).toBe(200);
    expect(calls).toHaveLength(2);
  });
});
