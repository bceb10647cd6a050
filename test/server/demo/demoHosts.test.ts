// The demo answers only for its own host names: a junk Host header is refused before anything is created for it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DemoServerOptions } from '../../../src/server/demo/createDemoServer.ts';
import { createDemoServer } from '../../../src/server/demo/createDemoServer.ts';

const PUBLIC_URL = 'http://127.0.0.1:3999';
const WIDGET_HEADERS = { 'X-Member-Connect': '1' };
const PAGE_LOAD = { Accept: 'text/html', 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' };

let pagesDir: string;
beforeAll(() => {
  pagesDir = path.join(mkdtempSync(path.join(tmpdir(), 'demo-hosts-test-')), 'demo');
  mkdirSync(pagesDir);
  writeFileSync(path.join(pagesDir, 'index.html'), '<!doctype html><title>partner page</title>');
});
afterAll(() => rmSync(path.dirname(pagesDir), { recursive: true, force: true }));

const demo = (overrides: Partial<DemoServerOptions> = {}) =>
  createDemoServer({ publicUrl: PUBLIC_URL, demoRoot: pagesDir, ...overrides });

/** The small logo URL the proxy gives a browser on `origin` (a session is opened there first). */
async function logoUrlSeenFrom(app: ReturnType<typeof demo>, origin: string): Promise<string> {
  const page = await app.request(`${origin}/`, { headers: PAGE_LOAD });
  expect(page.status).toBe(200);
  const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
  const response = await app.request(`${origin}/api/connect/institutions/mxbank`, {
    headers: { ...WIDGET_HEADERS, Cookie: cookie },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { institution: { small_logo_url: string } }).institution.small_logo_url;
}

describe("the demo's host names", () => {
  it('refuses a junk Host with 421 on every route, before any session or MX user is made for it', async () => {
    const app = demo();
    for (const requestPath of [
      '/',
      '/api/connect/institutions/mxbank',
      '/sandbox/logos/mxbank_100.svg',
      '/demo/session-token',
    ]) {
      const response = await app.request(`http://evil.example${requestPath}`, {
        headers: { ...PAGE_LOAD, ...WIDGET_HEADERS },
      });
      expect(response.status).toBe(421);
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(await response.text()).not.toContain('evil.example');
    }
    // The right name on another port is another host.
    expect((await app.request('http://127.0.0.1:4000/', { headers: PAGE_LOAD })).status).toBe(421);
  });

  it('answers for the printed host, localhost and [::1] on its port, and for the hosts it is given', async () => {
    const app = demo({ hosts: ['192.168.1.20:3999'] });
    for (const origin of [PUBLIC_URL, 'http://localhost:3999', 'http://[::1]:3999', 'http://192.168.1.20:3999']) {
      expect(await logoUrlSeenFrom(app, origin)).toBe(`${origin}/sandbox/logos/mxbank_50.svg`);
    }
  });

  it('works behind a TLS-terminating proxy that keeps Host: https cookie, Origin check and logo URLs', async () => {
    const app = demo({ publicUrl: 'https://demo.example', trustProxy: true });
    // What the demo receives from the reverse proxy: plain http, the browser's Host, X-Forwarded-Proto/For.
    const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '198.51.100.9' };
    const page = await app.request('http://demo.example/', { headers: { ...PAGE_LOAD, ...forwarded } });
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(cookie).toMatch(/^__Host-member_connect_demo_session=/);
    const headers = { ...WIDGET_HEADERS, ...forwarded, Cookie: cookie, Origin: 'https://demo.example' };
    const institution = await app.request('http://demo.example/api/connect/institutions/mxbank', { headers });
    expect(institution.status).toBe(200);
    const { institution: body } = (await institution.json()) as { institution: { small_logo_url: string } };
    expect(body.small_logo_url).toBe('https://demo.example/sandbox/logos/mxbank_50.svg');
    const foreign = await app.request('http://demo.example/api/connect/members', {
      headers: { ...headers, Origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
  });

  it('cannot be made to use up the per-host sandbox URLs or reflect a junk host into logo URLs', async () => {
    const app = demo();
    for (let index = 0; index < 50; index += 1) {
      await app.request(`http://junk-${index}.example/api/connect/institutions/mxbank`, { headers: WIDGET_HEADERS });
    }
    expect(await logoUrlSeenFrom(app, 'http://localhost:3999')).toBe(
      'http://localhost:3999/sandbox/logos/mxbank_50.svg',
    );
  });
});
