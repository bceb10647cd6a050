// Issue 14 §2: the same-origin check behind Next.js route handlers and the Vite dev proxy, where the request URL the
// proxy sees is not the one the browser used; and the spoofing case those fixes must not open.
import { describe, expect, it } from 'vitest';

import { ALICE, createKit } from './proxyTestKit.ts';

const createBody = JSON.stringify({
  member: { institution_code: 'mxbank', credentials: [{ guid: 'CRD-1', value: 'pw' }] },
});

async function post(
  kit: ReturnType<typeof createKit>,
  url: string,
  headers: Record<string, string>,
): Promise<Response> {
  return kit.proxy.fetch(
    new Request(url, {
      method: 'POST',
      headers: {
        'X-Member-Connect': '1',
        'Content-Type': 'application/json',
        Authorization: `Bearer ${await kit.tokens.issue(ALICE)}`,
        ...headers,
      },
      body: createBody,
    }),
  );
}

// What a Next.js App Router route handler hands over: the server's own URL, the public host in X-Forwarded-*.
const NEXT_URL = 'http://localhost:3000/api/connect/members';
const NEXT_HEADERS = {
  Host: 'localhost:3000',
  'X-Forwarded-Host': 'app.partner.example',
  'X-Forwarded-Proto': 'https',
  Origin: 'https://app.partner.example',
};
// The Vite dev proxy's string shorthand: the page is on :5173, the proxy's server on :3001 with Host rewritten to it.
const VITE_URL = 'http://localhost:3001/members';
const VITE_HEADERS = { Host: 'localhost:3001', Origin: 'http://localhost:5173' };

describe('same-origin check behind another server', () => {
  it('accepts a Next.js-shaped write with trustProxy, and refuses it without', async () => {
    const trusting = createKit({ basePath: '/api/connect', trustProxy: true });
    expect((await post(trusting, NEXT_URL, NEXT_HEADERS)).status).toBe(200);
    expect(trusting.calls).toHaveLength(1);
    const plain = createKit({ basePath: '/api/connect' });
    const refused = await post(plain, NEXT_URL, NEXT_HEADERS);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: { message: 'Requests from this origin are not allowed.' } });
    expect(plain.calls).toHaveLength(0);
  });

  it('accepts Next.js- and Vite-shaped writes out of the box when the browser marks them Sec-Fetch-Site: same-origin', async () => {
    const next = createKit({ basePath: '/api/connect' });
    expect((await post(next, NEXT_URL, { ...NEXT_HEADERS, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    const vite = createKit();
    expect((await post(vite, VITE_URL, { ...VITE_HEADERS, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    // Without the browser's word, a rewritten Host leaves the Origin foreign.
    expect((await post(vite, VITE_URL, VITE_HEADERS)).status).toBe(403);
    expect(vite.calls).toHaveLength(1);
  });

  it('uses the first X-Forwarded-Host of a chain, and honours X-Forwarded-Proto', async () => {
    const kit = createKit({ trustProxy: true });
    const url = 'http://10.0.0.5:8080/members';
    const chained = { 'X-Forwarded-Host': 'app.partner.example, internal-lb:8080', 'X-Forwarded-Proto': 'https, http' };
    expect((await post(kit, url, { ...chained, Origin: 'https://app.partner.example' })).status).toBe(200);
    expect((await post(kit, url, { ...chained, Origin: 'http://app.partner.example' })).status).toBe(403);
    // Without X-Forwarded-Host, the Host header (and the URL's own scheme) is the reference.
    expect(
      (
        await post(kit, url, {
          Host: 'app.partner.example:8443',
          'X-Forwarded-Proto': 'https',
          Origin: 'https://app.partner.example:8443',
        })
      ).status,
    ).toBe(200);
  });

  it('ignores forged X-Forwarded-* headers when trustProxy is off', async () => {
    const kit = createKit();
    const forged = { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https', Origin: 'https://evil.example' };
    expect((await post(kit, 'http://proxy.test/members', forged)).status).toBe(403);
    expect(kit.calls).toHaveLength(0);
  });

  it("refuses a malformed forwarded host and other browsers' cross-site marks even with trustProxy", async () => {
    const kit = createKit({ trustProxy: true });
    const url = 'http://localhost:3000/members';
    for (const host of ['evil.example/x', 'evil.example@app.partner.example', '', ' ']) {
      const response = await post(kit, url, {
        'X-Forwarded-Host': host,
        'X-Forwarded-Proto': 'https',
        Origin: `https://${host}`,
      });
      expect(response.status, JSON.stringify(host)).toBe(403);
    }
    for (const site of ['same-site', 'cross-site', 'none']) {
      const response = await post(kit, url, { 'Sec-Fetch-Site': site, Origin: 'https://sibling.partner.example' });
      expect(response.status, site).toBe(403);
    }
    expect(
      (await post(kit, url, { 'X-Forwarded-Proto': 'javascript', Origin: 'javascript://localhost:3000' })).status,
    ).toBe(403);
    expect(kit.calls).toHaveLength(0);
  });

  it('refuses a non-boolean trustProxy at creation', () => {
    expect(() => createKit({ trustProxy: 'yes' as unknown as boolean })).toThrow(/`trustProxy` must be a boolean/);
  });
});
