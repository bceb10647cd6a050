// The demo's cookie sessions under attack: fixation from a sibling subdomain or port, cookie tossing, floods, a slow
// MX. Every request goes through the real demo app (real proxy, real in-process sandbox).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DemoServerOptions } from '../../../src/server/demo/createDemoServer.ts';
import { createDemoServer, DEMO_SESSION_COOKIE } from '../../../src/server/demo/createDemoServer.ts';

const PUBLIC_URL = 'http://127.0.0.1:3999';
const HOST_COOKIE = `__Host-${DEMO_SESSION_COOKIE}`;
const WIDGET_HEADERS = { 'X-Member-Connect': '1' };
const PAGE_LOAD = {
  Accept: 'text/html,application/xhtml+xml',
  'Sec-Fetch-Dest': 'document',
  'Sec-Fetch-Mode': 'navigate',
};
const MXBANK_USERNAME_GUID = 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1';
const MXBANK_PASSWORD_GUID = 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d';
const VICTIM = '198.51.100.9';
const ATTACKER = '203.0.113.7';

let pagesDir: string;
beforeAll(() => {
  pagesDir = path.join(mkdtempSync(path.join(tmpdir(), 'demo-sessions-test-')), 'demo');
  mkdirSync(pagesDir);
  writeFileSync(path.join(pagesDir, 'index.html'), '<!doctype html><title>partner page</title>');
});
afterAll(() => rmSync(path.dirname(pagesDir), { recursive: true, force: true }));

/** What @hono/node-server hands the app: the socket, whose peer address is the client's. */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

/** The demo app, requested like a browser at `address` would (relative paths on `origin`). */
function demo(overrides: Partial<DemoServerOptions> = {}, origin = PUBLIC_URL) {
  const app = createDemoServer({ publicUrl: PUBLIC_URL, demoRoot: pagesDir, ...overrides });
  return (requestPath: string, init: RequestInit = {}, address = VICTIM) =>
    app.request(requestPath.startsWith('/') ? `${origin}${requestPath}` : requestPath, init, from(address));
}
type Demo = ReturnType<typeof demo>;

/** The `name=value` a response's Set-Cookie asks the browser to store, or null. */
function cookieOf(response: Response): string | null {
  return response.headers.get('set-cookie')?.split(';')[0] ?? null;
}

async function openSession(app: Demo, address = VICTIM, headers: Record<string, string> = {}): Promise<string> {
  const response = await app('/', { headers: { ...PAGE_LOAD, ...headers } }, address);
  expect(response.status).toBe(200);
  const cookie = cookieOf(response);
  if (cookie === null) throw new Error('GET / set no session cookie');
  return cookie;
}

async function connectMxBank(app: Demo, cookie: string, address = VICTIM, headers: Record<string, string> = {}) {
  const response = await app(
    '/api/connect/members',
    {
      method: 'POST',
      headers: { ...WIDGET_HEADERS, ...headers, Cookie: cookie, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        member: {
          institution_code: 'mxbank',
          credentials: [
            { guid: MXBANK_USERNAME_GUID, value: 'mxuser' },
            { guid: MXBANK_PASSWORD_GUID, value: 'secret' },
          ],
        },
      }),
    },
    address,
  );
  expect(response.status).toBe(202);
  return ((await response.json()) as { member: { guid: string } }).member.guid;
}

async function membersOf(app: Demo, cookie: string, address = VICTIM, headers: Record<string, string> = {}) {
  const response = await app(
    '/api/connect/members',
    { headers: { ...WIDGET_HEADERS, ...headers, Cookie: cookie } },
    address,
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { members: { guid: string }[] }).members.map((member) => member.guid);
}

