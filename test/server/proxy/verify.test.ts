// Verification mode through the proxy (issue 15 §2): POST /members/{member_guid}/verify is scoped to the session's user
// and answers with the member allow-list; MX's account_numbers (full account and routing numbers) is not reachable.
import { describe, expect, it } from 'vitest';

import { MXBANK_LOGIN_GUID, MXBANK_PASSWORD_GUID } from '../../../src/server/sandbox/index.ts';
import { createKit, MEMBER } from './proxyTestKit.ts';
import { createSandboxProxy, createUpstream } from './sandboxProxyKit.ts';

const ACCOUNT_FIELDS = ['account_number_last_four', 'guid', 'member_guid', 'name', 'subtype', 'type'];

/** The real sandbox as MX behind a proxy for whichever user `as` names; `advance` moves the sandbox's clock. */
function sandboxProxy() {
  let time = 1_800_000_000_000;
  const upstream = createUpstream({ now: () => time, aggregationMs: 1_000 });
  let current = '';
  const { call } = createSandboxProxy(upstream, () => current);
  return {
    call: (path: string, init: { method?: string; body?: unknown } = {}) =>
      call(path, {}, init.method ?? 'GET', init.body),
    mx: upstream.mx,
    createUser: upstream.createUser,
    as: (user: string) => (current = user),
    advance: (ms: number) => (time += ms),
  };
}

describe('POST /members/{member_guid}/verify', () => {
  it('starts a verification job on the real sandbox for its own user only; the numbers never pass', async () => {
    const kit = sandboxProxy();
    const [alice, bob] = [await kit.createUser(), await kit.createUser()];
    kit.as(alice);
    // As MX Connect does in verification mode: create without an aggregation, then verify.
    const created = await kit.call('/members', {
      method: 'POST',
      body: {
        member: {
          institution_code: 'mxbank',
          skip_aggregation: true,
          credentials: [
            { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
            { guid: MXBANK_PASSWORD_GUID, value: `pw-${crypto.randomUUID()}` },
          ],
        },
      },
    });
    const guid = ((await created.json()) as { member: { guid: string; is_being_aggregated: boolean } }).member.guid;

    kit.as(bob);
    expect((await kit.call(`/members/${guid}/verify`, { method: 'POST' })).status).toBe(404);

    kit.as(alice);
    const verified = await kit.call(`/members/${guid}/verify`, { method: 'POST' });
    expect(verified.status).toBe(200);
    const text = await verified.text();
    const { member } = JSON.parse(text) as { member: Record<string, unknown> };
    expect(member).toMatchObject({ guid, is_being_aggregated: true });
    expect(member.most_recent_job_guid).toMatch(/^JOB-/);
    expect(text).not.toContain(alice);
    expect(text).not.toContain('user_guid');

    kit.advance(60_000);
    const status = (await (await kit.call(`/members/${guid}/status`)).json()) as { member: Record<string, unknown> };
    expect(status.member).toMatchObject({ connection_status: 'CONNECTED', has_processed_account_numbers: true });

    // The sandbox has the full numbers now (the partner's backend reads them) …
    const numbers = (await kit.mx(`/users/${alice}/members/${guid}/account_numbers`)) as unknown as {
      account_numbers: { account_guid: string; account_number: string; routing_number: string }[];
    };
    expect(numbers.account_numbers).toHaveLength(2);
    // … and the browser's routes carry neither them nor the routing number.
    const accounts = await kit.call(`/members/${guid}/accounts`);
    const accountsText = await accounts.text();
    for (const account of (JSON.parse(accountsText) as { accounts: Record<string, unknown>[] }).accounts)
      expect(Object.keys(account).sort()).toEqual(ACCOUNT_FIELDS);
    for (const number of numbers.account_numbers) {
      expect(accountsText).not.toContain(number.account_number);
      expect(accountsText).not.toContain(number.routing_number);
      expect(accountsText).toContain(number.account_number.slice(-4));
    }
    for (const path of [
      `/members/${guid}/account_numbers`,
      `/accounts/${numbers.account_numbers[0]?.account_guid}/account_numbers`,
    ]) {
      const refused = await kit.call(path);
      expect(refused.status).toBe(404);
      const body = await refused.text();
      for (const number of numbers.account_numbers) expect(body).not.toContain(number.account_number);
    }
  });

  it("passes MX's 400 status for an institution that does not support verification", async () => {
    const kit = sandboxProxy();
    kit.as(await kit.createUser());
    const fields = (await (await kit.call('/institutions/fernford_credit_union/credentials')).json()) as {
      credentials: { guid: string }[];
    };
    const created = await kit.call('/members', {
      method: 'POST',
      body: {
        member: {
          institution_code: 'fernford_credit_union',
          skip_aggregation: true,
          credentials: fields.credentials.map((field) => ({ guid: field.guid, value: 'someone' })),
        },
      },
    });
    expect(created.status).toBe(202);
    const guid = ((await created.json()) as { member: { guid: string } }).member.guid;
    const refused = await kit.call(`/members/${guid}/verify`, { method: 'POST' });
    expect(refused.status).toBe(400);
    // The status is what the widget acts on (its designed "not available" step); MX's wording stays at the proxy.
    const { error } = (await refused.json()) as { error: { message: string } };
    expect(error.message).not.toContain('Member');
  });

  it('takes no body, no query, and counts in the write group', async () => {
    const { call, calls } = createKit({ rateLimit: { write: { limit: 1, windowMs: 60_000 } } });
    expect((await call(`/members/${MEMBER}/verify`, { method: 'POST', body: { member: {} } })).status).toBe(400);
    expect((await call(`/members/${MEMBER}/verify?include_transactions=true`, { method: 'POST' })).status).toBe(400);
    expect((await call(`/members/${MEMBER}/verify`, { method: 'GET' })).status).toBe(405);
    expect(calls).toHaveLength(0);
    expect((await call(`/members/${MEMBER}/verify`, { method: 'POST' })).status).toBe(200);
    expect(calls[0]?.url.pathname).toMatch(/\/members\/MBR-[^/]+\/verify$/);
    expect(calls[0]?.body ?? '').toBe('');
    expect((await call(`/members/${MEMBER}/verify`, { method: 'POST' })).status).toBe(429);
  });

  it('has no route to account numbers, whatever the method or path spelling', async () => {
    const { call, calls } = createKit();
    for (const path of [
      `/members/${MEMBER}/account_numbers`,
      `/members/${MEMBER}/account_numbers/`,
      `/members/${MEMBER}/accounts/ACT-1/account_numbers`,
      `/accounts/ACT-1/account_numbers`,
      `/members/${MEMBER}/ACCOUNT_NUMBERS`,
      `/members/${MEMBER}/accounts/..%2Faccount_numbers`,
    ]) {
      for (const method of ['GET', 'POST']) {
        const response = await call(path, { method });
        expect([404, 405], `${method} ${path}`).toContain(response.status);
      }
    }
    expect(calls).toHaveLength(0);
  });
});
