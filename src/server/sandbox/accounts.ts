// A connected member's accounts. They are derived from the member's guid (seeded, so the same member always shows the
// same accounts and balances) instead of stored, so they cost no memory and vanish with their member.
import type { components } from '../../mx/mxTypes.generated.ts';
import type { CatalogueInstitution } from './catalogue.ts';
import { MXBANK_CODE, MXBANK_OAUTH_CODE } from './catalogue.ts';
import { fnv1a, seededRandom, stableGuid } from './ids.ts';
import type { MemberRecord } from './memberState.ts';

type AccountResponse = components['schemas']['AccountResponse'];

export type AccountType = 'CHECKING' | 'SAVINGS' | 'CREDIT_CARD' | 'LOAN';

export interface SandboxAccount {
  readonly guid: string;
  readonly memberGuid: string;
  readonly name: string;
  readonly type: AccountType;
  /** MX's subtype vocabulary: `NONE` for plain deposit and card accounts, `AUTO` for a car loan. */
  readonly subtype: string;
  /** The full number. Only `…/account_numbers` reveals it; account objects carry the last four digits, as MX does. */
  readonly accountNumber: string;
  /** ABA routing number of deposit accounts (null for cards and loans, which MX gives no routing number). */
  readonly routingNumber: string | null;
  readonly currency: string;
  readonly balance: number;
  readonly availableBalance: number | null;
  readonly creditLimit: number | null;
  readonly apr: number | null;
  readonly apy: number | null;
  readonly minimumPayment: number | null;
  readonly originalBalance: number | null;
  readonly dayPaymentIsDue: number | null;
}

interface Template {
  readonly name: string;
  readonly type: AccountType;
  readonly subtype: string;
}

const DEPOSIT: readonly Template[] = [
  { name: 'Everyday Checking', type: 'CHECKING', subtype: 'NONE' },
  { name: 'High-Yield Savings', type: 'SAVINGS', subtype: 'NONE' },
];

// MX Bank shows a fuller picture (a card and a loan too), so a widget can show debt accounts and filter them out of
// verification.
const MXBANK_ACCOUNTS: readonly Template[] = [
  ...DEPOSIT,
  { name: 'Rewards Visa', type: 'CREDIT_CARD', subtype: 'NONE' },
  { name: 'Auto Loan', type: 'LOAN', subtype: 'AUTO' },
];

const isMxBank = (institution: CatalogueInstitution): boolean =>
  institution.code === MXBANK_CODE || institution.code === MXBANK_OAUTH_CODE;

const money = (value: number): number => Math.round(value * 100) / 100;

const digits = (random: () => number, length: number): string =>
  Array.from({ length }, (_, index) =>
    String(Math.floor(random() * (index === 0 ? 9 : 10)) + (index === 0 ? 1 : 0)),
  ).join('');