describe('the demo session cookie', () => {
  it('is __Host- prefixed, Secure, httpOnly, SameSite=Lax and Path=/ when the demo is served over https', async () => {
    const app = demo({ publicUrl: 'https://demo.example' }, 'https://demo.example');
    const response = await app('/', { headers: PAGE_LOAD });
    const header = response.headers.get('set-cookie') ?? '';
    expect(header).toMatch(new RegExp(`^${HOST_COOKIE}=[A-Za-z0-9_-]{32}; `));
    for (const part of ['Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']) expect(header).toContain(part);
    expect(header).not.toContain('Domain');
  });

  it('is __Host- and Secure behind a trusted TLS-terminating proxy (X-Forwarded-Proto), and only then', async () => {
    const forwardedHttps = { ...PAGE_LOAD, 'X-Forwarded-Proto': 'https' };
    const trusted = await demo({ trustProxy: true })('/', { headers: forwardedHttps });
    expect(trusted.headers.get('set-cookie')).toMatch(new RegExp(`^${HOST_COOKIE}=.*; Secure`));
    const untrusted = await demo()('/', { headers: forwardedHttps });
    const header = untrusted.headers.get('set-cookie') ?? '';
    expect(header).toMatch(new RegExp(`^${DEMO_SESSION_COOKIE}=`));
    expect(header).not.toContain('Secure');
  });

  it('refuses a request carrying two session cookies (cookie tossing), page load and widget call alike', async () => {
    const app = demo();
    const mine = await openSession(app);
    const tossed = `${mine}; ${DEMO_SESSION_COOKIE}=tossed-by-a-sibling`;
    const page = await app('/', { headers: { ...PAGE_LOAD, Cookie: tossed } });
    expect(page.status).toBe(400);
    expect(page.headers.get('set-cookie')).toBeNull();
    const call = await app('/api/connect/members', { headers: { ...WIDGET_HEADERS, Cookie: tossed } });
    expect(call.status).toBe(400);
    expect(((await call.json()) as { error: { message: string } }).error.message).toMatch(/two demo session cookies/);
    expect(await membersOf(app, mine)).toEqual([]);
  });

  it("over https, ignores a plain-named cookie a sibling subdomain planted: the bank lands in the victim's user", async () => {
    const origin = 'https://demo.example';
    const app = demo({ publicUrl: origin }, origin);
    const attacker = await openSession(app, ATTACKER);
    const victim = await openSession(app, VICTIM);
    // A sibling subdomain cannot set a __Host- cookie; the best it can plant is the plain name with Domain=.example.
    const planted = `${DEMO_SESSION_COOKIE}=${attacker.split('=')[1]}`;
    const member = await connectMxBank(app, `${planted}; ${victim}`);
    expect(await membersOf(app, victim)).toEqual([member]);
    expect(await membersOf(app, attacker, ATTACKER)).toEqual([]);

    // A victim with no session yet gets a fresh one of their own, not the planted one.
    const fresh = await app('/', { headers: { ...PAGE_LOAD, Cookie: planted } }, '192.0.2.44');
    expect(cookieOf(fresh)).toMatch(new RegExp(`^${HOST_COOKIE}=`));
    expect(cookieOf(fresh)).not.toContain(attacker.split('=')[1]);
  });

  it('does not honour a session id planted from a sibling port: the victim gets a session of their own', async () => {
    const app = demo();
    const attacker = await openSession(app, ATTACKER);
    // Cookies are not isolated by port: a page on 127.0.0.1:8080 can set this cookie for the demo on :3999.
    const page = await app('/', { headers: { ...PAGE_LOAD, Cookie: attacker } }, VICTIM);
    const victim = cookieOf(page);
    expect(victim).not.toBeNull();
    expect(victim).not.toBe(attacker);
    await connectMxBank(app, victim ?? '');
    expect(await membersOf(app, attacker, ATTACKER)).toEqual([]);

    // Even without a page load, the widget's call with the planted id runs as a new session of the victim's.
    const call = await app('/api/connect/members', { headers: { ...WIDGET_HEADERS, Cookie: attacker } }, '192.0.2.45');
    expect(call.status).toBe(200);
    expect(cookieOf(call)).not.toBe(attacker);
  });
});

