// The proxy and the sandbox as real servers on loopback: every route and refusal over HTTP, a whole connect flow with
// MFA, two users who must not see each other's members, and upstream faults produced by the sandbox itself. Served
// through member-connect/node's `toNodeHandler`, what partners on Node run (one test also mounts @hono/node-server).
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:util';

import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { ConnectProxyOptions, ProxyLogEntry } from '../../../src/server/index.ts';
import { bearerAuthenticate, createConnectProxy, createSessionTokens } from '../../../src/server/index.ts';
import type { FetchApp } from '../../../src/server/node.ts';
import { createNodeTransport, toNodeHandler } from '../../../src/server/node.ts';
import {
  createSandbox,
  MXBANK_LOGIN_GUID,
  MXBANK_PASSWORD_GUID,
  SANDBOX_API_KEY,
  SANDBOX_CLIENT_ID,
} from '../../../src/server/sandbox/index.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads MX bodies loosely
}

/** A raw HTTP request: the path goes on the wire exactly as written (no URL normalisation by a client library). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function listen(fetch: FetchApp['fetch']): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer(toNodeHandler({ fetch }));
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port }));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const AGGREGATION_MS = 1_000;
let time = 1_800_000_000_000;
const now = () => time;

const sandbox = createSandbox({
  now,
  aggregationMs: AGGREGATION_MS,
  // The delay fault institution then never answers: the proxy's own deadline must end the request.
  sleep: () => new Promise<void>(() => undefined),
});
const sandboxPaths: string[] = [];
const tokens = createSessionTokens({ secret: 'loopback-secret-0123456789-abcdefghijk', now });
const cookieSessions = new Map<string, string>();
const logs: ProxyLogEntry[] = [];
const printed: string[] = [];
const servers: Server[] = [];
let sandboxPort = 0;
let proxyPort = 0;
let fastTimeoutProxyPort = 0;
let nodeTransportProxyPort = 0;
const nodeTransport = createNodeTransport({ maxSockets: 4 });

async function startProxy(overrides: Partial<ConnectProxyOptions> = {}): Promise<number> {
  const proxy = createConnectProxy({
    baseUrl: `http://127.0.0.1:${sandboxPort}`,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    // Bearer token (iframe) or cookie session (same-origin page), like a partner backend would do it.
    authenticate: async (request) => {
      const bearer = await bearerAuthenticate(tokens)(request);
      if (bearer !== null) return bearer;
      const sid = /(?:^|;\s*)sid=([A-Za-z0-9-]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
      return sid === undefined ? null : cookieSessions.get(sid);
    },
    logger: (entry) => logs.push(entry),
    now,
    rateLimit: { createMember: { limit: 25, windowMs: 60 * 60_000 } },
    ...overrides,
  });
  const { server, port } = await listen(proxy.fetch);
  servers.push(server);
  return port;
}

async function createUser(): Promise<string> {
  const reply = await send(
    sandboxPort,
    'POST',
    '/users',
    {
      Authorization: `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`,
      Accept: 'application/vnd.mx.api.v1+json',
      'Content-Type': 'application/json',
    },
    JSON.stringify({ user: { metadata: 'loopback test' } }),
  );
  expect(reply.status).toBe(200);
  return reply.json().user.guid as string;
}

/** A widget request to the proxy as `user` (Bearer token), or with exactly the given headers when `user` is null. */
async function widget(
  user: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  port = proxyPort,
): Promise<Reply> {
  const all: Record<string, string> = { 'X-Member-Connect': '1', ...headers };
  if (user !== null) all.Authorization = `Bearer ${await tokens.issue(user)}`;
  if (body !== undefined) all['Content-Type'] = 'application/json';
  return send(port, method, path, all, body === undefined ? undefined : JSON.stringify(body));
}

async function createMember(user: string, password: string, institution = 'mxbank'): Promise<Reply> {
  return widget(user, 'POST', '/members', {
    member: {
      institution_code: institution,
      credentials: [
        {
          guid: institution === 'mxbank' ? MXBANK_LOGIN_GUID : await credentialGuid(user, institution, 'LOGIN'),
          value: 'mxuser',
        },
        {
          guid: institution === 'mxbank' ? MXBANK_PASSWORD_GUID : await credentialGuid(user, institution, 'PASSWORD'),
          value: password,
        },
      ],
    },
    referral_source: 'BROWSER',
  });
}