/** A fictional routing number per institution that passes the ABA checksum (3·7·1 weights), as real ones do. */
export function routingNumberFor(institutionCode: string): string {
  const random = seededRandom(fnv1a(`routing:${institutionCode}`));
  // First two digits 01–12: a Federal Reserve district, like every ordinary bank's routing number.
  const district = String(1 + Math.floor(random() * 12)).padStart(2, '0');
  const body = `${district}${digits(random, 6)}`;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7];
  const sum = [...body].reduce((total, digit, index) => total + Number(digit) * (weights[index] ?? 0), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** The member's accounts, or an empty list until its first successful aggregation has processed them. */
export function memberAccounts(member: MemberRecord): SandboxAccount[] {
  if (member.accountsAt === null) return [];
  const random = seededRandom(fnv1a(member.guid));
  const currency =
    member.institution.iso_country_code === 'CA' ? 'CAD' : member.institution.iso_country_code === 'MX' ? 'MXN' : 'USD';
  const routing = routingNumberFor(member.institution.code);
  const templates = isMxBank(member.institution) ? MXBANK_ACCOUNTS : DEPOSIT;
  return templates.map((template, index) => {
    const base = {
      guid: stableGuid('ACT', `${member.guid}:${index}`),
      memberGuid: member.guid,
      name: template.name,
      type: template.type,
      subtype: template.subtype,
      currency,
      apr: null,
      apy: null,
      creditLimit: null,
      minimumPayment: null,
      originalBalance: null,
      dayPaymentIsDue: null,
    };
    switch (template.type) {
      case 'CHECKING': {
        const balance = money(400 + random() * 5600);
        return {
          ...base,
          accountNumber: digits(random, 10),
          routingNumber: routing,
          balance,
          availableBalance: money(balance - random() * 150),
        };
      }
      case 'SAVINGS': {
        const balance = money(2000 + random() * 23_000);
        return {
          ...base,
          accountNumber: digits(random, 10),
          routingNumber: routing,
          balance,
          availableBalance: balance,
          apy: 4.1,
        };
      }
      case 'CREDIT_CARD': {
        const balance = money(150 + random() * 2850);
        const creditLimit = 5000;
        return {
          ...base,
          accountNumber: `4${digits(random, 15)}`,
          routingNumber: null,
          balance,
          availableBalance: money(creditLimit - balance),
          creditLimit,
          apr: 22.99,
          minimumPayment: money(Math.max(25, balance * 0.02)),
          dayPaymentIsDue: 1 + Math.floor(random() * 28),
        };
      }
      case 'LOAN': {
        const balance = money(6000 + random() * 14_000);
        return {
          ...base,
          accountNumber: digits(random, 12),
          routingNumber: null,
          balance,
          availableBalance: null,
          apr: 6.49,
          minimumPayment: 389.17,
          originalBalance: 24_000,
          dayPaymentIsDue: 1 + Math.floor(random() * 28),
        };
      }
    }
  });
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function accountWire(account: SandboxAccount, member: MemberRecord, userId: string | null): AccountResponse {
  const createdAt = iso(member.accountsAt) ?? '';
  return {
    account_number: account.accountNumber.slice(-4),
    apr: account.apr,
    apy: account.apy,
    available_balance: account.availableBalance,
    available_credit: account.creditLimit === null ? null : money(account.creditLimit - account.balance),
    balance: account.balance,
    created_at: createdAt,
    credit_limit: account.creditLimit,
    currency_code: account.currency,
    day_payment_is_due: account.dayPaymentIsDue,
    guid: account.guid,
    id: null,
    institution_code: member.institution.code,
    institution_guid: member.institution.guid,
    is_closed: false,
    is_hidden: false,
    is_manual: false,
    member_guid: member.guid,
    member_id: member.id,
    member_is_managed_by_user: false,
    metadata: null,
    minimum_payment: account.minimumPayment,
    name: account.name,
    nickname: null,
    original_balance: account.originalBalance,
    subtype: account.subtype,
    type: account.type,
    updated_at: iso(member.successfullyAggregatedAt ?? member.accountsAt),
    user_guid: member.userGuid,
    user_id: userId,
  };
}

type AccountNumberResponse = components['schemas']['AccountNumberResponse'];

/** Only deposit accounts have account and routing numbers to verify (MX's instant account verification). */
export const isVerifiable = (account: SandboxAccount): boolean =>
  account.type === 'CHECKING' || account.type === 'SAVINGS';

/**
 * The member's full account numbers: deposit accounts only, once a verification job has gathered them. US banks give
 * a routing number; Canadian ones an institution and a transit number instead, as MX does.
 */
export function accountNumbers(member: MemberRecord): AccountNumberResponse[] {
  if (member.accountNumbersAt === null) return [];
  const canadian = member.institution.iso_country_code === 'CA';
  const random = seededRandom(fnv1a(`transit:${member.guid}`));
  return memberAccounts(member)
    .filter(isVerifiable)
    .map((account) => ({
      account_guid: account.guid,
      account_number: account.accountNumber,
      guid: stableGuid('ACN', account.guid),
      institution_number: canadian ? (account.routingNumber?.slice(0, 3) ?? null) : null,
      loan_guarantor: null,
      loan_reference_number: null,
      member_guid: member.guid,
      passed_validation: true,
      routing_number: canadian ? null : account.routingNumber,
      sequence_number: null,
      transit_number: canadian ? digits(random, 5) : null,
      user_guid: member.userGuid,
    }));
}