describe('creating sessions', () => {
  it("starts none for a request that is not a person's page load (an image, a fetch, a bare client)", async () => {
    const app = demo();
    const notPageLoads: Record<string, string>[] = [
      { 'Sec-Fetch-Dest': 'image', Accept: 'image/*' },
      { 'Sec-Fetch-Dest': 'empty' },
      {},
    ];
    for (const headers of notPageLoads) {
      const response = await app('/', { headers });
      expect(response.status).toBe(200);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  it('starts a bounded number per client address, then answers 429 with Retry-After', async () => {
    const app = demo({ newSessionLimit: { limit: 3, windowMs: 60_000 } });
    for (let index = 0; index < 3; index += 1) await openSession(app, ATTACKER);
    const page = await app('/', { headers: PAGE_LOAD }, ATTACKER);
    expect(page.status).toBe(429);
    expect(Number(page.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const call = await app('/api/connect/members', { headers: WIDGET_HEADERS }, ATTACKER);
    expect(call.status).toBe(429);
    await openSession(app, VICTIM);
  });

  it('keeps a session in use through 10,000 anonymous requests, evicting the idle ones instead', async () => {
    const app = demo({ maxSessions: 100 });
    const alice = await openSession(app);
    const member = await connectMxBank(app, alice);
    const idle = await openSession(app, '192.0.2.1');

    for (let index = 0; index < 10_000; index += 1) {
      // Many addresses, so the per-address limit is not what saves Alice: the eviction order is.
      const address = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
      const kind = index % 4;
      const response =
        kind === 0
          ? await app('/', { headers: PAGE_LOAD }, address)
          : kind === 1
            ? await app('/api/connect/members', { headers: WIDGET_HEADERS }, address)
            : kind === 2
              ? await app('/', { headers: { ...PAGE_LOAD, Cookie: `${DEMO_SESSION_COOKIE}=guess-${index}` } }, address)
              : await app('/api/connect/institutions/mxbank', { headers: WIDGET_HEADERS }, ATTACKER);
      expect(response.status === 200 || response.status === 429).toBe(true);
    }

    expect(await membersOf(app, alice)).toEqual([member]);
    // The bound was reached: the session opened but never used again is gone.
    const again = await app('/', { headers: { ...PAGE_LOAD, Cookie: idle } }, '192.0.2.1');
    expect(cookieOf(again)).not.toBeNull();
  }, 120_000);

  it('evicts a session never used again before one in use, however recent', async () => {
    const app = demo({ maxSessions: 2 });
    const inUse = await openSession(app, '192.0.2.1');
    await membersOf(app, inUse, '192.0.2.1');
    const neverUsed = await openSession(app, '192.0.2.2');
    await openSession(app, '192.0.2.3');
    expect(cookieOf(await app('/', { headers: { ...PAGE_LOAD, Cookie: neverUsed } }, '192.0.2.2'))).not.toBeNull();
    expect(await membersOf(app, inUse, '192.0.2.1')).toEqual([]);
    expect(cookieOf(await app('/', { headers: { ...PAGE_LOAD, Cookie: inUse } }, '192.0.2.1'))).toBeNull();
  });

  it('evicts the least recently used of the sessions in use when the store is full', async () => {
    const app = demo({ maxSessions: 2 });
    const older = await openSession(app, '192.0.2.1');
    const newer = await openSession(app, '192.0.2.2');
    await membersOf(app, older, '192.0.2.1');
    await membersOf(app, newer, '192.0.2.2');
    await membersOf(app, older, '192.0.2.1'); // `newer` is now the least recently used
    await openSession(app, '192.0.2.3');
    expect(cookieOf(await app('/', { headers: { ...PAGE_LOAD, Cookie: older } }, '192.0.2.1'))).toBeNull();
    expect(cookieOf(await app('/', { headers: { ...PAGE_LOAD, Cookie: newer } }, '192.0.2.2'))).not.toBeNull();
  });
});

describe('creating the MX user', () => {
  let slowMx: Server;
  let slowMxUrl: string;
  beforeAll(async () => {
    // An MX that accepts the connection and never answers.
    slowMx = createServer(() => {});
    await new Promise<void>((resolve) => slowMx.listen(0, '127.0.0.1', resolve));
    slowMxUrl = `http://127.0.0.1:${(slowMx.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    slowMx.closeAllConnections();
    await new Promise((resolve) => slowMx.close(resolve));
  });

  it('has a deadline: a page load answers a 504 page, the widget a 504 JSON error, instead of hanging', async () => {
    const app = demo({
      mx: { baseUrl: slowMxUrl, clientId: 'partner-client', apiKey: 'partner-key' },
      userCreationTimeoutMs: 50,
    });
    const page = await app('/', { headers: PAGE_LOAD });
    expect(page.status).toBe(504);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('in time');
    expect(page.headers.get('set-cookie')).toBeNull();
    const call = await app('/api/connect/members', { headers: WIDGET_HEADERS });
    expect(call.status).toBe(504);
    expect(((await call.json()) as { error: { message: string } }).error.message).toContain('in time');
  });
});
