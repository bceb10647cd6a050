import type { components } from '../../mx/mxTypes.generated.ts';
import { mxBackendCaller, type MxBackendOptions } from '../mxBackendCall.ts';
import { MEMBER_GUID_PATTERN, USER_GUID_PATTERN } from '../proxy/patterns.ts';

type AccountNumbersResponseBody = components['schemas']['AccountNumbersResponseBody'];

const ACCOUNT_GUID_PATTERN = /^ACT-[A-Za-z0-9-]{1,100}$/;
/** MX lists at most this many per page; a member has a handful of accounts, so one page is the usual case. */
const PAGE_SIZE = 100;
const MAX_PAGES = 20;

export interface ReadAccountNumbersOptions extends MxBackendOptions {
  /** The MX user (`USR-…`) your backend stored for this person: never one the browser names. */
  userGuid: string;
  /** `onSuccess`'s `memberGuid`. */
  memberGuid: string;
  /** `onSuccess`'s `account.guid`: only this account's numbers (an error when MX has none for it). */
  accountGuid?: string;
}

/** One account's numbers as MX's verification gathered them. US banks give a routing number, Canadian ones an institution and a transit number. */
export interface AccountNumbers {
  accountGuid: string;
  memberGuid: string;
  accountNumber: string;
  routingNumber: string | null;
  institutionNumber: string | null;
  transitNumber: string | null;
  /** MX's check of the numbers' format (`passed_validation`); `null` when MX does not say. */
  passedValidation: boolean | null;
}

/**
 * Why `readAccountNumbers` failed: `timeout`, `refused` (an MX status: 401 for a wrong key, 404 for a member of another
 * user), `unreachable`, `invalid` (an answer that is not MX's shape), or `notFound` (no numbers for `accountGuid`: not a
 * checking or savings account, or the verification has not finished).
 */
export class AccountNumbersError extends Error {
  override name = 'AccountNumbersError';
  constructor(
    message: string,
    readonly reason: 'timeout' | 'refused' | 'unreachable' | 'invalid' | 'notFound',
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Reads the account and routing numbers a verification gathered (`GET /users/{user_guid}/members/{member_guid}/
 * account_numbers`), on your backend, after the widget's `onSuccess` in verification mode. The widget and its proxy
 * never see them. Empty until the verification job has ended CONNECTED; only checking and savings accounts have them.
 *
 * @throws AccountNumbersError naming the call and its status, never MX's response body, your API key or a number.
 * @example
 * const [numbers] = await readAccountNumbers({ baseUrl, clientId, apiKey, userGuid, memberGuid, accountGuid });
 * await payouts.save(user.id, { routing: numbers.routingNumber, account: numbers.accountNumber });
 */
export async function readAccountNumbers(options: ReadAccountNumbersOptions): Promise<AccountNumbers[]> {
  const { userGuid, memberGuid, accountGuid } = options;
  if (!USER_GUID_PATTERN.test(userGuid)) throw new TypeError('readAccountNumbers: `userGuid` must be an MX user guid.');
  if (!MEMBER_GUID_PATTERN.test(memberGuid))
    throw new TypeError('readAccountNumbers: `memberGuid` must be an MX member guid.');
  if (accountGuid !== undefined && !ACCOUNT_GUID_PATTERN.test(accountGuid))
    throw new TypeError('readAccountNumbers: `accountGuid` must be an MX account guid.');
  const { base, call } = mxBackendCaller(options, (message, reason) => new AccountNumbersError(message, reason));
  // The guids are checked above; the log-safe name of the call still leaves them out.
  const what = `GET ${base}/users/…/members/…/account_numbers`;
  const path = `/users/${userGuid}/members/${memberGuid}/account_numbers`;

  const all: AccountNumbers[] = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const body = await readPage(`${path}?page=${page}&records_per_page=${PAGE_SIZE}`);
    all.push(...(body.account_numbers ?? []).map(toAccountNumbers));
    if (page >= (body.pagination?.total_pages ?? 1)) break;
  }
  if (accountGuid === undefined) return all;
  const mine = all.filter((numbers) => numbers.accountGuid === accountGuid);
  if (mine.length === 0) {
    throw new AccountNumbersError(
      `${what} has no numbers for this account (not checking or savings, or not verified yet).`,
      'notFound',
    );
  }
  return mine;

  async function readPage(url: string): Promise<AccountNumbersResponseBody> {
    const { status, body } = await call(what, url, { method: 'GET' });
    if (body === undefined) throw new AccountNumbersError(`${what} answered ${status}.`, 'refused', status);
    if (
      typeof body !== 'object' ||
      body === null ||
      !Array.isArray((body as AccountNumbersResponseBody).account_numbers)
    )
      throw new AccountNumbersError(`${what} answered without an account_numbers list.`, 'invalid');
    return body as AccountNumbersResponseBody;
  }

  function toAccountNumbers(item: components['schemas']['AccountNumberResponse']): AccountNumbers {
    if (typeof item.account_guid !== 'string' || typeof item.account_number !== 'string')
      throw new AccountNumbersError(`${what} answered an entry without account_guid or account_number.`, 'invalid');
    return {
      accountGuid: item.account_guid,
      memberGuid: item.member_guid ?? memberGuid,
      accountNumber: item.account_number,
      routingNumber: item.routing_number ?? null,
      institutionNumber: item.institution_number ?? null,
      transitNumber: item.transit_number ?? null,
      passedValidation: item.passed_validation ?? null,
    };
  }
}
