import type { Context, Handler } from 'hono';
import { HTTPException } from 'hono/http-exception';

import type { VerifiedAccountSummary } from '../../demo/verifiedAccount.ts';
import { AccountNumbersError, readAccountNumbers } from '../index.ts';
import type { MxUpstream } from './demoConfig.ts';

const mask = (digits: string) => `••${digits.slice(-4)}`;

/**
 * `POST /demo/verified-account` `{ memberGuid, accountGuid }`: what a partner's backend does after `onSuccess` in
 * verification mode. It reads the chosen account's numbers from MX with `readAccountNumbers`, for the user of this
 * browser's session (never one the browser names), logs them masked and answers with the last four digits only: the
 * full numbers stay on the server. `X-Member-Connect: 1` is required (a header a cross-site form cannot send).
 */
export function verifiedAccountRoute(options: {
  upstream: MxUpstream & { fetch: typeof fetch };
  userOf: (c: Context) => string | undefined;
  log?: (line: string) => void;
}): Handler {
  const log = options.log ?? ((line: string) => console.log(line));
  return async (c) => {
    c.header('Cache-Control', 'no-store');
    if (c.req.header('x-member-connect') !== '1') throw new HTTPException(403, { message: 'Not a widget request.' });
    const userGuid = options.userOf(c);
    if (userGuid === undefined) throw new HTTPException(401, { message: 'No demo session.' });
    const body: unknown = await c.req.json().catch(() => null);
    const { memberGuid, accountGuid } = (body ?? {}) as Record<string, unknown>;
    if (typeof memberGuid !== 'string' || typeof accountGuid !== 'string')
      throw new HTTPException(400, { message: 'Send { memberGuid, accountGuid } from onSuccess.' });
    try {
      const [numbers] = await readAccountNumbers({ ...options.upstream, userGuid, memberGuid, accountGuid });
      if (numbers === undefined) throw new HTTPException(404, { message: 'No numbers for this account.' });
      const routing = numbers.routingNumber ?? numbers.transitNumber;
      log(
        `member-connect demo: verified ${accountGuid}: account ${mask(numbers.accountNumber)}, routing ${routing === null ? 'none' : mask(routing)}`,
      );
      const summary: VerifiedAccountSummary = {
        accountNumberLastFour: numbers.accountNumber.slice(-4),
        routingNumberLastFour: routing?.slice(-4) ?? null,
        passedValidation: numbers.passedValidation,
      };
      return c.json(summary);
    } catch (error) {
      if (error instanceof TypeError) throw new HTTPException(400, { message: 'Not MX guids.' });
      if (!(error instanceof AccountNumbersError)) throw error;
      console.error(`member-connect demo: ${error.message}`);
      throw new HTTPException(error.reason === 'notFound' || error.status === 404 ? 404 : 502, {
        message: 'The demo could not read the account numbers. See the server log.',
      });
    }
  };
}
