import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DemoServerOptions } from '../../../src/server/demo/createDemoServer.ts';
import { createDemoServer, DEMO_SESSION_COOKIE } from '../../../src/server/demo/createDemoServer.ts';
import { toNodeHandler } from '../../../src/server/node.ts';
import { createSandbox } from '../../../src/server/sandbox/index.ts';

const PUBLIC_URL = 'http://127.0.0.1:3999';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'";
const MXBANK_USERNAME_GUID = 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1';
const MXBANK_PASSWORD_GUID = 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d';
const WIDGET_HEADERS = { 'X-Member-Connect': '1' };
/** What a browser sends when a person opens a page. */
const PAGE_LOAD = {
  Accept: 'text/html,application/xhtml+xml',
  'Sec-Fetch-Dest': 'document',
  'Sec-Fetch-Mode': 'navigate',
};

// Small stand-ins for the built pages: the server under test serves whatever the build put there.
let pagesDir: string;
let frameDir: string;
let storybookDir: string;
beforeAll(() => {
  const root = mkdtempSync(path.join(tmpdir(), 'demo-server-test-'));
  pagesDir = path.join(root, 'demo');
  frameDir = path.join(root, 'frame');
  mkdirSync(path.join(pagesDir, 'assets'), { recursive: true });
  mkdirSync(frameDir);
  writeFileSync(path.join(pagesDir, 'index.html'), '<!doctype html><title>partner page</title>');
  writeFileSync(path.join(pagesDir, 'sdk.html'), '<!doctype html><title>sdk page</title>');
  writeFileSync(path.join(pagesDir, 'assets', 'main.js'), 'console.log("partner")');
  writeFileSync(path.join(frameDir, 'index.html'), '<!doctype html><title>frame page</title>');
  storybookDir = path.join(root, 'storybook-static');
  mkdirSync(storybookDir);
  writeFileSync(path.join(storybookDir, 'index.html'), '<!doctype html><title>storybook</title>');
});
afterAll(() => rmSync(path.dirname(pagesDir), { recursive: true, force: true }));

/** The demo app; relative paths are requested on PUBLIC_URL, the origin a browser of the printed URL would use. */
function demo(overrides: Partial<DemoServerOptions> = {}) {
  const app = createDemoServer({ publicUrl: PUBLIC_URL, demoRoot: pagesDir, frameRoot: frameDir, ...overrides });
  const request: typeof app.request = (input, init, env, executionCtx) =>
    app.request(
      typeof input === 'string' && input.startsWith('/') ? `${PUBLIC_URL}${input}` : input,
      init,
      env,
      executionCtx,
    );
  return { request };
}
type DemoApp = ReturnType<typeof demo>;

/** Loads the page like a first-time browser would and returns the session cookie it was given. */
async function openSession(app: DemoApp): Promise<string> {
  const response = await app.request('/', { headers: PAGE_LOAD });
  expect(response.status).toBe(200);
  const setCookie = response.headers.get('set-cookie') ?? '';
  const match = new RegExp(`${DEMO_SESSION_COOKIE}=([^;]+)`).exec(setCookie);
  if (!match) throw new Error(`GET / set no session cookie: ${setCookie}`);
  return `${DEMO_SESSION_COOKIE}=${match[1]}`;
}

async function createMxBankMember(app: DemoApp, headers: Record<string, string>, password = 'secret') {
  return app.request('/api/connect/members', {
    method: 'POST',
    headers: { ...WIDGET_HEADERS, ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      member: {
        institution_code: 'mxbank',
        credentials: [
          { guid: MXBANK_USERNAME_GUID, value: 'mxuser' },
          { guid: MXBANK_PASSWORD_GUID, value: password },
        ],
      },
    }),
  });
}

