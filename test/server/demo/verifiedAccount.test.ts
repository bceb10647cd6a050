// POST /demo/verified-account: the demo's backend step of verification mode. It reads the chosen account's numbers
// from the sandbox with readAccountNumbers for the session's own user and sends the browser the last digits only.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { createDemoServer, DEMO_SESSION_COOKIE } from '../../../src/server/demo/createDemoServer.ts';
import { MXBANK_LOGIN_GUID, MXBANK_PASSWORD_GUID } from '../../../src/server/sandbox/index.ts';

const PUBLIC_URL = 'http://127.0.0.1:3999';
const WIDGET = { 'X-Member-Connect': '1', 'Content-Type': 'application/json' };

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'demo-verified-test-'));
  mkdirSync(path.join(root, 'demo'));
  writeFileSync(path.join(root, 'demo', 'index.html'), '<!doctype html><title>partner page</title>');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function demo() {
  const app = createDemoServer({ publicUrl: PUBLIC_URL, demoRoot: path.join(root, 'demo'), sandboxAggregationMs: 5 });
  const request = (url: string, init: RequestInit = {}) => app.request(`${PUBLIC_URL}${url}`, init);
  return { request };
}

async function session(app: ReturnType<typeof demo>): Promise<string> {
  const response = await app.request('/', { headers: { Accept: 'text/html', 'Sec-Fetch-Dest': 'document' } });
  const match = new RegExp(`${DEMO_SESSION_COOKIE}=([^;]+)`).exec(response.headers.get('set-cookie') ?? '');
  return `${DEMO_SESSION_COOKIE}=${match?.[1] ?? ''}`;
}

/** A verified MX Bank member of this session, as the widget leaves it: its guid and its checking account's guid. */
async function verifiedMember(app: ReturnType<typeof demo>, cookie: string) {
  const headers = { ...WIDGET, Cookie: cookie };
  const created = await app.request('/api/connect/members', {
    method: 'POST',
    headers,
    body: JSON.stringify({
      member: {
        institution_code: 'mxbank',
        skip_aggregation: true,
        credentials: [
          { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
          { guid: MXBANK_PASSWORD_GUID, value: `pw-${crypto.randomUUID()}` },
        ],
      },
    }),
  });
  const memberGuid = ((await created.json()) as { member: { guid: string } }).member.guid;
  expect((await app.request(`/api/connect/members/${memberGuid}/verify`, { method: 'POST', headers })).status).toBe(
    200,
  );
  await vi.waitFor(
    async () => {
      const status = await app.request(`/api/connect/members/${memberGuid}/status`, { headers });
      expect(
        ((await status.json()) as { member: { connection_status: string; is_being_aggregated: boolean } }).member,
      ).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false });
    },
    { timeout: 5000, interval: 20 },
  );
  const accounts = await app.request(`/api/connect/members/${memberGuid}/accounts`, { headers });
  const list = (
    (await accounts.json()) as { accounts: { guid: string; type: string; account_number_last_four: string }[] }
  ).accounts;
  const checking = list.find((account) => account.type === 'CHECKING');
  if (!checking) throw new Error('no checking account');
  return { memberGuid, checking };
}

describe('POST /demo/verified-account', () => {
  it("reads the session's verified account from MX and answers and logs its last digits only", async () => {
    const logged: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
    const app = demo();
    const cookie = await session(app);
    const { memberGuid, checking } = await verifiedMember(app, cookie);
    const response = await app.request('/demo/verified-account', {
      method: 'POST',
      headers: { ...WIDGET, Cookie: cookie },
      body: JSON.stringify({ memberGuid, accountGuid: checking.guid }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      accountNumberLastFour: checking.account_number_last_four,
      routingNumberLastFour: expect.stringMatching(/^\d{4}$/),
      passedValidation: true,
    });
    // The full numbers exist at MX (10 digits, 9 for routing) but neither the answer nor the log carries them.
    expect(text).not.toMatch(/\d{5,}/);
    expect(logged.join('\n')).toContain(`verified ${checking.guid}: account ••${checking.account_number_last_four}`);
    // Guids are random hex and may hold five digits in a row: only what is left once they are taken out is checked.
    expect(logged.join('\n').replace(/\b[A-Z]{3}-[0-9a-f-]{36}\b/g, 'GUID')).not.toMatch(/\d{5,}/);
  });

  it("refuses another session's member, a request without the widget header, and a body without guids", async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const app = demo();
    const alice = await session(app);
    const bob = await session(app);
    const { memberGuid, checking } = await verifiedMember(app, alice);
    const body = JSON.stringify({ memberGuid, accountGuid: checking.guid });
    const asBob = await app.request('/demo/verified-account', {
      method: 'POST',
      headers: { ...WIDGET, Cookie: bob },
      body,
    });
    expect(asBob.status).toBe(404);
    expect(await asBob.text()).not.toContain(checking.account_number_last_four + '"');
    const noHeader = await app.request('/demo/verified-account', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: alice },
      body,
    });
    expect(noHeader.status).toBe(403);
    const noGuids = await app.request('/demo/verified-account', {
      method: 'POST',
      headers: { ...WIDGET, Cookie: alice },
      body: '{}',
    });
    expect(noGuids.status).toBe(400);
    const noSession = await app.request('/demo/verified-account', { method: 'POST', headers: WIDGET, body });
    expect(noSession.status).toBe(401);
  });
});
