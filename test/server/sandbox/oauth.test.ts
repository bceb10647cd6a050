// OAuth with mx_bank_oauth: PENDING with a single-use oauth_window_uri, the consent page (strict CSP, no inline
// script), Authorize and Deny through its form, the completion page's postMessage data, and fresh URIs.
import { describe, expect, it } from 'vitest';

import { AGGREGATION_MS, createHarness, ORIGIN, PREFIX } from './harness.ts';

async function oauthMember(extra: Record<string, unknown> = {}) {
  const h = createHarness();
  const user = await h.createUser();
  const created = await h.call('POST', `/users/${user}/members`, {
    // The v20111101 schema requires `credentials`; an empty list satisfies it and sends none (OAUTH: no credentials).
    member: { institution_code: 'mx_bank_oauth', is_oauth: true, credentials: [], ...extra },
  });
  expect(created.status).toBe(202);
  return {
    h,
    user,
    member: created.body.member as {
      guid: string;
      oauth_window_uri: string;
      connection_status: string;
      is_oauth: boolean;
    },
  };
}

/** Opens the consent page like a browser would and submits its form with the given button. */
async function decide(
  h: ReturnType<typeof createHarness>,
  uri: string,
  decision: 'authorize' | 'deny',
  openerOrigin = 'https://partner.example',
) {
  const page = await h.app.request(uri, { headers: { Referer: `${openerOrigin}/connect` } });
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const session = /name="session" value="([^"]+)"/.exec(html)?.[1];
  expect(action).toBe(`${PREFIX}/oauth/decision`);
  expect(html).toContain('value="authorize"');
  expect(html).toContain('value="deny"');
  // consent.js copies document.referrer's origin into this field before the form is submitted.
  const form = new URLSearchParams({ session: session ?? '', opener_origin: openerOrigin, decision });
  const done = await h.app.request(`${ORIGIN}${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return { page, html, done, doneHtml: await done.text() };
}

const dataAttribute = (html: string, name: string) => new RegExp(`data-${name}="([^"]*)"`).exec(html)?.[1];

