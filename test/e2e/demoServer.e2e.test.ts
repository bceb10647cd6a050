// `npm start`'s server as a person meets it: the built entry, started on a free loopback port.
import { describe, expect, it } from 'vitest';

import { startBuiltDemo } from '../support/demoServer.ts';

const SANDBOX_API_HEADERS = {
  Accept: 'application/vnd.mx.api.v1+json',
  Authorization: `Basic ${btoa('sandbox-client-id:sandbox-api-key')}`,
};

describe('the built demo server (dist/node/demo.js)', () => {
  it('prints its URL and the sandbox test credentials, and serves the page and proxy on that one port', async () => {
    const demo = await startBuiltDemo();
    try {
      expect(demo.output()).toContain('mxuser');
      expect(demo.output()).toContain('INVALID');
      expect(demo.output()).toContain('in-process');
      expect(demo.output()).not.toContain('!!!');

      const page = await fetch(`${demo.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

      const institutions = await fetch(`${demo.url}/api/connect/institutions?name=mx%20bank`, {
        headers: { Cookie: cookie, 'X-Member-Connect': '1' },
      });
      expect(institutions.status).toBe(200);
      expect(JSON.stringify(await institutions.json())).toContain('"code":"mxbank"');

      // The sandbox's MX API is not on the network; the pictures a browser loads are.
      const sandboxApi = await fetch(`${demo.url}/sandbox/users`, { headers: SANDBOX_API_HEADERS });
      expect(sandboxApi.status).toBe(404);
      expect((await fetch(`${demo.url}/sandbox/logos/mxbank_100.svg`)).status).toBe(200);
    } finally {
      await demo.stop();
    }
  });

  it('serves the sandbox API with DEMO_PUBLIC_SANDBOX=1, and says so loudly', async () => {
    const demo = await startBuiltDemo({ DEMO_PUBLIC_SANDBOX: '1' });
    try {
      expect(demo.output()).toContain(`PUBLIC at ${demo.url}/sandbox`);
      const sandboxApi = await fetch(`${demo.url}/sandbox/institutions/mxbank`, { headers: SANDBOX_API_HEADERS });
      expect(sandboxApi.status).toBe(200);
    } finally {
      await demo.stop();
    }
  });

  it('refuses DEMO_PUBLIC_SANDBOX=1 on a non-loopback HOST without the second setting', async () => {
    const started = startBuiltDemo({ HOST: '0.0.0.0', DEMO_PUBLIC_SANDBOX: '1' });
    await expect(started).rejects.toThrow(/DEMO_PUBLIC_SANDBOX_ON_NETWORK=1/);
  });

  it('refuses to start with only some MX settings, naming the missing ones', async () => {
    const started = startBuiltDemo({ MX_BASE_URL: 'https://int-api.mx.com', MX_API_KEY: 'key' });
    await expect(started).rejects.toThrow(/MX_CLIENT_ID is not set/);
  });
});