async function credentialGuid(user: string, institution: string, fieldName: string): Promise<string> {
  const reply = await widget(user, 'GET', `/institutions/${institution}/credentials`);
  expect(reply.status).toBe(200);
  const found = (reply.json().credentials as { guid: string; field_name: string }[]).find(
    (c) => c.field_name === fieldName,
  );
  return found?.guid ?? '';
}

/** Advances the shared clock and polls status until `done`, as the widget would (the sandbox needs no timers). */
async function pollUntil(
  user: string,
  memberGuid: string,
  done: (status: { connection_status: string; is_being_aggregated: boolean }) => boolean,
) {
  for (let i = 0; i < 20; i += 1) {
    const reply = await widget(user, 'GET', `/members/${memberGuid}/status`);
    expect(reply.status).toBe(200);
    const status = reply.json().member;
    if (done(status)) return status;
    time += AGGREGATION_MS;
  }
  throw new Error('member never reached the expected status');
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(format(...args));
    });
  }
  const upstream = await listen((request) => {
    sandboxPaths.push(new URL(request.url).pathname);
    return sandbox.fetch(request);
  });
  servers.push(upstream.server);
  sandboxPort = upstream.port;
  proxyPort = await startProxy();
  fastTimeoutProxyPort = await startProxy({ timeoutMs: 300 });
  nodeTransportProxyPort = await startProxy({ transport: nodeTransport });
});

afterAll(async () => {
  nodeTransport.close();
  await Promise.all(servers.map(close));
  vi.restoreAllMocks();
});