describe('OAuth (mx_bank_oauth)', () => {
  it('creates a PENDING OAuth member without credentials, with a one-time URI on the sandbox', async () => {
    const { h, user, member } = await oauthMember();
    expect(member).toMatchObject({ connection_status: 'PENDING', is_oauth: true });
    expect(member.oauth_window_uri).toMatch(new RegExp(`^${ORIGIN}${PREFIX}/oauth/authorize/[0-9a-f]{64}$`));
    expect(await h.status(user, member.guid)).toMatchObject({
      connection_status: 'PENDING',
      is_being_aggregated: false,
    });
  });

  it('also accepts MX\u2019s documented form with no credentials key at all', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const reply = await h.app.request(`${ORIGIN}${PREFIX}/users/${user}/members`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${btoa('sandbox-client-id:sandbox-api-key')}`,
        Accept: 'application/vnd.mx.api.v1+json',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        member: { institution_code: 'mx_bank_oauth', is_oauth: true },
        referral_source: 'BROWSER',
      }),
    });
    expect(reply.status).toBe(202);
    expect((await reply.json()).member.connection_status).toBe('PENDING');
  });

  it('Authorize connects the member (aggregation follows) and tells the opener oauthComplete/success', async () => {
    const { h, user, member } = await oauthMember();
    const { page, html, done, doneHtml } = await decide(h, member.oauth_window_uri, 'authorize');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    expect(html).not.toMatch(/<style|style="/); // no inline style
    expect(html).toContain(`<script src="${PREFIX}/oauth/consent.js" defer></script>`);
    expect(done.status).toBe(200);
    expect(dataAttribute(doneHtml, 'result')).toBe('success');
    expect(dataAttribute(doneHtml, 'member-guid')).toBe(member.guid);
    expect(dataAttribute(doneHtml, 'target-origin')).toBe('https://partner.example');
    expect(doneHtml).toContain(`<script src="${PREFIX}/oauth/complete.js" defer></script>`);
    expect(await h.status(user, member.guid)).toMatchObject({
      connection_status: 'CONNECTED',
      is_authenticated: true,
      is_being_aggregated: true,
    });
    h.advance(AGGREGATION_MS);
    expect(await h.status(user, member.guid)).toMatchObject({
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
    });
  });

  it('Deny ends the member DENIED and tells the opener oauthComplete/error', async () => {
    const { h, user, member } = await oauthMember();
    const { doneHtml } = await decide(h, member.oauth_window_uri, 'deny');
    expect(dataAttribute(doneHtml, 'result')).toBe('error');
    expect(dataAttribute(doneHtml, 'error-reason')).toBe('DENIED');
    expect(await h.status(user, member.guid)).toMatchObject({
      connection_status: 'DENIED',
      is_being_aggregated: false,
    });
  });

  it('uses each URI once; GET oauth_window_uri issues a fresh one', async () => {
    const { h, user, member } = await oauthMember();
    expect((await h.app.request(member.oauth_window_uri)).status).toBe(200);
    const reused = await h.app.request(member.oauth_window_uri);
    expect(reused.status).toBe(404);
    expect(await reused.text()).toContain('expired');
    const fresh = await h.call('GET', `/users/${user}/members/${member.guid}/oauth_window_uri`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.member.guid).toBe(member.guid);
    expect(fresh.body.member.oauth_window_uri).not.toBe(member.oauth_window_uri);
    await decide(h, fresh.body.member.oauth_window_uri, 'authorize');
    expect((await h.status(user, member.guid)).connection_status).toBe('CONNECTED');
  });

  it('expires an unused URI after 10 minutes (injected clock)', async () => {
    const { h, user, member } = await oauthMember();
    h.advance(10 * 60 * 1000 + 1);
    expect((await h.app.request(member.oauth_window_uri)).status).toBe(404);
    const fresh = await h.call('GET', `/users/${user}/members/${member.guid}/oauth_window_uri`);
    expect((await h.app.request(fresh.body.member.oauth_window_uri)).status).toBe(200);
  });

  it('refuses a replayed or forged consent decision', async () => {
    const { h } = await oauthMember();
    const forged = await h.app.request(`${ORIGIN}${PREFIX}/oauth/decision`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'session=forged&decision=authorize',
    });
    expect(forged.status).toBe(404);
  });

  it('falls back to its own origin when the opener origin is unknown or not an http(s) origin', async () => {
    const { h, member } = await oauthMember();
    const { doneHtml } = await decide(h, member.oauth_window_uri, 'authorize', 'javascript:alert(1)');
    expect(dataAttribute(doneHtml, 'target-origin')).toBe('');
  });

  it('serves the page scripts and styles as separate resources', async () => {
    const h = createHarness();
    const complete = await h.app.request(`${ORIGIN}${PREFIX}/oauth/complete.js`);
    expect(complete.headers.get('content-type')).toMatch(/^text\/javascript/);
    const script = await complete.text();
    expect(script).toContain("'oauthComplete/success'");
    expect(script).toContain('postMessage(message, target)');
    expect((await h.app.request(`${ORIGIN}${PREFIX}/oauth/consent.js`)).status).toBe(200);
    expect((await h.app.request(`${ORIGIN}${PREFIX}/oauth/consent.css`)).headers.get('content-type')).toMatch(
      /^text\/css/,
    );
  });

  it('skip_aggregation on the fresh URI connects without a job; a non-OAuth member has no URI (400)', async () => {
    const { h, user, member } = await oauthMember();
    const fresh = await h.call(
      'GET',
      `/users/${user}/members/${member.guid}/oauth_window_uri?skip_aggregation=true&referral_source=BROWSER`,
    );
    await decide(h, fresh.body.member.oauth_window_uri, 'authorize');
    expect(await h.status(user, member.guid)).toMatchObject({
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
    });
    const plain = await h.createMxbankMember(user, 'pw');
    expect((await h.call('GET', `/users/${user}/members/${plain}/oauth_window_uri`)).status).toBe(400);
  });
});
