// A connected member's transactions: three months of everyday banking before its accounts first appeared (pay every
// other Friday, rent, utilities, a subscription, groceries, coffee, a monthly transfer to savings; card spending and
// its payment; loan payments). Seeded by the member guid, so a member always shows the same history; nothing stored.
import type { components } from '../../mx/mxTypes.generated.ts';
import type { SandboxAccount } from './accounts.ts';
import { memberAccounts } from './accounts.ts';
import { fnv1a, seededRandom, stableGuid } from './ids.ts';
import type { MemberRecord } from './memberState.ts';

type TransactionResponse = components['schemas']['TransactionResponse'];

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far back the history goes from the day the accounts were first processed. */
export const HISTORY_DAYS = 90;

interface Entry {
  readonly description: string;
  readonly amount: number;
  readonly type: 'DEBIT' | 'CREDIT';
  readonly category: string;
  readonly topLevel: string;
  readonly mcc: number | null;
  readonly flags?: Partial<
    Record<'is_bill_pay' | 'is_direct_deposit' | 'is_fee' | 'is_income' | 'is_recurring' | 'is_subscription', boolean>
  >;
}

const money = (value: number): number => Math.round(value * 100) / 100;
const between = (random: () => number, low: number, high: number): number => money(low + random() * (high - low));

/** What happened on one account on one day (UTC): a pure function of the day and the seeded stream. */
function entriesFor(account: SandboxAccount, day: Date, dayIndex: number, random: () => number): Entry[] {
  const weekday = day.getUTCDay();
  const date = day.getUTCDate();
  const lastOfMonth = new Date(day.getTime() + DAY_MS).getUTCDate() === 1;
  const entries: Entry[] = [];
  switch (account.type) {
    case 'CHECKING':
      if (weekday === 5 && Math.floor(dayIndex / 7) % 2 === 0) {
        entries.push({
          description: 'Acme Corp Payroll',
          amount: 2450,
          type: 'CREDIT',
          category: 'Paycheck',
          topLevel: 'Income',
          mcc: null,
          flags: { is_income: true, is_direct_deposit: true, is_recurring: true },
        });
      }
      if (date === 1)
        entries.push({
          description: 'Oakwood Apartments',
          amount: 1650,
          type: 'DEBIT',
          category: 'Mortgage & Rent',
          topLevel: 'Home',
          mcc: 6513,
          flags: { is_bill_pay: true, is_recurring: true },
        });
      if (date === 5)
        entries.push({
          description: 'City Power & Light',
          amount: between(random, 60, 140),
          type: 'DEBIT',
          category: 'Utilities',
          topLevel: 'Bills & Utilities',
          mcc: 4900,
          flags: { is_bill_pay: true, is_recurring: true },
        });
      if (date === 12)
        entries.push({
          description: 'StreamFlix',
          amount: 15.49,
          type: 'DEBIT',
          category: 'Television',
          topLevel: 'Bills & Utilities',
          mcc: 4899,
          flags: { is_subscription: true, is_recurring: true },
        });
      if (date === 15)
        entries.push({
          description: 'Transfer to High-Yield Savings',
          amount: 300,
          type: 'DEBIT',
          category: 'Transfer',
          topLevel: 'Transfer',
          mcc: null,
          flags: { is_recurring: true },
        });
      if (weekday === 6)
        entries.push({
          description: 'Fresh Market',
          amount: between(random, 45, 180),
          type: 'DEBIT',
          category: 'Groceries',
          topLevel: 'Food & Dining',
          mcc: 5411,
        });
      if ((weekday === 1 || weekday === 3) && random() < 0.6)
        entries.push({
          description: 'Corner Coffee',
          amount: between(random, 3.5, 7.5),
          type: 'DEBIT',
          category: 'Coffee Shops',
          topLevel: 'Food & Dining',
          mcc: 5814,
        });
      if (random() < 0.03)
        entries.push({
          description: 'ATM Fee',
          amount: 3,
          type: 'DEBIT',
          category: 'ATM Fee',
          topLevel: 'Fees & Charges',
          mcc: 6011,
          flags: { is_fee: true },
        });
      break;
    case 'SAVINGS':
      if (date === 15)
        entries.push({
          description: 'Transfer from Everyday Checking',
          amount: 300,
          type: 'CREDIT',
          category: 'Transfer',
          topLevel: 'Transfer',
          mcc: null,
          flags: { is_recurring: true },
        });
      if (lastOfMonth)
        entries.push({
          description: 'Interest Payment',
          amount: money((account.balance * (account.apy ?? 0)) / 100 / 12),
          type: 'CREDIT',
          category: 'Interest Income',
          topLevel: 'Income',
          mcc: null,
          flags: { is_income: true },
        });
      break;
    case 'CREDIT_CARD':
      if ((weekday === 5 || weekday === 6) && random() < 0.7) {
        entries.push({
          description: random() < 0.5 ? 'Bella Trattoria' : 'Green Bowl',
          amount: between(random, 18, 85),
          type: 'DEBIT',
          category: 'Restaurants',
          topLevel: 'Food & Dining',
          mcc: 5812,
        });
      }
      if (weekday === 2 && random() < 0.6)
        entries.push({
          description: 'QuickFuel',
          amount: between(random, 30, 65),
          type: 'DEBIT',
          category: 'Gas',
          topLevel: 'Auto & Transport',
          mcc: 5541,
        });
      if (random() < 0.12)
        entries.push({
          description: 'ShopRight Online',
          amount: between(random, 12, 140),
          type: 'DEBIT',
          category: 'Shopping',
          topLevel: 'Shopping',
          mcc: 5399,
        });
      if (date === 20)
        entries.push({
          description: 'Payment - Thank You',
          amount: between(random, 400, 900),
          type: 'CREDIT',
          category: 'Credit Card Payment',
          topLevel: 'Transfer',
          mcc: null,
        });
      break;
    case 'LOAN':
      if (date === 8)
        entries.push({
          description: 'Auto Loan Payment',
          amount: account.minimumPayment ?? 0,
          type: 'CREDIT',
          category: 'Auto Payment',
          topLevel: 'Auto & Transport',
          mcc: null,
          flags: { is_recurring: true },
        });
      break;
  }
  return entries;
}

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The member's transactions across its accounts, newest first; empty until its first successful aggregation has
 * processed them (`has_processed_transactions`).
 */