describe('proxy + sandbox over loopback HTTP', () => {
  it('connects MX Bank with MFA end to end, and nothing it logs or prints holds the password or the answer', async () => {
    const uniquePassword = `pw-${crypto.randomUUID()}`;
    const uniqueAnswer = `answer-${crypto.randomUUID()}`;
    const alice = await createUser();
    const logStart = logs.length;

    const search = await widget(alice, 'GET', '/institutions?name=mx%20bank&records_per_page=25');
    expect(search.status).toBe(200);
    expect(search.json().institutions.map((i: { code: string }) => i.code)).toContain('mxbank');
    expect((await widget(alice, 'GET', '/institutions/favorites')).status).toBe(200);
    expect((await widget(alice, 'GET', '/institutions/mxbank')).json().institution.code).toBe('mxbank');
    const fields = (await widget(alice, 'GET', '/institutions/mxbank/credentials')).json().credentials;
    expect(fields.map((f: { guid: string }) => f.guid)).toEqual([MXBANK_LOGIN_GUID, MXBANK_PASSWORD_GUID]);

    // A unique password (no MFA) connects.
    const first = await createMember(alice, uniquePassword);
    expect(first.status).toBe(202);
    const firstGuid = first.json().member.guid as string;
    expect(
      await pollUntil(alice, firstGuid, (s) => s.connection_status === 'CONNECTED' && !s.is_being_aggregated),
    ).toBeTruthy();

    // `challenge` asks a question; a unique wrong answer is rejected, then `correct` connects.
    const second = await createMember(alice, 'challenge');
    expect(second.status).toBe(202);
    const memberGuid = second.json().member.guid as string;
    await pollUntil(alice, memberGuid, (s) => s.connection_status === 'CHALLENGED');
    let challenges = await widget(alice, 'GET', `/members/${memberGuid}/challenges`);
    expect(challenges.status).toBe(200);
    let challengeGuid = challenges.json().challenges[0].guid as string;
    const wrong = await widget(alice, 'PUT', `/members/${memberGuid}/resume`, {
      member: { challenges: [{ guid: challengeGuid, value: uniqueAnswer }] },
    });
    expect(wrong.status).toBe(202);
    await pollUntil(alice, memberGuid, (s) => s.connection_status === 'REJECTED');

    const again = await widget(alice, 'POST', `/members/${memberGuid}/aggregate`);
    expect(again.status).toBe(202);
    await pollUntil(alice, memberGuid, (s) => s.connection_status === 'CHALLENGED');
    challenges = await widget(alice, 'GET', `/members/${memberGuid}/challenges`);
    challengeGuid = challenges.json().challenges[0].guid as string;
    const right = await widget(alice, 'PUT', `/members/${memberGuid}/resume`, {
      member: { challenges: [{ guid: challengeGuid, value: 'correct' }] },
    });
    expect(right.status).toBe(202);
    const connected = await pollUntil(
      alice,
      memberGuid,
      (s) => s.connection_status === 'CONNECTED' && !s.is_being_aggregated,
    );
    expect(connected.connection_status).toBe('CONNECTED');
    expect((await widget(alice, 'GET', `/members/${memberGuid}/challenges`)).status).toBe(204);

    const flowLogs = logs.slice(logStart);
    expect(flowLogs.length).toBeGreaterThan(10);
    for (const entry of flowLogs) {
      expect(entry.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(entry.route.startsWith('/')).toBe(true);
      expect(entry.userHash).toMatch(/^[0-9a-f]{16}$/);
    }
    const everything = JSON.stringify(logs) + printed.join('\n');
    for (const secret of [uniquePassword, uniqueAnswer, alice, 'mx%20bank']) expect(everything).not.toContain(secret);
    // The upstream saw the answer (REJECTED proves it), so the absence above is redaction, not a missing value.
    expect(sandboxPaths.filter((p) => p.endsWith('/resume'))).toHaveLength(2);
  });

  it('connects MX Bank and lists its accounts through createNodeTransport, with no user guid in any answer', async () => {
    const user = await createUser();
    const created = await widget(
      user,
      'POST',
      '/members',
      {
        member: {
          institution_code: 'mxbank',
          credentials: [
            { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
            { guid: MXBANK_PASSWORD_GUID, value: `pw-${crypto.randomUUID()}` },
          ],
        },
      },
      {},
      nodeTransportProxyPort,
    );
    expect(created.status).toBe(202);
    const guid = created.json().member.guid as string;
    let status = '';
    for (let i = 0; i < 20 && status !== 'CONNECTED'; i += 1) {
      time += AGGREGATION_MS;
      const reply = await widget(user, 'GET', `/members/${guid}/status`, undefined, {}, nodeTransportProxyPort);
      expect(reply.text).not.toContain(user);
      status = reply.json().member.connection_status as string;
    }
    expect(status).toBe('CONNECTED');
    time += 10 * AGGREGATION_MS;
    const accounts = await widget(user, 'GET', `/members/${guid}/accounts`, undefined, {}, nodeTransportProxyPort);
    expect(accounts.status).toBe(200);
    expect(accounts.json().accounts.length).toBeGreaterThan(0);
    expect(accounts.text).not.toContain(user);
  });

  it('serves the remaining routes: list, read, update, delete and the OAuth window', async () => {
    const user = await createUser();
    const created = await createMember(user, `pw-${crypto.randomUUID()}`);
    const guid = created.json().member.guid as string;
    const list = await widget(user, 'GET', '/members?page=1&records_per_page=10');
    expect(list.status).toBe(200);
    expect(list.json().members.map((m: { guid: string }) => m.guid)).toEqual([guid]);
    expect((await widget(user, 'GET', `/members/${guid}`)).json().member.guid).toBe(guid);
    const updated = await widget(user, 'PUT', `/members/${guid}`, {
      member: {
        credentials: [{ guid: MXBANK_PASSWORD_GUID, value: `pw-${crypto.randomUUID()}` }],
        skip_aggregation: true,
      },
    });
    expect(updated.status).toBe(200);

    const oauth = await widget(user, 'POST', '/members', {
      member: { institution_code: 'mx_bank_oauth', is_oauth: true },
      referral_source: 'BROWSER',
    });
    expect(oauth.status).toBe(202);
    const oauthGuid = oauth.json().member.guid as string;
    const windowUri = await widget(user, 'GET', `/members/${oauthGuid}/oauth_window_uri?referral_source=BROWSER`);
    expect(windowUri.status).toBe(200);
    expect(windowUri.json().member.oauth_window_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\//);

    expect((await widget(user, 'DELETE', `/members/${guid}`)).status).toBe(204);
    expect((await widget(user, 'GET', `/members/${guid}`)).status).toBe(404);
  });

  it('scopes members by user: another user can neither read nor change them', async () => {
    const alice = await createUser();
    const bob = await createUser();
    const created = await createMember(alice, `pw-${crypto.randomUUID()}`);
    const guid = created.json().member.guid as string;
    const attempts = [
      ['GET', `/members/${guid}`, undefined],
      ['GET', `/members/${guid}/status`, undefined],
      ['GET', `/members/${guid}/challenges`, undefined],
      ['GET', `/members/${guid}/oauth_window_uri`, undefined],
      ['PUT', `/members/${guid}`, { member: { skip_aggregation: true } }],
      ['PUT', `/members/${guid}/resume`, { member: { challenges: [{ guid: 'CRD-1', value: 'correct' }] } }],
      ['POST', `/members/${guid}/aggregate`, undefined],
      ['DELETE', `/members/${guid}`, undefined],
    ] as const;
    for (const [method, path, body] of attempts) {
      const reply = await widget(bob, method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.text).not.toContain(alice);
    }
    // Smuggling Alice's guid in does not help either.
    expect((await widget(bob, 'GET', `/members?user_guid=${alice}`)).status).toBe(400);
    expect(
      (await widget(bob, 'GET', `/members/${guid}%2F..%2F..%2F..%2Fusers%2F${alice}%2Fmembers%2F${guid}`)).status,
    ).toBe(400);
    expect((await widget(bob, 'GET', `/users/${alice}/members/${guid}`)).status).toBe(404);
    expect((await widget(bob, 'GET', '/members')).json().members).toEqual([]);
    // Alice's member is untouched.
    const still = await widget(alice, 'GET', `/members/${guid}`);
    expect(still.status).toBe(200);
    expect(still.json().member.guid).toBe(guid);
  });

  it('refuses malformed, hostile and unauthenticated requests before they reach MX', async () => {
    const user = await createUser();
    const token = await tokens.issue(user);
    const auth = { 'X-Member-Connect': '1', Authorization: `Bearer ${token}` };
    const json = { ...auth, 'Content-Type': 'application/json' };
    const tampered = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const cases: [string, string, Record<string, string>, string | undefined, number][] = [
      ['GET', '/users', auth, undefined, 404],
      ['GET', `/users/${user}/members`, auth, undefined, 404],
      ['GET', '/institutions/mxbank/nope', auth, undefined, 404],
      ['PATCH', '/members', auth, undefined, 405],
      ['DELETE', '/institutions', auth, undefined, 405],
      ['GET', '/members/MBR-1/resume', auth, undefined, 405],
      ['GET', '/institutions/mx.bank', auth, undefined, 400],
      ['GET', '/institutions/..%2F..%2Fusers', auth, undefined, 400],
      ['GET', '/members/%2e%2e%2fusers/status', auth, undefined, 400],
      ['GET', '/members/MBR-1%0d%0aX-Injected:%201', auth, undefined, 400],
      ['GET', '/institutions?name=mx%0d%0aSet-Cookie:%20a=b', auth, undefined, 400],
      ['GET', '/institutions?search_name=mx', auth, undefined, 400],
      ['GET', `/members?user_guid=${user}`, auth, undefined, 400],
      ['POST', '/members', json, '{"member":{"institution_code":"mxbank","user_guid":"USR-x"}}', 400],
      ['POST', '/members', json, '{"member":{"institution_code":"mxbank","__proto__":{"a":1}}}', 400],
      ['POST', '/members', json, '{"member":{"institution_code":"mxbank","constructor":{"prototype":{"a":1}}}}', 400],
      ['POST', '/members', json, '{"member":{"institution_code":["mxbank"]}}', 400],
      ['POST', '/members', { ...auth, 'Content-Type': 'text/plain' }, '{"member":{"institution_code":"mxbank"}}', 415],
      [
        'POST',
        '/members',
        json,
        JSON.stringify({
          member: { institution_code: 'mxbank', credentials: [{ guid: 'CRD-1', value: 'x'.repeat(40_000) }] },
        }),
        413,
      ],
      ['GET', '/members', { 'X-Member-Connect': '1' }, undefined, 401],
      ['GET', '/members', { 'X-Member-Connect': '1', Authorization: `Bearer ${tampered}` }, undefined, 401],
      [
        'GET',
        '/members',
        { 'X-Member-Connect': '1', Authorization: 'Bearer mc1.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        undefined,
        401,
      ],
      ['GET', '/members', { Authorization: `Bearer ${token}` }, undefined, 403],
    ];
    const before = sandboxPaths.length;
    for (const [method, path, headers, body, status] of cases) {
      const reply = await send(proxyPort, method, path, headers, body);
      expect(reply.status, `${method} ${path}`).toBe(status);
      expect(reply.headers['x-request-id'], `${method} ${path}`).toBeTruthy();
      if (method !== 'HEAD') expect(reply.json().error.message, `${method} ${path}`).toEqual(expect.any(String));
    }
    expect(sandboxPaths.slice(before)).toEqual([]);
  });

  it('refuses an expired token and a cookie request from a foreign Origin', async () => {
    const user = await createUser();
    const token = await tokens.issue(user);
    cookieSessions.set('session-1', user);
    const cookie = { 'X-Member-Connect': '1', Cookie: 'sid=session-1' };
    expect((await send(proxyPort, 'GET', '/members', cookie)).status).toBe(200);
    expect(
      (await send(proxyPort, 'GET', '/members', { ...cookie, Origin: `http://127.0.0.1:${proxyPort}` })).status,
    ).toBe(200);
    const foreign = await send(proxyPort, 'GET', '/members', { ...cookie, Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await send(proxyPort, 'OPTIONS', '/members', {
      Origin: 'https://evil.example',
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'x-member-connect',
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();

    const bearer = { 'X-Member-Connect': '1', Authorization: `Bearer ${token}` };
    expect((await send(proxyPort, 'GET', '/members', bearer)).status).toBe(200);
    time += 600_000;
    expect((await send(proxyPort, 'GET', '/members', bearer)).status).toBe(401);
  });

  it('turns sandbox faults into 429 with Retry-After, 502, 503 and 504, with generic messages', async () => {
    const user = await createUser();
    const limited = await createMember(user, 'pw', 'fault_429_bank');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('5');
    const crashed = await createMember(user, 'pw', 'fault_500_bank');
    expect(crashed.status).toBe(502);
    expect(crashed.json().error.message).not.toMatch(/sandbox/i);
    expect((await createMember(user, 'pw', 'fault_503_bank')).status).toBe(503);
    const dropped = await createMember(user, 'pw', 'fault_drop_bank');
    expect(dropped.status).toBe(502);
    expect(dropped.json()).toEqual({
      error: { message: 'The bank connection service could not be reached. Please try again.' },
    });
    expect((await createMember(user, 'pw', 'fault_malformed_bank')).status).toBe(502);
    const credentials = await Promise.all([
      credentialGuid(user, 'fault_delay_bank', 'LOGIN'),
      credentialGuid(user, 'fault_delay_bank', 'PASSWORD'),
    ]);
    const slow = await widget(
      user,
      'POST',
      '/members',
      {
        member: {
          institution_code: 'fault_delay_bank',
          credentials: credentials.map((guid) => ({ guid, value: 'x' })),
        },
      },
      {},
      fastTimeoutProxyPort,
    );
    expect(slow.status).toBe(504);
    for (const reply of [limited, crashed, dropped, slow]) {
      for (const name of ['set-cookie', 'server', 'x-powered-by']) expect(reply.headers[name]).toBeUndefined();
    }
  });

  it('rate-limits member creation per user over HTTP', async () => {
    const port = await startProxy({
      rateLimit: { createMember: { limit: 2, windowMs: 60_000 }, search: { limit: 100, windowMs: 60_000 } },
    });
    const user = await createUser();
    const other = await createUser();
    const body = (n: number) => ({
      member: {
        institution_code: 'mxbank',
        credentials: [
          { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
          { guid: MXBANK_PASSWORD_GUID, value: `pw-${n}` },
        ],
      },
    });
    expect((await widget(user, 'POST', '/members', body(1), {}, port)).status).toBe(202);
    expect((await widget(user, 'POST', '/members', body(2), {}, port)).status).toBe(202);
    const third = await widget(user, 'POST', '/members', body(3), {}, port);
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect((await widget(user, 'GET', '/institutions?name=mx', undefined, {}, port)).status).toBe(200);
    expect((await widget(other, 'POST', '/members', body(4), {}, port)).status).toBe(202);
  });

  it('works behind a Node request listener mounted under a prefix, the way Express mounts it', async () => {
    const proxy = createConnectProxy({
      baseUrl: `http://127.0.0.1:${sandboxPort}`,
      clientId: SANDBOX_CLIENT_ID,
      apiKey: SANDBOX_API_KEY,
      authenticate: bearerAuthenticate(tokens),
    });
    const listener = getRequestListener(proxy.fetch);
    // What `app.use('/api/connect', listener)` does in Express: strip the mount path from req.url, then call through.
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/api/connect/')) {
        req.url = req.url.slice('/api/connect'.length);
        void listener(req, res);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const user = await createUser();
      const reply = await widget(user, 'GET', '/api/connect/institutions/mxbank', undefined, {}, port);
      expect(reply.status).toBe(200);
      expect(reply.json().institution.code).toBe('mxbank');
      const sameOrigin = await widget(
        user,
        'GET',
        '/api/connect/members',
        undefined,
        { Origin: `http://127.0.0.1:${port}` },
        port,
      );
      expect(sameOrigin.status).toBe(200);
      expect((await widget(user, 'GET', '/api/connect/nope', undefined, {}, port)).status).toBe(404);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
