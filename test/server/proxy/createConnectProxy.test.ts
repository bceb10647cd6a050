import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';

import type { ProxyLogEntry } from '../../../src/server/index.ts';
import { createConnectProxy } from '../../../src/server/index.ts';
import { ALICE, API_KEY, BASE_URL, BOB, CLIENT_ID, createKit, json, MEMBER } from './proxyTestKit.ts';

const CREDENTIALS = [
  { guid: 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1', value: 'mxuser' },
  { guid: 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d', value: 'hunter2-secret' },
];

// Every widget-facing route, with the upstream request it must become.
const ROUTES = [
  [
    'GET',
    '/institutions?name=mx%20bank&page=2&records_per_page=25',
    undefined,
    '/institutions',
    'name=mx+bank&page=2&records_per_page=25',
  ],
  [
    'GET',
    '/institutions/favorites?iso_country_code=US&iso_country_code=CA',
    undefined,
    '/institutions/favorites',
    'iso_country_code=US&iso_country_code=CA',
  ],
  ['GET', '/institutions/mxbank', undefined, '/institutions/mxbank', ''],
  ['GET', '/institutions/mx_bank_oauth/credentials', undefined, '/institutions/mx_bank_oauth/credentials', ''],
  ['GET', '/members?page=1', undefined, `/users/${ALICE}/members`, 'page=1'],
  [
    'POST',
    '/members',
    {
      member: { institution_code: 'mxbank', credentials: CREDENTIALS, skip_aggregation: false },
      referral_source: 'BROWSER',
    },
    `/users/${ALICE}/members`,
    '',
  ],
  ['GET', `/members/${MEMBER}`, undefined, `/users/${ALICE}/members/${MEMBER}`, ''],
  ['PUT', `/members/${MEMBER}`, { member: { credentials: CREDENTIALS } }, `/users/${ALICE}/members/${MEMBER}`, ''],
  ['DELETE', `/members/${MEMBER}`, undefined, `/users/${ALICE}/members/${MEMBER}`, ''],
  ['GET', `/members/${MEMBER}/status`, undefined, `/users/${ALICE}/members/${MEMBER}/status`, ''],
  ['GET', `/members/${MEMBER}/challenges`, undefined, `/users/${ALICE}/members/${MEMBER}/challenges`, ''],
  [
    'PUT',
    `/members/${MEMBER}/resume`,
    { member: { challenges: [{ guid: 'CRD-1234', value: 'correct' }] } },
    `/users/${ALICE}/members/${MEMBER}/resume`,
    '',
  ],
  ['POST', `/members/${MEMBER}/aggregate`, undefined, `/users/${ALICE}/members/${MEMBER}/aggregate`, ''],
  [
    'GET',
    `/members/${MEMBER}/oauth_window_uri?referral_source=BROWSER`,
    undefined,
    `/users/${ALICE}/members/${MEMBER}/oauth_window_uri`,
    'referral_source=BROWSER',
  ],
] as const;

describe('createConnectProxy routes', () => {
  it.each(ROUTES)(
    '%s %s goes upstream with the authenticated user, Basic auth and the MX Accept header',
    async (method, path, body, upstreamPath, upstreamQuery) => {
      const { call, calls } = createKit();
      const response = await call(path, { method, body });
      expect(response.status).toBe(200);
      // The recording upstream answers `{ ok, path }`: no field of any route's response allow-list, so nothing passes.
      expect(await response.json()).toEqual({});
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(calls).toHaveLength(1);
      const [upstream] = calls;
      expect(upstream?.method).toBe(method);
      expect(`${upstream?.url.origin}${upstream?.url.pathname}`).toBe(`${BASE_URL}${upstreamPath}`);
      expect(upstream?.url.search.replace(/^\?/, '')).toBe(upstreamQuery);
      expect(upstream?.headers.get('authorization')).toBe(`Basic ${btoa(`${CLIENT_ID}:${API_KEY}`)}`);
      expect(upstream?.headers.get('accept')).toBe('application/vnd.mx.api.v1+json');
      // Nothing of the browser's request is forwarded: not its token, cookies or custom header.
      expect([...(upstream?.headers.keys() ?? [])].sort()).toEqual(
        body === undefined ? ['accept', 'authorization'] : ['accept', 'authorization', 'content-type'],
      );
      expect(upstream?.body === null ? undefined : JSON.parse(upstream?.body ?? '')).toEqual(body);
    },
  );

  it('passes through MX success statuses and bodies (202 on create, 204 without challenges)', async () => {
    const { call } = createKit({}, ({ url }) =>
      url.pathname.endsWith('/challenges')
        ? new Response(null, { status: 204 })
        : json({ member: { guid: MEMBER } }, 202),
    );
    const created = await call('/members', {
      method: 'POST',
      body: { member: { institution_code: 'mxbank', credentials: CREDENTIALS } },
    });
    expect(created.status).toBe(202);
    expect(await created.json()).toEqual({ member: { guid: MEMBER } });
    const none = await call(`/members/${MEMBER}/challenges`);
    expect(none.status).toBe(204);
    expect(await none.text()).toBe('');
  });

  it('gives success answers (built with their headers at once) and refusals the same common headers', async () => {
    const origin = 'https://app.partner.test';
    const { call } = createKit({ allowedOrigins: [origin] }, () => json({ institution: { code: 'mxbank' } }));
    const common = (response: Response) =>
      Object.fromEntries(
        [
          'cache-control',
          'vary',
          'referrer-policy',
          'x-content-type-options',
          'x-frame-options',
          'access-control-allow-origin',
          'access-control-expose-headers',
        ].map((name) => [name, response.headers.get(name)]),
      );
    const expected = {
      'cache-control': 'no-store',
      vary: 'Origin',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'access-control-allow-origin': origin,
      'access-control-expose-headers': 'X-Request-Id, Retry-After, X-Member-Connect-Stream',
    };
    const success = await call('/institutions/mxbank', { headers: { Origin: origin } });
    expect(success.status).toBe(200);
    expect(success.headers.get('content-type')).toBe('application/json');
    expect(common(success)).toEqual(expected);
    const refused = await call('/institutions/MX!', { headers: { Origin: origin } });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(common(refused)).toEqual(expected);
    for (const response of [success, refused]) expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['/users'],
    [`/users/${BOB}/members`],
    ['/institutions/'],
    [`/members/${MEMBER}/credentials`],
    // Verification mode has POST …/verify; the account and routing numbers never have a route.
    [`/members/${MEMBER}/account_numbers`],
    ['/widget_urls'],
    ['/'],
  ])('answers 404 for %s without calling MX', async (path) => {
    const { call, calls } = createKit();
    const response = await call(path);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { message: 'Not found.' } });
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['DELETE', '/institutions', 'GET'],
    ['POST', '/institutions/mxbank', 'GET'],
    ['PUT', '/members', 'GET, POST'],
    ['POST', `/members/${MEMBER}/status`, 'GET'],
    ['GET', `/members/${MEMBER}/resume`, 'PUT'],
    ['GET', `/members/${MEMBER}/aggregate`, 'POST'],
    ['PATCH', `/members/${MEMBER}`, 'GET, POST, PUT, DELETE'],
  ])('answers 405 to %s %s with Allow: %s', async (method, path, allow) => {
    const { call, calls } = createKit();
    const response = await call(path, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(calls).toHaveLength(0);
  });

  it('answers 405 to HEAD instead of running the GET handler upstream', async () => {
    const { call, calls } = createKit();
    const response = await call('/institutions', { method: 'HEAD' });
    expect(response.status).toBe(405);
    expect(calls).toHaveLength(0);
  });
});

describe('path parameters', () => {
  it.each([
    '/institutions/mx.bank',
    '/institutions/mx%20bank',
    '/institutions/..%2Fusers',
    '/institutions/%2e%2e%2fusers/credentials',
    '/institutions/mxbank%0d%0aX-Injected:%201',
    `/institutions/${'a'.repeat(101)}`,
    '/members/USR-11111111',
    '/members/mbr-123',
    '/members/MBR-',
    '/members/MBR-1%2F..%2F..%2Fusers',
    '/members/MBR-1%0d%0aSet-Cookie:%20x=y/status',
    '/members/..%2F..%2Fusers%2FUSR-22222222-bbbb-4bbb-8bbb-222222222222%2Fmembers',
    '/members/%2e%2e%2f%2e%2e%2fusers/status',
    '/members/MBR-1;x=y/challenges',
  ])('refuses %s with 400 and never calls MX', async (path) => {
    const { call, calls } = createKit();
    const response = await call(path);
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/Invalid path parameter/);
    expect(calls).toHaveLength(0);
  });

  it('never lets a dot-segment path reach another route or user', async () => {
    const { call, calls } = createKit();
    for (const path of [
      '/members/%2e%2e/%2e%2e/users/USR-22222222-bbbb-4bbb-8bbb-222222222222/members',
      '/members/../users/USR-22222222-bbbb-4bbb-8bbb-222222222222/members',
    ]) {
      const response = await call(path);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
    }
    expect(calls).toHaveLength(0);
    // URL parsing resolves `%2E%2E` segments before routing: this is just `/members`, Alice's own list.
    expect((await call('/institutions/%2E%2E/members')).status).toBe(200);
    expect(calls.map((c) => c.url.pathname)).toEqual([`/api/users/${ALICE}/members`]);
  });
});

