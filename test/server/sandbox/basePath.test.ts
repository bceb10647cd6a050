// Mounting under a prefix (issue 14 item 5): with Hono's app.route the sandbox sees its prefix; where the prefix is
// stripped first (app.mount, Express-style app.use, a reverse proxy) `basePath` says where browsers reach it, and every
// URL it builds (logos, site-key pictures, oauth_window_uri, the consent page's assets and form) uses it and works.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import { parseSandboxArgs } from '../../../src/server/sandbox/cli.ts';
import type { SandboxOptions } from '../../../src/server/sandbox/index.ts';
import { createSandbox, MXBANK_OAUTH_CODE } from '../../../src/server/sandbox/index.ts';
import { AUTH, MX_ACCEPT } from './harness.ts';

const ORIGIN = 'http://partner.test';
const SITE_KEY_CREDENTIAL = /"url":"([^"]+\/sitekeys\/[^"]+)"/;

/** A partner app that mounts the sandbox with `app.mount('/mx', …)`, which strips `/mx` before the sandbox sees it. */
function mounted(options: SandboxOptions) {
  const app = new Hono().mount('/mx', createSandbox(options).fetch);
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(`${ORIGIN}/mx${path}`, {
      method,
      headers: { Authorization: AUTH, Accept: MX_ACCEPT, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };
  return { app, api };
}

async function browserUrls(options: SandboxOptions) {
  const { app, api } = mounted(options);
  const institution = JSON.parse((await api('GET', '/institutions/mxbank')).text).institution;
  const all = JSON.parse((await api('GET', '/institutions?records_per_page=100')).text).institutions as {
    code: string;
  }[];
  let siteKey = '';
  for (const { code } of all) {
    siteKey = SITE_KEY_CREDENTIAL.exec((await api('GET', `/institutions/${code}/credentials`)).text)?.[1] ?? '';
    if (siteKey) break;
  }
  const user = JSON.parse((await api('POST', '/users', { user: { metadata: 'm' } })).text).user.guid;
  const member = JSON.parse(
    (
      await api('POST', `/users/${user}/members`, {
        member: { institution_code: MXBANK_OAUTH_CODE, is_oauth: true, credentials: [] },
      })
    ).text,
  ).member;
  return {
    app,
    api,
    user,
    logo: institution.small_logo_url as string,
    siteKey,
    oauth: member.oauth_window_uri as string,
    member: member.guid as string,
  };
}

describe('basePath', () => {
  it('without it, app.mount loses the prefix: the URLs point outside the mount (the bug basePath fixes)', async () => {
    const { logo, oauth } = await browserUrls({});
    expect(logo).toBe(`${ORIGIN}/logos/mxbank_50.svg`);
    expect(oauth.startsWith(`${ORIGIN}/oauth/authorize/`)).toBe(true);
  });

  it('with basePath "/mx", every browser URL is under the mount and works: logo, site key, consent page, assets, form', async () => {
    const { app, api, user, logo, siteKey, oauth, member } = await browserUrls({ basePath: '/mx' });
    expect(logo).toBe(`${ORIGIN}/mx/logos/mxbank_50.svg`);
    expect(siteKey.startsWith(`${ORIGIN}/mx/sitekeys/`)).toBe(true);
    expect(oauth.startsWith(`${ORIGIN}/mx/oauth/authorize/`)).toBe(true);
    expect((await app.request(logo)).headers.get('content-type')).toBe('image/svg+xml');
    expect((await app.request(siteKey)).status).toBe(200);

    const page = await app.request(oauth);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('href="/mx/oauth/consent.css"');
    expect(html).toContain('src="/mx/oauth/consent.js"');
    expect(html).toContain('action="/mx/oauth/decision"');
    expect(html).toContain(`src="${ORIGIN}/mx/logos/mx_bank_oauth_100.svg"`);
    for (const asset of ['/mx/oauth/consent.css', '/mx/oauth/consent.js', '/mx/oauth/complete.js']) {
      expect((await app.request(`${ORIGIN}${asset}`)).status).toBe(200);
    }
    const session = /name="session" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const done = await app.request(`${ORIGIN}/mx/oauth/decision`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        session,
        opener_origin: 'https://partner.example',
        decision: 'authorize',
      }).toString(),
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('src="/mx/oauth/complete.js"');
    expect(
      JSON.parse((await api('GET', `/users/${user}/members/${member}/status`)).text).member.connection_status,
    ).toBe('CONNECTED');
  });

  it('takes an absolute URL for a sandbox behind a reverse proxy on another origin', async () => {
    const { logo, oauth } = await browserUrls({ basePath: 'https://bank.example/sandbox/' });
    expect(logo).toBe('https://bank.example/sandbox/logos/mxbank_50.svg');
    expect(oauth.startsWith('https://bank.example/sandbox/oauth/authorize/')).toBe(true);
  });

  it('is derived from Hono\u2019s app.route without the option, including a parameterised prefix', async () => {
    const app = new Hono().route('/tenants/:tenant/mx', createSandbox());
    const reply = await app.request(`${ORIGIN}/tenants/acme/mx/institutions/mxbank`, {
      headers: { Authorization: AUTH, Accept: MX_ACCEPT },
    });
    expect((await reply.json()).institution.small_logo_url).toBe(`${ORIGIN}/tenants/acme/mx/logos/mxbank_50.svg`);
  });

  it('refuses a malformed basePath, and takes one from the CLI', () => {
    for (const bad of ['mx', '/mx?x=1', '//evil.example/mx', 'https://user:pw@bank.example/mx', 'ftp://bank.example']) {
      expect(() => createSandbox({ basePath: bad }), bad).toThrow(/basePath must be a path/);
    }
    expect(parseSandboxArgs(['--base-path', '/mx'])).toEqual({ basePath: '/mx' });
  });
});