export function memberTransactions(member: MemberRecord, userId: string | null): TransactionResponse[] {
  if (member.accountsAt === null || member.successfullyAggregatedAt === null) return [];
  const anchor = Math.floor(member.accountsAt / DAY_MS) * DAY_MS;
  const createdAt = new Date(member.accountsAt).toISOString();
  const list: TransactionResponse[] = [];
  for (const account of memberAccounts(member)) {
    const random = seededRandom(fnv1a(`transactions:${account.guid}`));
    for (let index = 0; index < HISTORY_DAYS; index += 1) {
      const dayMs = anchor - (HISTORY_DAYS - 1 - index) * DAY_MS;
      entriesFor(account, new Date(dayMs), index, random).forEach((entry, n) => {
        const debit = entry.type === 'DEBIT';
        list.push({
          account_guid: account.guid,
          account_id: null,
          amount: entry.amount,
          category: entry.category,
          category_guid: stableGuid('CAT', entry.category),
          check_number_string: null,
          created_at: createdAt,
          currency_code: account.currency,
          date: isoDay(dayMs),
          description: entry.description,
          guid: stableGuid('TRN', `${account.guid}:${index}:${n}`),
          id: null,
          is_bill_pay: entry.flags?.is_bill_pay ?? false,
          is_direct_deposit: entry.flags?.is_direct_deposit ?? false,
          is_expense: debit && entry.topLevel !== 'Transfer',
          is_fee: entry.flags?.is_fee ?? false,
          is_income: entry.flags?.is_income ?? false,
          is_international: false,
          is_manual: false,
          is_overdraft_fee: false,
          is_payroll_advance: false,
          is_recurring: entry.flags?.is_recurring ?? false,
          is_subscription: entry.flags?.is_subscription ?? false,
          latitude: null,
          localized_description: null,
          localized_memo: null,
          longitude: null,
          member_guid: member.guid,
          member_is_managed_by_user: false,
          memo: null,
          merchant_category_code: entry.mcc,
          merchant_guid: null,
          merchant_location_guid: null,
          metadata: null,
          original_description: entry.description.toUpperCase(),
          posted_at: new Date(dayMs + DAY_MS + 9 * 60 * 60 * 1000).toISOString(),
          status: 'POSTED',
          top_level_category: entry.topLevel,
          transacted_at: new Date(dayMs + 12 * 60 * 60 * 1000).toISOString(),
          type: entry.type,
          updated_at: createdAt,
          user_guid: member.userGuid,
          user_id: userId,
        });
      });
    }
  }
  return list.sort((a, b) => (a.date === b.date ? 0 : (a.date ?? '') < (b.date ?? '') ? 1 : -1));
}

/**
 * MX's date window: `from_date` defaults to 120 days ago and `to_date` to 5 days ahead (pending transactions), both
 * `YYYY-MM-DD`; anything else is a 400 (returned as the message).
 */
export function dateWindow(
  query: { from_date?: string; to_date?: string },
  now: number,
): { from: string; to: string } | string {
  for (const key of ['from_date', 'to_date'] as const) {
    const value = query[key];
    if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))) {
      return `"${key}" must be a date as YYYY-MM-DD.`;
    }
  }
  return { from: query.from_date ?? isoDay(now - 120 * DAY_MS), to: query.to_date ?? isoDay(now + 5 * DAY_MS) };
}