describe('user_guid injection', () => {
  it('ignores every attempt to choose the user through the query, body, headers or path', async () => {
    const { call, calls } = createKit();
    const attempts = await Promise.all([
      call(`/members?user_guid=${BOB}`),
      call(`/members/${MEMBER}?user_guid=${BOB}`),
      call(`/members?user%5Fguid=${BOB}`),
      call('/members', { method: 'POST', body: { member: { institution_code: 'mxbank', user_guid: BOB } } }),
      call('/members', { method: 'POST', body: { member: { institution_code: 'mxbank' }, user_guid: BOB } }),
      call(`/members/${MEMBER}`, { method: 'PUT', body: { member: { user_guid: BOB, skip_aggregation: true } } }),
      call(`/users/${BOB}/members`),
      call(`/members/${MEMBER}%2F..%2F..%2F${BOB}%2Fmembers`),
    ]);
    expect(attempts.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 404, 400]);
    // Headers are not an input at all: the request goes through as Alice's.
    const viaHeader = await call('/members', {
      headers: { 'X-User-Guid': BOB, 'X-MX-User-Guid': BOB, Cookie: `user_guid=${BOB}` },
    });
    expect(viaHeader.status).toBe(200);
    expect(calls.map((c) => c.url.pathname)).toEqual([`/api/users/${ALICE}/members`]);
  });

  it('refuses (500) when authenticate returns something that is not a user guid', async () => {
    for (const bad of [`${ALICE}/../${BOB}`, 'USR-1%2F..', 'USR-1\r\nX: y', 42 as unknown as string]) {
      const { call, calls, logs } = createKit({ authenticate: () => bad });
      const response = await call('/members', { user: null });
      expect(response.status).toBe(500);
      expect(JSON.stringify(await response.json())).not.toContain('USR-1');
      expect(logs[0]?.reason).toBe('invalid_user_guid');
      expect(calls).toHaveLength(0);
    }
  });
});

