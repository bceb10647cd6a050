// Accounts: a member has none until its first successful aggregation processes them; MX Bank then shows a checking,
// a savings, a card and a loan account, other institutions a checking and a savings account. Every reply goes through
// the harness's spec validation (AccountsResponseBody / AccountResponseBody, closed schemas).
import { describe, expect, it } from 'vitest';

import { AGGREGATION_MS, createHarness, ORIGIN, PREFIX } from './harness.ts';

interface Account {
  guid: string;
  name: string;
  type: string;
  subtype: string;
  account_number: string;
  balance: number;
  currency_code: string;
  member_guid: string;
  user_guid: string;
  institution_code: string;
}

describe('member and user accounts', () => {
  it('lists no accounts before the member connects, then MX Bank\u2019s four accounts once they are processed', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw');

    const before = await h.call('GET', `/users/${user}/members/${member}/accounts`);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      accounts: [],
      pagination: { current_page: 1, per_page: 25, total_entries: 0, total_pages: 0 },
    });

    h.advance(AGGREGATION_MS); // authenticated: CONNECTED, processing accounts
    expect((await h.call('GET', `/users/${user}/members/${member}/accounts`)).body.accounts).toEqual([]);
    h.advance(AGGREGATION_MS / 2); // halfway through processing: has_processed_accounts
    expect((await h.status(user, member)).has_processed_accounts).toBe(true);
    const reply = await h.call('GET', `/users/${user}/members/${member}/accounts`);
    const accounts = reply.body.accounts as Account[];
    expect(accounts.map((account) => [account.type, account.name])).toEqual([
      ['CHECKING', 'Everyday Checking'],
      ['SAVINGS', 'High-Yield Savings'],
      ['CREDIT_CARD', 'Rewards Visa'],
      ['LOAN', 'Auto Loan'],
    ]);
    for (const account of accounts) {
      expect(account).toMatchObject({
        member_guid: member,
        user_guid: user,
        institution_code: 'mxbank',
        currency_code: 'USD',
        subtype: expect.any(String),
      });
      expect(account.guid).toMatch(/^ACT-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      // Like MX, an account object carries only the last four digits; the full number is for …/account_numbers.
      expect(account.account_number).toMatch(/^\d{4}$/);
      expect(account.balance).toBeGreaterThan(0);
      expect(Number.isInteger(Math.round(account.balance * 100))).toBe(true);
    }
    expect(new Set(accounts.map((account) => account.guid)).size).toBe(4);
    expect(reply.body.pagination).toEqual({ current_page: 1, per_page: 25, total_entries: 4, total_pages: 1 });

    // The same member always shows the same accounts, through a re-aggregation too.
    h.advance(AGGREGATION_MS * 5);
    await h.call('POST', `/users/${user}/members/${member}/aggregate`);
    expect((await h.call('GET', `/users/${user}/members/${member}/accounts`)).body.accounts).toEqual(
      accounts.map((account) => ({ ...account, updated_at: expect.any(String) })),
    );
  });

  it('reads one account by member and by user; an unknown account or another user\u2019s member is a 404', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const other = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw');
    h.advance(AGGREGATION_MS * 2);
    const [checking] = (await h.call('GET', `/users/${user}/members/${member}/accounts`)).body.accounts as Account[];
    expect(checking).toBeDefined();
    const byMember = await h.call('GET', `/users/${user}/members/${member}/accounts/${checking?.guid}`);
    expect(byMember.body.account).toEqual(checking);
    const byUser = await h.call('GET', `/users/${user}/accounts/${checking?.guid}`);
    expect(byUser.body.account).toEqual(checking);
    expect((await h.call('GET', `/users/${user}/accounts/ACT-nope`)).status).toBe(404);
    expect((await h.call('GET', `/users/${user}/members/${member}/accounts/ACT-nope`)).status).toBe(404);
    expect((await h.call('GET', `/users/${other}/members/${member}/accounts`)).status).toBe(404);
    expect((await h.call('GET', `/users/${other}/accounts/${checking?.guid}`)).status).toBe(404);
    expect((await h.call('GET', `/users/${other}/accounts`)).body.accounts).toEqual([]);
  });

  it('lists a user\u2019s accounts across members, paginated, with the spec\u2019s filters', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const first = await h.createMxbankMember(user, 'pw', { use_cases: ['PFM'] });
    const second = await h.createMxbankMember(user, 'other-password', { use_cases: ['MONEY_MOVEMENT'] });
    const denied = await h.createMxbankMember(user, 'INVALID');
    h.advance(AGGREGATION_MS * 2);
    const all = await h.call('GET', `/users/${user}/accounts`);
    expect(all.body.pagination.total_entries).toBe(8);
    expect(new Set((all.body.accounts as Account[]).map((account) => account.member_guid))).toEqual(
      new Set([first, second]),
    );
    expect((all.body.accounts as Account[]).some((account) => account.member_guid === denied)).toBe(false);

    const page2 = await h.call('GET', `/users/${user}/accounts?records_per_page=10&page=1`);
    expect(page2.body.accounts).toHaveLength(8);
    const pfm = await h.call('GET', `/users/${user}/accounts?use_case=PFM`);
    expect(new Set((pfm.body.accounts as Account[]).map((account) => account.member_guid))).toEqual(new Set([first]));
    expect((await h.call('GET', `/users/${user}/accounts?is_manual=true`)).body.accounts).toEqual([]);
    expect(
      (await h.call('GET', `/users/${user}/accounts?member_is_managed_by_user=false`)).body.pagination.total_entries,
    ).toBe(8);
    expect((await h.call('GET', `/users/${user}/accounts?is_manual=maybe`)).status).toBe(400);
    expect((await h.call('GET', `/users/${user}/accounts?use_case=OTHER`)).status).toBe(400);
    expect((await h.call('GET', `/users/USR-nobody/accounts`)).status).toBe(404);
  });

  it('gives another institution\u2019s connected member a checking and a savings account', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const institutions = await h.call('GET', '/institutions?name=savings&records_per_page=10');
    const institution = institutions.body.institutions.find(
      (item: { supports_oauth: boolean }) => !item.supports_oauth,
    );
    const credentials = (await h.call('GET', `/institutions/${institution.code}/credentials`)).body.credentials as {
      guid: string;
      options?: { value: string }[];
    }[];
    const answers = credentials.map((credential) => ({
      guid: credential.guid,
      value: credential.options?.[0]?.value ?? 'anything',
    }));
    const created = await h.call('POST', `/users/${user}/members`, {
      member: { institution_code: institution.code, credentials: answers },
    });
    h.advance(AGGREGATION_MS * 2);
    const accounts = (await h.call('GET', `/users/${user}/members/${created.body.member.guid}/accounts`)).body
      .accounts as Account[];
    expect(accounts.map((account) => account.type)).toEqual(['CHECKING', 'SAVINGS']);
    expect(accounts[0]?.institution_code).toBe(institution.code);
    expect(accounts[0]?.currency_code).toBe(
      institution.iso_country_code === 'CA' ? 'CAD' : institution.iso_country_code === 'MX' ? 'MXN' : 'USD',
    );
  });

  it('gives the OAuth MX Bank its accounts once consent is given and the job has processed them', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const created = await h.call('POST', `/users/${user}/members`, {
      member: { institution_code: 'mx_bank_oauth', is_oauth: true, credentials: [] },
    });
    const member = created.body.member.guid as string;
    expect((await h.call('GET', `/users/${user}/members/${member}/accounts`)).body.accounts).toEqual([]);
    const page = await h.app.request(created.body.member.oauth_window_uri as string, {
      headers: { Referer: 'https://partner.example/connect' },
    });
    const session = /name="session" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const decided = await h.app.request(`${ORIGIN}${PREFIX}/oauth/decision`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        session,
        opener_origin: 'https://partner.example',
        decision: 'authorize',
      }).toString(),
    });
    expect(decided.status).toBe(200);
    h.advance(AGGREGATION_MS);
    const accounts = (await h.call('GET', `/users/${user}/members/${member}/accounts`)).body.accounts as Account[];
    expect(accounts.map((account) => account.type)).toEqual(['CHECKING', 'SAVINGS', 'CREDIT_CARD', 'LOAN']);
    expect(accounts[0]?.institution_code).toBe('mx_bank_oauth');
  });

  it('drops a member\u2019s accounts with the member', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw');
    h.advance(AGGREGATION_MS * 2);
    expect((await h.call('GET', `/users/${user}/accounts`)).body.pagination.total_entries).toBe(4);
    expect((await h.call('DELETE', `/users/${user}/members/${member}`)).status).toBe(204);
    expect((await h.call('GET', `/users/${user}/accounts`)).body.accounts).toEqual([]);
  });
});
