// Transactions: three months of deterministic everyday banking per connected member, newest first, in MX's date
// window, paginated, by member and by account; none before the first successful aggregation.
import { describe, expect, it } from 'vitest';

import { AGGREGATION_MS, createHarness } from './harness.ts';

interface Transaction {
  guid: string;
  account_guid: string;
  member_guid: string;
  amount: number;
  type: string;
  date: string;
  description: string;
  category: string;
  top_level_category: string;
  is_income: boolean;
  status: string;
}

async function connectedMember() {
  const h = createHarness();
  const user = await h.createUser();
  const member = await h.createMxbankMember(user, 'pw');
  return { h, user, member };
}

describe('transactions', () => {
  it('lists none while the first job runs, then about three months of them, newest first', async () => {
    const { h, user, member } = await connectedMember();
    expect((await h.call('GET', `/users/${user}/members/${member}/transactions`)).body.transactions).toEqual([]);
    h.advance(AGGREGATION_MS * 1.5); // accounts processed, transactions not yet
    expect((await h.call('GET', `/users/${user}/members/${member}/transactions`)).body.transactions).toEqual([]);
    h.advance(AGGREGATION_MS / 2);
    expect((await h.status(user, member)).has_processed_transactions).toBe(true);

    const reply = await h.call('GET', `/users/${user}/members/${member}/transactions?records_per_page=1000`);
    const list = reply.body.transactions as Transaction[];
    expect(reply.body.pagination.total_entries).toBe(list.length);
    expect(list.length).toBeGreaterThan(60);
    const dates = list.map((transaction) => transaction.date);
    expect(dates).toEqual([...dates].sort().reverse());
    const today = new Date(h.now()).toISOString().slice(0, 10);
    expect(dates[0]).toBe(today);
    const oldest = new Date(`${dates.at(-1)}T00:00:00Z`).getTime();
    expect((h.now() - oldest) / 86_400_000).toBeGreaterThan(80);
    expect(new Set(list.map((transaction) => transaction.guid)).size).toBe(list.length);
    for (const transaction of list) {
      expect(transaction.guid).toMatch(/^TRN-/);
      expect(transaction.member_guid).toBe(member);
      expect(transaction.amount).toBeGreaterThan(0);
      expect(['DEBIT', 'CREDIT']).toContain(transaction.type);
      expect(transaction.status).toBe('POSTED');
    }
    // Plausible: pay comes in every other week, rent goes out monthly, on the checking account.
    const accounts = (await h.call('GET', `/users/${user}/members/${member}/accounts`)).body.accounts as {
      guid: string;
      type: string;
    }[];
    const checking = accounts.find((account) => account.type === 'CHECKING')?.guid;
    const pay = list.filter((transaction) => transaction.description === 'Acme Corp Payroll');
    expect(pay.length).toBeGreaterThanOrEqual(6);
    expect(
      pay.every(
        (transaction) =>
          transaction.type === 'CREDIT' && transaction.is_income && transaction.account_guid === checking,
      ),
    ).toBe(true);
    expect(list.filter((transaction) => transaction.category === 'Mortgage & Rent').length).toBeGreaterThanOrEqual(2);
    expect(new Set(list.map((transaction) => transaction.account_guid))).toEqual(
      new Set(accounts.map((account) => account.guid)),
    );

    // Deterministic: the same member reads the same history later, through a re-aggregation.
    h.advance(AGGREGATION_MS * 10);
    await h.call('POST', `/users/${user}/members/${member}/aggregate`);
    h.advance(AGGREGATION_MS * 2);
    const later = await h.call('GET', `/users/${user}/members/${member}/transactions?records_per_page=1000`);
    expect(later.body.transactions).toEqual(list);
  });

  it('paginates, filters by date, and lists one account\u2019s transactions', async () => {
    const { h, user, member } = await connectedMember();
    h.advance(AGGREGATION_MS * 2);
    const all = (await h.call('GET', `/users/${user}/members/${member}/transactions?records_per_page=1000`)).body
      .transactions as Transaction[];
    const first = await h.call('GET', `/users/${user}/members/${member}/transactions?records_per_page=10&page=1`);
    const second = await h.call('GET', `/users/${user}/members/${member}/transactions?records_per_page=10&page=2`);
    expect(first.body.transactions).toEqual(all.slice(0, 10));
    expect(second.body.transactions).toEqual(all.slice(10, 20));
    expect(first.body.pagination).toEqual({
      current_page: 1,
      per_page: 10,
      total_entries: all.length,
      total_pages: Math.ceil(all.length / 10),
    });

    const from = all[20]?.date ?? '';
    const to = all[10]?.date ?? '';
    const window = await h.call(
      'GET',
      `/users/${user}/members/${member}/transactions?from_date=${from}&to_date=${to}&records_per_page=1000`,
    );
    const expected = all.filter((transaction) => transaction.date >= from && transaction.date <= to);
    expect(window.body.transactions).toEqual(expected);
    expect((await h.call('GET', `/users/${user}/members/${member}/transactions?from_date=2026-13-45`)).status).toBe(
      400,
    );
    expect((await h.call('GET', `/users/${user}/members/${member}/transactions?to_date=yesterday`)).status).toBe(400);

    const account = all[0]?.account_guid;
    const byAccount = await h.call('GET', `/users/${user}/accounts/${account}/transactions?records_per_page=1000`);
    expect(byAccount.body.transactions).toEqual(all.filter((transaction) => transaction.account_guid === account));
    expect((await h.call('GET', `/users/${user}/accounts/ACT-nope/transactions`)).status).toBe(404);
  });

  it('keeps MX\u2019s default window: history older than 120 days drops out as time passes', async () => {
    const { h, user, member } = await connectedMember();
    h.advance(AGGREGATION_MS * 2);
    const now = (await h.call('GET', `/users/${user}/members/${member}/transactions?records_per_page=1000`)).body
      .pagination.total_entries;
    h.advance(60 * 86_400_000);
    const later = (await h.call('GET', `/users/${user}/members/${member}/transactions?records_per_page=1000`)).body
      .pagination.total_entries;
    expect(later).toBeGreaterThan(0);
    expect(later).toBeLessThan(now);
  });
});