describe('query parameters', () => {
  it.each([
    ['/institutions?name=mx&foo=1', /Unexpected query parameter `foo`/],
    ['/institutions?name=a&name=b', /more than once/],
    ['/institutions?page=0', /Invalid query parameter `page`/],
    ['/institutions?page=-1', /Invalid query parameter `page`/],
    ['/institutions?records_per_page=abc', /records_per_page/],
    ['/institutions?supports_oauth=true', /Unexpected query parameter `supports_oauth`/],
    ['/institutions?supports_account_verification=yes', /supports_account_verification/],
    ['/institutions?iso_country_code=usa', /iso_country_code/],
    ['/institutions?name=mx%0d%0aX-Injected:%201', /Invalid query parameter `name`/],
    ['/institutions?name=mx%00', /Invalid query parameter `name`/],
    [`/institutions?name=${'a'.repeat(101)}`, /Invalid query parameter `name`/],
    ['/institutions?__proto__=x', /Unexpected query parameter `__proto__`/],
    ['/institutions?constructor=x', /Unexpected query parameter `constructor`/],
    ['/institutions/favorites?name=mx', /Unexpected query parameter `name`/],
    ['/institutions/mxbank?page=1', /Unexpected query parameter `page`/],
    [`/members/${MEMBER}/status?records_per_page=10`, /Unexpected query parameter/],
    [`/members/${MEMBER}/oauth_window_uri?referral_source=APP`, /referral_source/],
    [`/members/${MEMBER}/oauth_window_uri?client_redirect_url=https://evil.test`, /client_redirect_url/],
    [`/institutions?${'page=1&'.repeat(400)}`, /too long|more than once/],
  ])('refuses %s with 400', async (path, message) => {
    const { call, calls } = createKit();
    const response = await call(path);
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(message);
    expect(calls).toHaveLength(0);
  });

  it('passes the allowed filters through, re-encoded', async () => {
    const { call, calls } = createKit();
    const response = await call(
      '/institutions?name=Caf%C3%A9%20%26%20Bank&supports_account_verification=true&supports_transaction_history=false&iso_country_code=US',
    );
    expect(response.status).toBe(200);
    const search = calls[0]?.url.searchParams;
    expect(search?.get('name')).toBe('Café & Bank');
    expect(search?.get('supports_account_verification')).toBe('true');
    expect(search?.get('iso_country_code')).toBe('US');
  });

  it('reads the query only up to a fragment, and forwards none for a bare `?`', async () => {
    const { proxy, call, calls, tokens } = createKit();
    const headers = { 'X-Member-Connect': '1', Authorization: `Bearer ${await tokens.issue(ALICE)}` };
    const withFragment = await proxy.request(
      new Request('http://proxy.test/institutions?name=mx#page=0&foo=1', { headers }),
    );
    expect(withFragment.status).toBe(200);
    expect(calls[0]?.url.search).toBe('?name=mx');
    expect((await call('/institutions?')).status).toBe(200);
    expect(calls[1]?.url.search).toBe('');
    expect(calls[1]?.url.href).toBe(`${BASE_URL}/institutions`);
  });
});

