// `npm start`'s server as a person meets it: the built entry, started on a free loopback port.
import { describe, expect, it } from 'vitest';

import { startBuiltDemo } from '../support/demoServer.ts';

describe('the built demo server (dist/node/demo.js)', () => {
  it('prints its URL and the sandbox test credentials, and serves the page, proxy and sandbox on that one port', async () => {
    const demo = await startBuiltDemo();
    try {
      expect(demo.output()).toContain('mxuser');
      expect(demo.output()).toContain('INVALID');
      expect(demo.output()).toContain(`${demo.url}/sandbox`);

      const page = await fetch(`${demo.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

      const institutions = await fetch(`${demo.url}/api/connect/institutions?name=mx%20bank`, {
        headers: { Cookie: cookie, 'X-Member-Connect': '1' },
      });
      expect(institutions.status).toBe(200);
      expect(JSON.stringify(await institutions.json())).toContain('"code":"mxbank"');

      const sandbox = await fetch(`${demo.url}/sandbox/institutions/mxbank`, {
        headers: {
          Accept: 'application/vnd.mx.api.v1+json',
          Authorization: `Basic ${btoa('sandbox-client-id:sandbox-api-key')}`,
        },
      });
      expect(sandbox.status).toBe(200);
    } finally {
      await demo.stop();
    }
  });

  it('refuses to start with only some MX settings, naming the missing ones', async () => {
    const started = startBuiltDemo({ MX_BASE_URL: 'https://int-api.mx.com', MX_API_KEY: 'key' });
    await expect(started).rejects.toThrow(/MX_CLIENT_ID is not set/);
  });
});
