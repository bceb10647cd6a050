// Accounts: by member and by user, list and read (read-only: no manual accounts, no updates), and their full account
// and routing numbers once a verification job has gathered them.
import { Hono } from 'hono';

import { accountNumbers, accountWire, memberAccounts } from '../accounts.ts';
import type { Ctx, SandboxDeps, SandboxEnv, Schemas } from '../context.ts';
import { fail, json, settleMember } from '../context.ts';
import type { MemberRecord } from '../memberState.ts';
import { paginate } from '../pagination.ts';
import type { UserRecord } from '../store.ts';

/** `true`/`false` query flags; "only accounts of user-managed members / manual accounts": the sandbox has neither. */
const onlyUnemulated = (c: Ctx): boolean =>
  (['member_is_managed_by_user', 'is_manual'] as const).some((key) => {
    const value = c.req.query(key);
    if (value !== undefined && value !== 'true' && value !== 'false') fail(400, `"${key}" must be true or false.`);
    return value === 'true';
  });

const findAccount = (list: readonly Schemas['AccountResponse'][], guid: string): Schemas['AccountResponse'] =>
  list.find((account) => account.guid === guid) ?? fail(404, 'Account not found.');

export function accountsRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store } = deps;
  const app = new Hono<SandboxEnv>();

  const accountsOut = (member: MemberRecord): Schemas['AccountResponse'][] => {
    const userId = store.peekUser(member.userGuid)?.id ?? null;
    return memberAccounts(member).map((account) => accountWire(account, member, userId));
  };

  const userMembers = (user: UserRecord): MemberRecord[] => {
    const list = store.membersOf(user.guid);
    for (const member of list) settleMember(deps, member);
    return list;
  };

  app.get('/users/:user_guid/members/:member_guid/accounts', (c) => {
    const list = onlyUnemulated(c) ? [] : accountsOut(c.get('member'));
    const { items, pagination } = paginate(list, c.req.query(), 1000);
    return json(c, { accounts: items, pagination });
  });

  app.get('/users/:user_guid/members/:member_guid/accounts/:account_guid', (c) =>
    json(c, { account: findAccount(accountsOut(c.get('member')), c.req.param('account_guid')) }),
  );

  app.get('/users/:user_guid/accounts', (c) => {
    const useCase = c.req.query('use_case');
    if (useCase !== undefined && useCase !== 'PFM' && useCase !== 'MONEY_MOVEMENT')
      fail(400, '"use_case" must be PFM or MONEY_MOVEMENT.');
    const list = onlyUnemulated(c)
      ? []
      : userMembers(c.get('user'))
          .filter((member) => useCase === undefined || (member.useCases ?? []).some((item) => item === useCase))
          .flatMap(accountsOut);
    const { items, pagination } = paginate(list, c.req.query(), 1000);
    return json(c, { accounts: items, pagination });
  });

  app.get('/users/:user_guid/accounts/:account_guid', (c) =>
    json(c, { account: findAccount(userMembers(c.get('user')).flatMap(accountsOut), c.req.param('account_guid')) }),
  );

  app.get('/users/:user_guid/members/:member_guid/account_numbers', (c) => {
    const { items, pagination } = paginate(accountNumbers(c.get('member')), c.req.query(), 1000);
    return json(c, { account_numbers: items, pagination });
  });

  app.get('/users/:user_guid/accounts/:account_guid/account_numbers', (c) => {
    const guid = c.req.param('account_guid');
    const member = userMembers(c.get('user')).find((candidate) =>
      memberAccounts(candidate).some((account) => account.guid === guid),
    );
    if (!member) return fail(404, 'Account not found.');
    const list = accountNumbers(member).filter((number) => number.account_guid === guid);
    const { items, pagination } = paginate(list, c.req.query(), 1000);
    return json(c, { account_numbers: items, pagination });
  });

  return app;
}
