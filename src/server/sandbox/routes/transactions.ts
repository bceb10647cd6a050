// Transactions: by member (across its accounts) and by account, newest first, in MX's date window, paginated.
import { Hono } from 'hono';

import { memberAccounts } from '../accounts.ts';
import type { Ctx, SandboxDeps, SandboxEnv, Schemas } from '../context.ts';
import { fail, json, settleMember } from '../context.ts';
import { paginate } from '../pagination.ts';
import { dateWindow, memberTransactions } from '../transactions.ts';

export function transactionsRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store, now } = deps;
  const app = new Hono<SandboxEnv>();

  const page = (c: Ctx, list: Schemas['TransactionResponse'][]): Response => {
    const window = dateWindow(c.req.query(), now());
    if (typeof window === 'string') return fail(400, window);
    const inWindow = list.filter(
      (transaction) => (transaction.date ?? '') >= window.from && (transaction.date ?? '') <= window.to,
    );
    const { items, pagination } = paginate(inWindow, c.req.query(), 1000);
    return json(c, { transactions: items, pagination });
  };

  app.get('/users/:user_guid/members/:member_guid/transactions', (c) =>
    page(c, memberTransactions(c.get('member'), c.get('user').id)),
  );

  app.get('/users/:user_guid/accounts/:account_guid/transactions', (c) => {
    const user = c.get('user');
    const guid = c.req.param('account_guid');
    for (const member of store.membersOf(user.guid)) {
      settleMember(deps, member);
      if (memberAccounts(member).some((account) => account.guid === guid)) {
        return page(
          c,
          memberTransactions(member, user.id).filter((transaction) => transaction.account_guid === guid),
        );
      }
    }
    return fail(404, 'Account not found.');
  });

  return app;
}
