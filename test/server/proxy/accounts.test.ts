// GET /members/{member_guid}/accounts: read-only, scoped to the session's user, and each account reduced to what an
// account picker needs. No full account number, balance or user field ever reaches the browser.
import { describe, expect, it } from 'vitest';

import { MXBANK_LOGIN_GUID, MXBANK_PASSWORD_GUID } from '../../../src/server/sandbox/index.ts';
import { ALICE, createKit, json, MEMBER } from './proxyTestKit.ts';
import { createSandboxProxy, createUpstream } from './sandboxProxyKit.ts';

const ACCOUNT_FIELDS = ['account_number_last_four', 'guid', 'member_guid', 'name', 'subtype', 'type'];

describe('GET /members/{member_guid}/accounts', () => {
  it("lists a connected member's accounts from the real sandbox with only the allowed fields, for its own user only", async () => {
    let time = 1_800_000_000_000;
    const upstream = createUpstream({ now: () => time, aggregationMs: 1_000 });
    const [alice, bob] = [await upstream.createUser(), await upstream.createUser()];
    let current = alice;
    const proxy = createSandboxProxy(upstream, () => current);
    const call = (path: string, init: { method?: string; body?: unknown } = {}) =>
      proxy.call(path, {}, init.method ?? 'GET', init.body);

    const created = await call('/members', {
      method: 'POST',
      body: {
        member: {
          institution_code: 'mxbank',
          credentials: [
            { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
            { guid: MXBANK_PASSWORD_GUID, value: `pw-${crypto.randomUUID()}` },
          ],
        },
      },
    });
    const guid = ((await created.json()) as { member: { guid: string } }).member.guid;
    time += 60_000;

    const response = await call(`/members/${guid}/accounts?records_per_page=10`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as { accounts: Record<string, unknown>[]; pagination: Record<string, unknown> };
    expect(body.accounts.length).toBeGreaterThan(0);
    for (const account of body.accounts) {
      expect(Object.keys(account).sort()).toEqual(ACCOUNT_FIELDS);
      expect(account.member_guid).toBe(guid);
      expect(account.account_number_last_four).toMatch(/^\d{4}$/);
    }
    expect(body.pagination).toMatchObject({ current_page: 1, per_page: 10 });
    for (const leak of [alice, 'user_guid', 'balance', 'account_number"', 'routing_number'])
      expect(text).not.toContain(leak);

    // Bob cannot list Alice's accounts, and the browser cannot choose the user.
    current = bob;
    expect((await call(`/members/${guid}/accounts`)).status).toBe(404);
    expect((await call(`/members/${guid}/accounts?user_guid=${alice}`)).status).toBe(400);
    expect((await call(`/members/${guid}/accounts`, { method: 'POST', body: {} })).status).toBe(405);
  });

  it('never passes a full account number, balances or user fields, whatever MX sends', async () => {
    const full = '9876543210123456';
    const { call, calls, logs } = createKit({}, () =>
      json({
        accounts: [
          {
            guid: 'ACT-1',
            member_guid: MEMBER,
            user_guid: ALICE,
            user_id: 'partner-user-9',
            name: 'Checking',
            type: 'CHECKING',
            subtype: 'NONE',
            account_number: full,
            feed_account_number: full,
            routing_number: '091000019',
            balance: 1234.56,
            available_balance: 1000,
          },
          {
            guid: 'ACT-2',
            member_guid: MEMBER,
            name: 'Card',
            type: 'CREDIT_CARD',
            subtype: null,
            account_number: 'xx-12',
          },
        ],
        pagination: { current_page: 1, per_page: 25, total_entries: 2, total_pages: 1 },
      }),
    );
    const response = await call(`/members/${MEMBER}/accounts`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      accounts: [
        {
          guid: 'ACT-1',
          member_guid: MEMBER,
          name: 'Checking',
          type: 'CHECKING',
          subtype: 'NONE',
          account_number_last_four: '3456',
        },
        {
          guid: 'ACT-2',
          member_guid: MEMBER,
          name: 'Card',
          type: 'CREDIT_CARD',
          subtype: null,
          account_number_last_four: null,
        },
      ],
      pagination: { current_page: 1, per_page: 25, total_entries: 2, total_pages: 1 },
    });
    for (const leak of [full, full.slice(0, 12), '091000019', '1234.56', ALICE, 'partner-user-9'])
      expect(text).not.toContain(leak);
    expect(calls[0]?.url.pathname).toBe(`/api/users/${ALICE}/members/${MEMBER}/accounts`);
    expect(logs[0]?.route).toBe('/members/:member_guid/accounts');
  });

  it('counts in the read group', async () => {
    const { call } = createKit({ rateLimit: { read: { limit: 1, windowMs: 60_000 } } });
    expect((await call(`/members/${MEMBER}/accounts`)).status).toBe(200);
    expect((await call(`/members/${MEMBER}/accounts`)).status).toBe(429);
    expect((await call(`/members/${MEMBER}/status`)).status).toBe(200);
  });
});
