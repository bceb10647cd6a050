// @vitest-environment jsdom
// The same sandbox answers inside jsdom (where unit tests forward MSW requests to it): Web-standard APIs only.
import { describe, expect, it } from 'vitest';

import { createSandbox, MXBANK_LOGIN_GUID, MXBANK_PASSWORD_GUID } from '../../../src/server/sandbox/index.ts';

describe('sandbox in jsdom', () => {
  it('runs a connect flow and serves the OAuth consent page', async () => {
    expect(typeof window).toBe('object');
    let time = 0;
    const sandbox = createSandbox({ now: () => time, aggregationMs: 100 });
    const headers = {
      Authorization: `Basic ${btoa('sandbox-client-id:sandbox-api-key')}`,
      Accept: 'application/vnd.mx.api.v1+json',
      'Content-Type': 'application/json',
    };
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await sandbox.request(`http://sandbox.local${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };
    const user = (await call('POST', '/users', { user: { metadata: 'jsdom' } })).body.user.guid;
    const member = (
      await call('POST', `/users/${user}/members`, {
        member: {
          institution_code: 'mxbank',
          credentials: [
            { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
            { guid: MXBANK_PASSWORD_GUID, value: 'x' },
          ],
        },
      })
    ).body.member.guid;
    time += 200;
    expect((await call('GET', `/users/${user}/members/${member}/status`)).body.member).toMatchObject({
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
    });
    const oauth = await call('POST', `/users/${user}/members`, {
      member: { institution_code: 'mx_bank_oauth', is_oauth: true, credentials: [] },
    });
    const page = await sandbox.request(oauth.body.member.oauth_window_uri);
    expect(page.status).toBe(200);
    const form = new URLSearchParams({
      session: /name="session" value="([^"]+)"/.exec(await page.text())?.[1] ?? '',
      decision: 'authorize',
    });
    const done = await sandbox.request('http://sandbox.local/oauth/decision', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(await done.text()).toContain('data-result="success"');
  });
});