async function memberGuids(app: DemoApp, headers: Record<string, string>): Promise<string[]> {
  const response = await app.request('/api/connect/members', { headers: { ...WIDGET_HEADERS, ...headers } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { members: { guid: string }[] };
  return body.members.map((member) => member.guid);
}

describe('createDemoServer', () => {
  it('serves the partner page under the strict CSP and starts an httpOnly, SameSite=Lax cookie session', async () => {
    const response = await demo().request('/', { headers: PAGE_LOAD });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('partner page');
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${DEMO_SESSION_COOKIE}=[A-Za-z0-9_-]{32}; `));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
  });

  it('sends Referrer-Policy, Cross-Origin-Opener-Policy and nosniff; the CSP bounds forms and <base>', async () => {
    const app = demo();
    for (const requestPath of ['/', '/frame/', '/assets/main.js']) {
      const response = await app.request(requestPath, { headers: PAGE_LOAD });
      expect(response.headers.get('referrer-policy')).toBe('same-origin');
      // Not same-origin: the OAuth popup (a bank's page) must keep its opener to report back (securityHeaders.ts).
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin-allow-popups');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toMatch(/; base-uri 'none'; form-action 'self'$/);
    }
  });

  it("keeps the sandbox consent page's own, stricter CSP", async () => {
    const app = demo();
    const cookie = await openSession(app);
    const created = await app.request('/api/connect/members', {
      method: 'POST',
      headers: { ...WIDGET_HEADERS, Cookie: cookie, 'Content-Type': 'application/json' },
      body: JSON.stringify({ member: { institution_code: 'mx_bank_oauth', is_oauth: true } }),
    });
    const { member } = (await created.json()) as { member: { oauth_window_uri: string } };
    const consent = await app.request(new URL(member.oauth_window_uri).pathname);
    expect(consent.status).toBe(200);
    expect(consent.headers.get('content-security-policy')).toMatch(/^default-src 'none'; .*frame-ancestors 'none'$/);
    expect(consent.headers.get('cross-origin-opener-policy')).toBe('same-origin-allow-popups');
  });

  it('keeps an existing session instead of creating a new user on every page load', async () => {
    const app = demo();
    const cookie = await openSession(app);
    const again = await app.request('/', { headers: { ...PAGE_LOAD, Cookie: cookie } });
    expect(again.status).toBe(200);
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('serves other pages and assets, and answers unknown paths with a JSON 404', async () => {
    const app = demo();
    const sdkPage = await app.request('/sdk.html', { headers: PAGE_LOAD });
    expect(sdkPage.status).toBe(200);
    expect(sdkPage.headers.get('set-cookie')).toContain(DEMO_SESSION_COOKIE);
    const asset = await app.request('/assets/main.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const missing = await app.request('/nope.txt');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { message: 'Not found.' } });
  });

  it('serves the iframe bundle at /frame/ under the same CSP', async () => {
    const app = demo();
    const frame = await app.request('/frame/');
    expect(frame.status).toBe(200);
    expect(await frame.text()).toContain('frame page');
    expect(frame.headers.get('content-security-policy')).toBe(CSP);
    expect((await app.request('/frame')).headers.get('location')).toBe('/frame/');
  });

  it("serves the static Storybook at /storybook/ when built, without the pages' CSP (Storybook needs inline scripts)", async () => {
    const app = demo({ storybookRoot: storybookDir });
    const page = await app.request('/storybook/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>storybook</title>');
    expect(page.headers.get('content-security-policy')).toBeNull();
    expect((await app.request('/storybook')).headers.get('location')).toBe('/storybook/');
    expect((await demo().request('/storybook/')).status).toBe(404);
  });

  it('proxies the widget API to the in-process sandbox for a browser with a session', async () => {
    const app = demo();
    const cookie = await openSession(app);
    const response = await app.request('/api/connect/institutions?name=mx%20bank', {
      headers: { ...WIDGET_HEADERS, Cookie: cookie },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { institutions: { code: string }[] };
    expect(body.institutions.map((institution) => institution.code)).toContain('mxbank');
  });

  it('builds sandbox URLs (logos, OAuth) on the origin the browser used, so the CSP allows them', async () => {
    const app = demo();
    for (const origin of [PUBLIC_URL, 'http://localhost:3999']) {
      const page = await app.request(`${origin}/`, { headers: PAGE_LOAD });
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const response = await app.request(`${origin}/api/connect/institutions/mxbank`, {
        headers: { ...WIDGET_HEADERS, Cookie: cookie },
      });
      expect(response.status).toBe(200);
      const { institution } = (await response.json()) as { institution: { small_logo_url: string } };
      expect(institution.small_logo_url.startsWith(`${origin}/sandbox/logos/`)).toBe(true);
    }
  });

  it('passes the proxy log lines (route patterns, never raw paths) to its logger', async () => {
    const lines: { route: string; status: number }[] = [];
    const app = demo({ logger: (entry) => lines.push({ route: entry.route, status: entry.status }) });
    const cookie = await openSession(app);
    await app.request('/api/connect/institutions/mxbank', { headers: { ...WIDGET_HEADERS, Cookie: cookie } });
    expect(lines).toEqual([{ route: '/institutions/:institution_code', status: 200 }]);
  });

  it("starts a session on the widget's first call, and never adopts a made-up session id", async () => {
    const app = demo();
    for (const headers of [WIDGET_HEADERS, { ...WIDGET_HEADERS, Cookie: `${DEMO_SESSION_COOKIE}=forged` }]) {
      const response = await app.request('/api/connect/members', { headers });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ members: [] });
      const cookie = response.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(new RegExp(`^${DEMO_SESSION_COOKIE}=[A-Za-z0-9_-]{32}; `));
      expect(cookie).not.toContain('forged');
    }
  });

  it('refuses the widget API to a caller without a session that is not the widget (no X-Member-Connect)', async () => {
    const response = await demo().request('/api/connect/members');
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('gives each browser its own MX user', async () => {
    const app = demo();
    const alice = { Cookie: await openSession(app) };
    const bob = { Cookie: await openSession(app) };
    expect(alice.Cookie).not.toBe(bob.Cookie);

    const created = await createMxBankMember(app, alice);
    expect(created.status).toBe(202);
    const { member } = (await created.json()) as { member: { guid: string } };

    expect(await memberGuids(app, alice)).toEqual([member.guid]);
    expect(await memberGuids(app, bob)).toEqual([]);
  });

  it('passes sandboxAggregationMs to the built-in sandbox', async () => {
    const connectAndReadStatus = async (sandboxAggregationMs: number) => {
      const app = demo({ sandboxAggregationMs });
      const cookie = await openSession(app);
      const created = await createMxBankMember(app, { Cookie: cookie });
      const { member } = (await created.json()) as { member: { guid: string } };
      return async () => {
        const status = await app.request(`/api/connect/members/${member.guid}/status`, {
          headers: { ...WIDGET_HEADERS, Cookie: cookie },
        });
        return ((await status.json()) as { member: { connection_status: string } }).member.connection_status;
      };
    };
    expect(await (await connectAndReadStatus(0))()).toBe('CONNECTED');
    expect(await (await connectAndReadStatus(600_000))()).not.toBe('CONNECTED');
  });

  it('issues a session token for the same user as the cookie, usable as a Bearer token', async () => {
    const app = demo();
    const cookie = await openSession(app);
    const created = await createMxBankMember(app, { Cookie: cookie });
    const { member } = (await created.json()) as { member: { guid: string } };

    const tokenResponse = await app.request('/demo/session-token', { headers: { Cookie: cookie } });
    expect(tokenResponse.status).toBe(200);
    expect(tokenResponse.headers.get('cache-control')).toBe('no-store');
    const { sessionToken } = (await tokenResponse.json()) as { sessionToken: string };
    expect(sessionToken).toMatch(/^mc2\./);

    expect(await memberGuids(app, { Authorization: `Bearer ${sessionToken}` })).toEqual([member.guid]);
    const forged = await app.request('/api/connect/members', {
      headers: { ...WIDGET_HEADERS, Authorization: `Bearer ${sessionToken.slice(0, -2)}xx` },
    });
    expect(forged.status).toBe(401);
  });

  describe('the sandbox at /sandbox', () => {
    const SANDBOX_HEADERS = {
      Accept: 'application/vnd.mx.api.v1+json',
      Authorization: `Basic ${btoa('sandbox-client-id:sandbox-api-key')}`,
      'Content-Type': 'application/json',
    };

    /** A demo with one visitor (Alice) who has connected MX Bank; `userGuid` is read through a route of the test's own. */
    async function demoWithVictim(overrides: Partial<DemoServerOptions> = {}) {
      const app = demo({
        ...overrides,
        extend: (hono, context) => hono.get('/test/user-guid', async (c) => c.text(await context.sessionUser(c))),
      });
      const alice = { Cookie: await openSession(app) };
      const created = await createMxBankMember(app, alice);
      expect(created.status).toBe(202);
      const { member } = (await created.json()) as { member: { guid: string } };
      const userGuid = await (await app.request('/test/user-guid', { headers: alice })).text();
      expect(userGuid).toMatch(/^USR-/);
      return { app, alice, userGuid, memberGuid: member.guid };
    }

    it("does not let a visitor list, read, change, aggregate or delete another visitor's user or members", async () => {
      const { app, alice, userGuid, memberGuid } = await demoWithVictim();
      const attacks: [string, string, unknown?][] = [
        ['GET', '/sandbox/users'],
        ['GET', `/sandbox/users?id=anything`],
        ['POST', '/sandbox/users', { user: { id: 'intruder' } }],
        ['GET', `/sandbox/users/${userGuid}`],
        ['PUT', `/sandbox/users/${userGuid}`, { user: { is_disabled: true } }],
        ['GET', `/sandbox/users/${userGuid}/members`],
        ['GET', `/sandbox/users/${userGuid}/members/${memberGuid}`],
        ['PUT', `/sandbox/users/${userGuid}/members/${memberGuid}`, { member: { metadata: 'owned' } }],
        ['POST', `/sandbox/users/${userGuid}/members/${memberGuid}/aggregate`],
        ['GET', `/sandbox/users/${userGuid}/members/${memberGuid}/accounts`],
        ['DELETE', `/sandbox/users/${userGuid}/members/${memberGuid}`],
        ['DELETE', `/sandbox/users/${userGuid}`],
        ['GET', '/sandbox/institutions'],
        ['GET', '/sandbox/logos/..%2Fusers'],
        ['GET', `/sandbox/oauth/authorize/x/../../users/${userGuid}`],
        ['GET', `/sandbox/logos/../users/${userGuid}/members`],
      ];
      for (const [method, path, body] of attacks) {
        const response = await app.request(path, {
          method,
          headers: SANDBOX_HEADERS,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        expect(`${method} ${path} -> ${response.status}`).toBe(`${method} ${path} -> 404`);
        expect(await response.text()).not.toContain(userGuid);
      }
      // Alice's member is untouched and still hers.
      expect(await memberGuids(app, alice)).toEqual([memberGuid]);
      const status = await app.request(`/api/connect/members/${memberGuid}`, {
        headers: { ...WIDGET_HEADERS, ...alice },
      });
      expect(status.status).toBe(200);
    });

    it('still serves what a browser opens itself: logos, site-key pictures and the OAuth consent page', async () => {
      const app = demo();
      const logo = await app.request('/sandbox/logos/mxbank_100.svg');
      expect(logo.status).toBe(200);
      expect(logo.headers.get('content-type')).toBe('image/svg+xml');
      const cookie = await openSession(app);
      const created = await app.request('/api/connect/members', {
        method: 'POST',
        headers: { ...WIDGET_HEADERS, Cookie: cookie, 'Content-Type': 'application/json' },
        body: JSON.stringify({ member: { institution_code: 'mx_bank_oauth', is_oauth: true } }),
      });
      expect(created.status).toBe(202);
      const { member } = (await created.json()) as { member: { oauth_window_uri: string } };
      const consentUrl = new URL(member.oauth_window_uri);
      expect(consentUrl.origin).toBe(PUBLIC_URL);
      const consent = await app.request(consentUrl.pathname);
      expect(consent.status).toBe(200);
      const session = /name="session" value="([^"]+)"/.exec(await consent.text())?.[1];
      expect(session).toBeDefined();
      const decision = await app.request('/sandbox/oauth/decision', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ session: session ?? '', decision: 'authorize', opener_origin: PUBLIC_URL }),
      });
      expect(decision.status).toBe(200);
      expect(await decision.text()).toContain('data-result="success"');
    });

    it('refuses a large body to the unauthenticated consent form with 413, declared or streamed', async () => {
      const app = demo();
      const big = `session=x&decision=authorize&pad=${'a'.repeat(1024 * 1024)}`;
      const declared = await app.request('/sandbox/oauth/decision', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: big,
      });
      expect(declared.status).toBe(413);
      const streamed = await app.request('/sandbox/oauth/decision', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
        body: new Blob([big]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
    });

    it('serves the whole sandbox API only when asked to (publicSandbox)', async () => {
      const { app, userGuid } = await demoWithVictim({ publicSandbox: true });
      const user = await app.request(`/sandbox/users/${userGuid}`, { headers: SANDBOX_HEADERS });
      expect(user.status).toBe(200);
      const anonymous = await app.request('/sandbox/institutions/mxbank', {
        headers: { Accept: SANDBOX_HEADERS.Accept },
      });
      expect(anonymous.status).toBe(401);
    });
  });

  it('lets routes added through `extend` use the session and get the CSP header', async () => {
    const app = demo({
      extend: (hono, context) => {
        hono.get('/demo/whoami', async (c) => c.json({ hasUser: (await context.sessionUser(c)).startsWith('USR-') }));
      },
    });
    const response = await app.request('/demo/whoami', { headers: PAGE_LOAD });
    expect(await response.json()).toEqual({ hasUser: true });
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(response.headers.get('set-cookie')).toContain(DEMO_SESSION_COOKIE);
  });

  describe('with MX settings', () => {
    const mx = { baseUrl: 'http://mx.invalid', clientId: 'partner-client', apiKey: 'partner-key' };
    const basic = `Basic ${btoa('partner-client:partner-key')}`;
    const accept = 'application/vnd.mx.api.v1+json';

    // "MX" here is a second, separate sandbox with other credentials, reached through the injected fetch.
    function mxDemo(apiKey = mx.apiKey) {
      const upstream = createSandbox({ clientId: mx.clientId, apiKey: mx.apiKey });
      const seen: string[] = [];
      const app = demo({
        mx: { ...mx, apiKey },
        fetch: async (input, init) => {
          const request = new Request(input, init);
          seen.push(`${request.method} ${request.url}`);
          return upstream.fetch(request);
        },
      });
      return { app, upstream, seen };
    }

    it('creates users at MX and proxies to MX, with no built-in sandbox at /sandbox', async () => {
      const { app, upstream, seen } = mxDemo();
      const cookie = await openSession(app);
      const created = await createMxBankMember(app, { Cookie: cookie });
      expect(created.status).toBe(202);

      const users = await upstream.request('/users', { headers: { Authorization: basic, Accept: accept } });
      expect(((await users.json()) as { users: unknown[] }).users).toHaveLength(1);
      expect(seen[0]).toBe('POST http://mx.invalid/users');
      expect(seen.slice(1).every((line) => line.startsWith('POST http://mx.invalid/users/USR-'))).toBe(true);

      expect((await app.request('/sandbox/logos/mxbank_100.svg')).status).toBe(404);
    });

    it('without a fetch, reaches MX over loopback HTTP: the proxy through the Node transport', async () => {
      const upstream = createSandbox({ clientId: mx.clientId, apiKey: mx.apiKey });
      const requests: string[] = [];
      const server = createServer((request, response) => {
        // The global fetch (undici) names itself in User-Agent; node:http sends none.
        requests.push(`${request.method} ${request.url} ${request.headers['user-agent'] ?? '(no user agent)'}`);
        toNodeHandler(upstream)(request, response);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const app = demo({ mx: { ...mx, baseUrl } });
        const cookie = await openSession(app);
        expect((await createMxBankMember(app, { Cookie: cookie })).status).toBe(202);
        // The visitor's user through the global fetch; the widget's call through the proxy's Node transport.
        expect(requests[0]).toBe('POST /users node');
        expect(requests[1]).toMatch(/^POST \/users\/USR-[^/]+\/members \(no user agent\)$/);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('lets institution logos come from MX over https', async () => {
      const response = await mxDemo().app.request('/');
      expect(response.headers.get('content-security-policy')).toBe(CSP.replace('data:', 'data: https:'));
    });

    it('answers 502 (a page for a page load, JSON for the widget) when MX refuses to create the user', async () => {
      const { app } = mxDemo('wrong-key');
      const page = await app.request('/', { headers: PAGE_LOAD });
      expect(page.status).toBe(502);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toMatch(/could not create a user/);
      const call = await app.request('/api/connect/members', { headers: WIDGET_HEADERS });
      expect(call.status).toBe(502);
      const body = (await call.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/could not create a user/);
      expect(JSON.stringify(body)).not.toContain('wrong-key');
    });
  });
});
