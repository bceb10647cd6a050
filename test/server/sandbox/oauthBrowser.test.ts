// The OAuth consent page in a real Chromium: a partner page on another origin opens oauth_window_uri in a popup, the
// user clicks Authorize or Deny, and the opener receives MX's message, from the sandbox's origin, addressed to the
// partner's origin only; the popup closes; no CSP violation on the sandbox's strict policy.
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSandbox } from '../../../src/server/sandbox/index.ts';
import { launchChromium, newTestContext } from '../../support/browser.ts';
import { AUTH, MX_ACCEPT } from './harness.ts';

type Server = ReturnType<typeof serve>;

async function listen(app: Hono): Promise<{ server: Server; origin: string }> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

// The partner page: opens the URI from a click (as the widget does) and records what it receives.
const PARTNER_PAGE = `<!doctype html><html lang="en"><head><title>Partner</title></head><body>
<button id="open">Connect</button>
<script>
  window.received = [];
  window.addEventListener('message', (event) => { window.received.push({ origin: event.origin, data: event.data }); });
  document.getElementById('open').addEventListener('click', () => {
    window.popup = window.open(new URL(location.href).searchParams.get('uri'), 'oauth', 'width=500,height=600');
  });
</script></body></html>`;

describe('OAuth consent page in Chromium', () => {
  let browser: Browser;
  let sandbox: { server: Server; origin: string };
  let partner: { server: Server; origin: string };

  beforeAll(async () => {
    browser = await launchChromium();
    sandbox = await listen(new Hono().route('/sandbox', createSandbox({ aggregationMs: 50 })));
    partner = await listen(new Hono().get('/', (c) => c.html(PARTNER_PAGE)));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    sandbox?.server.close();
    partner?.server.close();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.origin}/sandbox${path}`, {
      method,
      headers: { Authorization: AUTH, Accept: MX_ACCEPT, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };

  it.each([
    ['Authorize', 'oauthComplete/success', 'CONNECTED'],
    ['Deny', 'oauthComplete/error', 'DENIED'],
  ])('%s → %s to the opener, member %s', async (button, type, status) => {
    const { user } = await api('POST', '/users', { user: { metadata: 'browser' } });
    const { member } = await api('POST', `/users/${user.guid}/members`, {
      member: { institution_code: 'mx_bank_oauth', is_oauth: true, credentials: [] },
    });
    expect(member.oauth_window_uri.startsWith(`${sandbox.origin}/sandbox/oauth/authorize/`)).toBe(true);

    const { context, page, problems, close } = await newTestContext(browser, partner.origin);
    try {
      await page.goto(`${partner.origin}/?uri=${encodeURIComponent(member.oauth_window_uri)}`);
      const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#open')]);
      await popup.waitForLoadState();
      await popup.getByRole('button', { name: button }).click();
      await popup.waitForEvent('close', { timeout: 15_000 });
      await page.waitForFunction(() => (window as unknown as { received: unknown[] }).received.length > 0);
      const received = await page.evaluate(() => (window as unknown as { received: unknown[] }).received);
      expect(received).toEqual([
        {
          origin: sandbox.origin,
          data: {
            mx: true,
            type,
            metadata:
              type === 'oauthComplete/success'
                ? { member_guid: member.guid }
                : { member_guid: member.guid, error_reason: 'DENIED' },
          },
        },
      ]);
      expect(problems.cspViolations).toEqual([]);
      expect(problems.pageErrors).toEqual([]);
      const read = await api('GET', `/users/${user.guid}/members/${member.guid}/status`);
      expect(read.member.connection_status).toBe(status);
    } finally {
      await close();
    }
  });
});