describe('request bodies', () => {
  const create = (member: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    method: 'POST',
    body: { member: { institution_code: 'mxbank', ...member }, ...extra },
  });

  it.each([
    ['an unexpected member field', create({ is_manual: true }), /unexpected field `member.is_manual`/],
    [
      'an unexpected top-level field',
      create({}, { client_redirect_url: 'https://evil.test' }),
      /unexpected field `client_redirect_url`/,
    ],
    [
      'an unexpected credential field',
      create({ credentials: [{ ...CREDENTIALS[0], label: 'x' }] }),
      /unexpected field `member.credentials\[0\].label`/,
    ],
    ['`id` when the partner did not allow it', create({ id: 'partner-1' }), /unexpected field `member.id`/],
    ['`metadata` when the partner did not allow it', create({ metadata: 'x' }), /unexpected field `member.metadata`/],
    ['referral_source APP', create({}, { referral_source: 'APP' }), /referral_source/],
    ['a numeric institution code', create({ institution_code: 42 }), /member.institution_code/],
    ['an institution code with a slash', create({ institution_code: '../users' }), /member.institution_code/],
    ['a string skip_aggregation', create({ skip_aggregation: 'yes' }), /member.skip_aggregation/],
    ['credentials as an object', create({ credentials: { guid: 'CRD-1', value: 'x' } }), /member.credentials/],
    [
      'a numeric credential value',
      create({ credentials: [{ guid: 'CRD-1', value: 1234 }] }),
      /member.credentials\[0\].value/,
    ],
    [
      'a malformed credential guid',
      create({ credentials: [{ guid: 'x/../y', value: 'v' }] }),
      /member.credentials\[0\].guid/,
    ],
    [
      'too many credentials',
      create({ credentials: Array.from({ length: 51 }, () => CREDENTIALS[0]) }),
      /member.credentials/,
    ],
    ['no member at all', { method: 'POST', body: { institution_code: 'mxbank' } }, /unexpected field|member/],
    ['an array body', { method: 'POST', body: [] }, /member/],
    ['a JSON string body', { method: 'POST', body: 'mxbank' }, /body/],
    [
      'an empty body',
      { method: 'POST', rawBody: '', headers: { 'Content-Type': 'application/json' } },
      /a JSON body is required/,
    ],
    [
      'invalid JSON',
      { method: 'POST', rawBody: '{"member":', headers: { 'Content-Type': 'application/json' } },
      /not valid JSON/,
    ],
  ])('refuses a create body with %s (400)', async (_name, init, message) => {
    const { call, calls } = createKit();
    const response = await call('/members', init);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text).error.message).toMatch(message);
    // Values are never echoed, only where the problem is.
    expect(text).not.toContain('hunter2');
    expect(calls).toHaveLength(0);
  });

  it.each([
    '{"member":{"institution_code":"mxbank","__proto__":{"admin":true}}}',
    '{"__proto__":{"admin":true},"member":{"institution_code":"mxbank"}}',
    '{"member":{"institution_code":"mxbank","constructor":{"prototype":{"admin":true}}}}',
    '{"member":{"institution_code":"mxbank","credentials":[{"guid":"CRD-1","value":"v","prototype":1}]}}',
  ])('refuses prototype-pollution keys (%#) and pollutes nothing', async (raw) => {
    const { call, calls } = createKit();
    const response = await call('/members', {
      method: 'POST',
      rawBody: raw,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['text/plain', '{"member":{"institution_code":"mxbank"}}'],
    ['application/x-www-form-urlencoded', 'member[institution_code]=mxbank'],
    ['multipart/form-data; boundary=x', '--x--'],
    ['', '{"member":{"institution_code":"mxbank"}}'],
    ['application/json; charset=latin1', '{"member":{"institution_code":"mxbank"}}'],
  ])('refuses a %s body with 415', async (contentType, raw) => {
    const { call, calls } = createKit();
    const response = await call('/members', { method: 'POST', rawBody: raw, headers: { 'Content-Type': contentType } });
    expect(response.status).toBe(415);
    expect(calls).toHaveLength(0);
  });

  it('checks a declared Content-Length on GET requests too', async () => {
    const { call, calls } = createKit();
    expect((await call('/institutions', { headers: { 'Content-Length': '999999' } })).status).toBe(413);
    expect((await call('/institutions', { headers: { 'Content-Length': 'lots' } })).status).toBe(400);
    expect(calls).toHaveLength(0);
    expect((await call('/institutions', { headers: { 'Content-Length': '0' } })).status).toBe(200);
  });

  it('refuses an oversized body with 413, by declared length and while streaming', async () => {
    const { call, calls } = createKit();
    const big = JSON.stringify({
      member: { institution_code: 'mxbank', credentials: [{ guid: 'CRD-1', value: 'x'.repeat(20_000) }] },
    });
    const declared = await call('/members', {
      method: 'POST',
      rawBody: big,
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(big.length) },
    });
    expect(declared.status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        controller.close();
      },
    });
    const streamed = await createKit().proxy.request('http://proxy.test/members', {
      method: 'POST',
      headers: {
        'X-Member-Connect': '1',
        'Content-Type': 'application/json',
        Authorization: `Bearer ${await createKit().tokens.issue(ALICE)}`,
      },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const kit = createKit({ maxBodyBytes: 1024 });
    const chunked = await kit.proxy.request('http://proxy.test/members', {
      method: 'POST',
      headers: {
        'X-Member-Connect': '1',
        'Content-Type': 'application/json',
        Authorization: `Bearer ${await kit.tokens.issue(ALICE)}`,
      },
      body: new Blob([
        '{"member":{"institution_code":"mxbank","credentials":[{"guid":"CRD-1","value":"',
        'y'.repeat(2000),
        '"}]}}',
      ]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(calls).toHaveLength(0);
    expect(kit.calls).toHaveLength(0);
  });

  it('accepts an OAuth member with an empty credential list', async () => {
    const { call, calls } = createKit();
    const body = {
      member: { institution_code: 'mx_bank_oauth', credentials: [], is_oauth: true },
      referral_source: 'BROWSER',
    };
    expect((await call('/members', { method: 'POST', body })).status).toBe(200);
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual(body);
  });

  it('accepts partner `id` and `metadata` only when memberFields allows them', async () => {
    const { call, calls } = createKit({ memberFields: { id: true, metadata: true } });
    const response = await call('/members', {
      method: 'POST',
      body: { member: { institution_code: 'mxbank', id: 'p-1', metadata: '{"a":1}' } },
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({
      member: { institution_code: 'mxbank', id: 'p-1', metadata: '{"a":1}' },
    });
    const onlyId = createKit({ memberFields: { id: true } });
    expect(
      (
        await onlyId.call('/members', {
          method: 'POST',
          body: { member: { institution_code: 'mxbank', metadata: 'x' } },
        })
      ).status,
    ).toBe(400);
  });

  it.each([
    ['an empty member', { member: {} }, /must not be empty/],
    [
      'institution_code (cannot move a member)',
      { member: { institution_code: 'other' } },
      /unexpected field `member.institution_code`/,
    ],
    ['is_oauth', { member: { is_oauth: true } }, /unexpected field `member.is_oauth`/],
  ])('refuses an update with %s', async (_name, body, message) => {
    const { call, calls } = createKit();
    const response = await call(`/members/${MEMBER}`, { method: 'PUT', body });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(message);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['no challenges', { member: {} }],
    ['an empty challenge list', { member: { challenges: [] } }],
    ['an answer without guid', { member: { challenges: [{ value: 'correct' }] } }],
    ['a numeric answer', { member: { challenges: [{ guid: 'CRD-1', value: 7 }] } }],
    ['credentials instead', { member: { credentials: [{ guid: 'CRD-1', value: 'x' }] } }],
  ])('refuses a resume with %s', async (_name, body) => {
    const { call, calls } = createKit();
    expect((await call(`/members/${MEMBER}/resume`, { method: 'PUT', body })).status).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it('refuses a body on body-less routes, tolerating only `{}`', async () => {
    const { call, calls } = createKit();
    expect(
      (await call(`/members/${MEMBER}/aggregate`, { method: 'POST', body: { include_transactions: true } })).status,
    ).toBe(400);
    expect((await call(`/members/${MEMBER}`, { method: 'DELETE', body: { member: {} } })).status).toBe(400);
    expect(calls).toHaveLength(0);
    expect((await call(`/members/${MEMBER}/aggregate`, { method: 'POST', body: {} })).status).toBe(200);
    expect(calls[0]?.body).toBeNull();
  });
});

describe('CSRF, CORS and identity', () => {
  const cookieKit = (overrides = {}) =>
    createKit({
      authenticate: (request) => (request.headers.get('cookie') === 'session=alice' ? ALICE : null),
      ...overrides,
    });

  it('refuses a request without X-Member-Connect: 1 with a clear 403', async () => {
    const { call, calls } = createKit();
    for (const value of ['', '0', 'true']) {
      const response = await call('/institutions', { headers: { 'X-Member-Connect': value } });
      expect(response.status).toBe(403);
      expect((await response.json()).error.message).toBe('Missing the X-Member-Connect: 1 request header.');
    }
    expect(calls).toHaveLength(0);
  });

  it('refuses a cookie request from a foreign Origin, and serves the same origin', async () => {
    const { call, calls } = cookieKit();
    const foreign = await call('/members', {
      user: null,
      headers: { Cookie: 'session=alice', Origin: 'https://evil.test' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const opaque = await call('/members', { user: null, headers: { Cookie: 'session=alice', Origin: 'null' } });
    expect(opaque.status).toBe(403);
    expect(calls).toHaveLength(0);
    const same = await call('/members', {
      user: null,
      headers: { Cookie: 'session=alice', Origin: 'http://proxy.test' },
    });
    expect(same.status).toBe(200);
    const noOrigin = await call('/members', { user: null, headers: { Cookie: 'session=alice' } });
    expect(noOrigin.status).toBe(200);
  });

  it('keeps CORS closed by default: no preflight, no Access-Control headers', async () => {
    const { proxy, call } = createKit();
    const preflight = await proxy.request('http://proxy.test/institutions', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.partner.test',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'x-member-connect',
      },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const response = await call('/institutions', { headers: { Origin: 'https://app.partner.test' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('opens CORS to listed origins only', async () => {
    const { proxy, call } = createKit({ allowedOrigins: ['https://app.partner.test'] });
    const preflight = await proxy.request('http://proxy.test/members', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.partner.test',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, x-member-connect',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.partner.test');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Member-Connect/);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const extraHeader = await proxy.request('http://proxy.test/members', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.partner.test',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'x-user-guid',
      },
    });
    expect(extraHeader.status).toBe(403);
    const allowed = await call('/institutions', { headers: { Origin: 'https://app.partner.test' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.partner.test');
    expect(allowed.headers.get('access-control-expose-headers')).toMatch(/X-Request-Id/);
    const other = await call('/institutions', { headers: { Origin: 'https://app.partner.test.evil.test' } });
    expect(other.status).toBe(403);
  });

  it('answers 401 for missing, expired, tampered and foreign tokens', async () => {
    let now = 1_800_000_000_000;
    const { createSessionTokens, bearerAuthenticate } = await import('../../../src/server/index.ts');
    const tokens = createSessionTokens({
      secret: 'another-secret-0123456789-abcdefghijkl',
      ttlSeconds: 60,
      now: () => now,
    });
    const { call, calls } = createKit({ authenticate: bearerAuthenticate(tokens) });
    const valid = await tokens.issue(ALICE);
    const bearer = (token: string) => ({ user: null, headers: { Authorization: `Bearer ${token}` } });

    expect((await call('/members', { user: null })).status).toBe(401);
    expect((await call('/members', bearer(valid))).status).toBe(200);
    expect((await call('/members', bearer(`${valid.slice(0, 10)}x${valid.slice(11)}`))).status).toBe(401);
    expect((await call('/members', bearer(valid.slice(0, -1)))).status).toBe(401);
    // Signed with the kit's own secret, not this one.
    expect((await call('/members')).status).toBe(401);
    now += 60_000;
    const expired = await call('/members', bearer(valid));
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ error: { message: 'Not authenticated.' } });
    expect(calls).toHaveLength(1);
  });

  it('refuses unauthenticated callers before telling them anything about routes', async () => {
    const { call } = createKit();
    expect((await call('/no-such-route', { user: null })).status).toBe(401);
    expect((await call(`/members/not-a-guid`, { user: null })).status).toBe(401);
  });

  it('uses the status and message of an HTTPException thrown by authenticate, and hides other errors', async () => {
    const refusing = createKit({
      authenticate: () => {
        throw new HTTPException(401, { message: 'Session expired. Sign in again.' });
      },
    });
    const refused = await refusing.call('/members', { user: null });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { message: 'Session expired. Sign in again.' } });

    const broken = createKit({
      authenticate: () => {
        throw new Error('connect ECONNREFUSED 10.0.0.5:6379 (session store)');
      },
    });
    const failed = await broken.call('/members', { user: null });
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toMatch(/ECONNREFUSED|10\.0\.0\.5/);
    expect(broken.logs[0]?.reason).toBe('authenticate_failed');
  });
});

describe('upstream answers', () => {
  it('passes MX error statuses on as { error: { message } } only', async () => {
    const { call } = createKit({}, () =>
      json({ error: { message: 'Member already exists.', stack: 'at Foo (/srv/mx/app.rb:12)' }, internal: 'x' }, 409, {
        'Set-Cookie': 'mx_session=abc',
        Server: 'nginx/1.2.3',
        'X-Powered-By': 'Rails',
      }),
    );
    const response = await call('/members', {
      method: 'POST',
      body: { member: { institution_code: 'mxbank', credentials: CREDENTIALS } },
    });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: { message: 'This connection already exists.' } });
    for (const name of ['set-cookie', 'server', 'x-powered-by']) expect(response.headers.get(name)).toBeNull();
  });

  it('drops an upstream message that echoes a credential value', async () => {
    const { call } = createKit({}, ({ body }) => {
      const value = JSON.parse(body ?? '{}').member?.credentials?.[1]?.value as string;
      return json({ error: { message: `Password ${value} is not valid` } }, 400);
    });
    const response = await call('/members', {
      method: 'POST',
      body: { member: { institution_code: 'mxbank', credentials: CREDENTIALS } },
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain('hunter2-secret');
    expect(JSON.parse(text)).toEqual({
      error: { message: 'The bank connection service could not accept this request.' },
    });
  });

  it('turns MX refusing our API key into a 502, so the widget does not blame its own session', async () => {
    const { call, logs } = createKit({}, () => json({ error: { message: `Invalid client ${CLIENT_ID}` } }, 401));
    const response = await call('/institutions');
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain(CLIENT_ID);
    expect(logs[0]).toMatchObject({ status: 502, reason: 'upstream_refused_credentials', upstreamStatus: 401 });
  });

  it('passes a success body on as the same JSON value, typed application/json, with no MX header', async () => {
    const text =
      '{ "institutions": [ {"code": "mxbank", "name": "MX Bank \\u00e9"} ],\n  "pagination": {"total_entries": 1} }';
    const { call } = createKit(
      {},
      () =>
        new Response(text, {
          status: 200,
          headers: { 'Content-Type': 'application/vnd.mx.api.v1+json', 'X-Upstream': 'leak' },
        }),
    );
    const response = await call('/institutions');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-upstream')).toBeNull();
    expect(await response.json()).toEqual(JSON.parse(text));
  });

  it('answers 502 for malformed JSON and for redirects', async () => {
    const malformed = createKit({}, () => new Response('<html>oops', { status: 200 }));
    expect((await malformed.call('/institutions')).status).toBe(502);
    const truncated = createKit({}, () =>
      json({ institutions: [] })
        .text()
        .then((t) => new Response(t.slice(0, -1))),
    );
    const cut = await truncated.call('/institutions');
    expect(cut.status).toBe(502);
    expect(await cut.json()).toEqual({ error: { message: expect.any(String) } });
    const redirect = createKit(
      {},
      () => new Response(null, { status: 302, headers: { Location: 'https://evil.test/' } }),
    );
    const response = await redirect.call('/institutions');
    expect(response.status).toBe(502);
    expect(response.headers.get('location')).toBeNull();
  });

  it('answers 429 with the upstream Retry-After, and a default one when MX sends none', async () => {
    const withHeader = createKit({}, () => json({ error: { message: 'Too many' } }, 429, { 'Retry-After': '17' }));
    const limited = await withHeader.call('/institutions');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('17');
    const without = createKit({}, () => json({}, 429, { 'Retry-After': 'soon, maybe <script>' }));
    expect((await without.call('/institutions')).headers.get('retry-after')).toBe('60');
  });

  it('answers 5xx with a generic message, never the upstream one', async () => {
    const { call } = createKit({}, () => json({ error: { message: 'PG::ConnectionBad at /srv/app' } }, 500));
    const response = await call('/institutions');
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain('PG::');
  });

  it('answers 504 when the upstream takes longer than timeoutMs, even with a fetch that ignores abort', async () => {
    const { call, logs } = createKit({ timeoutMs: 20 }, () => new Promise<Response>(() => undefined));
    const response = await call('/institutions');
    expect(response.status).toBe(504);
    expect(logs[0]?.reason).toBe('upstream_timeout');
  });

  it('answers 502 with a generic message when the fetch throws', async () => {
    const { call } = createKit({}, () => {
      throw new TypeError('fetch failed: getaddrinfo ENOTFOUND internal-mx.corp');
    });
    const response = await call('/institutions');
    expect(response.status).toBe(502);
    expect(await response.text()).not.toMatch(/ENOTFOUND|corp/);
  });
});

describe('logging', () => {
  it('writes one entry per request with the route pattern, never the URL, query or body', async () => {
    const { call, logs } = createKit();
    await call(`/members/${MEMBER}/status`);
    await call('/institutions?name=secret-search-term');
    await call('/members', {
      method: 'POST',
      body: { member: { institution_code: 'mxbank', credentials: CREDENTIALS } },
    });
    await call('/nope?x=1', { user: null });
    expect(logs).toHaveLength(4);
    const [status, search, create, refused] = logs as [ProxyLogEntry, ProxyLogEntry, ProxyLogEntry, ProxyLogEntry];
    expect(Object.keys(status).sort()).toEqual([
      'durationMs',
      'method',
      'requestId',
      'route',
      'status',
      'upstreamStatus',
      'userHash',
    ]);
    expect(status).toMatchObject({
      route: '/members/:member_guid/status',
      method: 'GET',
      status: 200,
      upstreamStatus: 200,
    });
    expect(search.route).toBe('/institutions');
    expect(create.route).toBe('/members');
    expect(refused).toMatchObject({ route: 'unmatched', status: 401, userHash: null, reason: 'unauthenticated' });
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(ALICE)));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    expect(status.userHash).toBe(hex.slice(0, 16));
    const everything = JSON.stringify(logs);
    for (const secret of ['secret-search-term', 'hunter2-secret', MEMBER, ALICE, 'x=1'])
      expect(everything).not.toContain(secret);
  });

  it('hashes each user to their own userHash on every request', async () => {
    const { call, logs } = createKit();
    for (const user of [ALICE, BOB, ALICE, BOB]) await call(`/members/${MEMBER}/status`, { user });
    const hashOf = async (guid: string) => {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(guid)));
      return Array.from(digest, (b) => b.toString(16).padStart(2, '0'))
        .join('')
        .slice(0, 16);
    };
    const [alice, bob] = [await hashOf(ALICE), await hashOf(BOB)];
    expect(alice).not.toBe(bob);
    expect(logs.map((l) => l.userHash)).toEqual([alice, bob, alice, bob]);
  });

  it('gives every response its own X-Request-Id, matching the log', async () => {
    const { call, logs } = createKit();
    const a = await call('/institutions');
    const b = await call('/nope');
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    expect(logs.map((l) => l.requestId)).toEqual([a.headers.get('x-request-id'), b.headers.get('x-request-id')]);
  });

  it('keeps serving when the logger throws', async () => {
    const { call } = createKit({
      logger: () => {
        throw new Error('log sink down');
      },
    });
    expect((await call('/institutions')).status).toBe(200);
  });
});

describe('mounting', () => {
  it('works under app.route(), with JSON 404s and request ids under the prefix', async () => {
    const { proxy, tokens } = createKit();
    const app = new Hono();
    app.route('/api/connect', proxy);
    const headers = { 'X-Member-Connect': '1', Authorization: `Bearer ${await tokens.issue(ALICE)}` };
    expect((await app.request('/api/connect/institutions', { headers })).status).toBe(200);
    const missing = await app.request('/api/connect/nope', { headers });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { message: 'Not found.' } });
    expect(missing.headers.get('x-request-id')).toBeTruthy();
    expect((await app.request('/api/connect/members/bad', { headers })).status).toBe(400);
    expect((await app.request('/institutions', { headers })).status).toBe(404);
  });

  it('works as a bare fetch handler with basePath (Next.js catch-all route, Bun, Deno)', async () => {
    const { proxy, tokens, calls } = createKit({ basePath: '/api/connect' });
    const headers = { 'X-Member-Connect': '1', Authorization: `Bearer ${await tokens.issue(ALICE)}` };
    const response = await proxy.fetch(
      new Request(`https://partner.test/api/connect/members/${MEMBER}/status`, { headers }),
    );
    expect(response.status).toBe(200);
    expect(calls[0]?.url.pathname).toBe(`/api/users/${ALICE}/members/${MEMBER}/status`);
    const outside = await proxy.fetch(new Request('https://partner.test/other', { headers }));
    expect(outside.status).toBe(404);
    expect(await outside.json()).toEqual({ error: { message: 'Not found.' } });
    expect(outside.headers.get('x-request-id')).toBeTruthy();
    expect(calls).toHaveLength(1);
  });
});

describe('configuration', () => {
  const valid = { baseUrl: BASE_URL, clientId: CLIENT_ID, apiKey: API_KEY, authenticate: () => ALICE };
  it.each([
    [{ baseUrl: undefined }, /`baseUrl` is required/],
    [{ baseUrl: 'int-api.mx.com' }, /`baseUrl` must be an absolute http\(s\) URL/],
    [{ baseUrl: 'ftp://mx.test' }, /`baseUrl`/],
    [{ baseUrl: 'https://user:pw@mx.test' }, /`baseUrl` must not contain credentials/],
    [{ clientId: '' }, /`clientId` is required/],
    [{ clientId: 'a:b' }, /`clientId`/],
    [{ apiKey: undefined }, /`apiKey` is required/],
    [{ apiKey: 'key\r\n' }, /`apiKey`/],
    [{ authenticate: undefined }, /`authenticate` is required/],
    [{ timeoutMs: 0 }, /`timeoutMs`/],
    [{ allowedOrigins: ['*'] }, /`allowedOrigins`/],
    [{ allowedOrigins: ['https://app.test/'] }, /`allowedOrigins`/],
    [{ rateLimit: { everything: { limit: 1, windowMs: 1 } } }, /`rateLimit` has an unknown group/],
    [{ rateLimit: { search: { limit: 0, windowMs: 1000 } } }, /`rateLimit.search`/],
    [{ rateLimitStore: {} }, /`rateLimitStore`/],
    [{ memberFields: { user_guid: true } }, /`memberFields`/],
    [{ basePath: 'api/connect/' }, /`basePath`/],
  ])('throws at creation for %o', (override, message) => {
    expect(() => createConnectProxy({ ...valid, ...override } as never)).toThrow(message);
  });

  it('throws when called without options', () => {
    expect(() => createConnectProxy(undefined as never)).toThrow(/options are required/);
  });
});
