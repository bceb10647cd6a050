// Instant account verification: POST …/verify runs a job (login, MFA, processing) that gathers the full account and
// routing numbers of deposit accounts; an institution without verification is a 400; job guids and fields as at MX.
import { describe, expect, it } from 'vitest';

import { AGGREGATION_MS, createHarness } from './harness.ts';

const NO_VERIFICATION = 'fernford_credit_union';

describe('account verification', () => {
  it('verifies an MX Bank member: a verification job, then full numbers for checking and savings only', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw', { skip_aggregation: true });
    const created = (await h.call('GET', `/users/${user}/members/${member}`)).body.member;
    expect(created.most_recent_job_guid).toBeNull();
    expect((await h.call('GET', `/users/${user}/members/${member}/account_numbers`)).body.account_numbers).toEqual([]);

    const verify = await h.call('POST', `/users/${user}/members/${member}/verify`);
    expect(verify.status).toBe(200);
    expect(verify.body.member).toMatchObject({ is_being_aggregated: true, connection_status: 'CREATED' });
    expect(verify.body.member.most_recent_job_guid).toMatch(/^JOB-[0-9a-f-]{36}$/);
    // Running already: 202 and the same job; an aggregation meanwhile is a different kind of job: 409.
    const again = await h.app.request(`http://sandbox.test/sandbox/users/${user}/members/${member}/verify`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${btoa('sandbox-client-id:sandbox-api-key')}`,
        Accept: 'application/vnd.mx.api.v1+json',
      },
    });
    expect(again.status).toBe(202);
    expect((await again.json()).member.most_recent_job_guid).toBe(verify.body.member.most_recent_job_guid);
    expect((await h.call('POST', `/users/${user}/members/${member}/aggregate`)).status).toBe(409);

    h.advance(AGGREGATION_MS * 2);
    const status = await h.status(user, member);
    expect(status).toMatchObject({
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
      has_processed_account_numbers: true,
    });
    const accounts = (await h.call('GET', `/users/${user}/members/${member}/accounts`)).body.accounts as {
      guid: string;
      type: string;
      account_number: string;
    }[];
    const numbers = (await h.call('GET', `/users/${user}/members/${member}/account_numbers`)).body;
    const deposit = accounts.filter((account) => account.type === 'CHECKING' || account.type === 'SAVINGS');
    expect(numbers.account_numbers.map((number: { account_guid: string }) => number.account_guid)).toEqual(
      deposit.map((account) => account.guid),
    );
    expect(numbers.pagination.total_entries).toBe(2);
    for (const [index, number] of (numbers.account_numbers as Record<string, unknown>[]).entries()) {
      expect(number).toMatchObject({
        member_guid: member,
        user_guid: user,
        passed_validation: true,
        transit_number: null,
        institution_number: null,
      });
      expect(number.guid).toMatch(/^ACN-/);
      expect(number.account_number).toMatch(/^\d{10}$/);
      // The account object shows the last four digits of this same number.
      expect(String(number.account_number).endsWith(deposit[index]?.account_number ?? 'x')).toBe(true);
      expect(number.routing_number).toMatch(/^\d{9}$/);
      const digits = String(number.routing_number).split('').map(Number);
      const checksum = [3, 7, 1, 3, 7, 1, 3, 7, 1].reduce((sum, weight, i) => sum + weight * (digits[i] ?? 0), 0);
      expect(checksum % 10).toBe(0); // a valid ABA routing number
    }
    const byAccount = await h.call('GET', `/users/${user}/accounts/${deposit[0]?.guid}/account_numbers`);
    expect(byAccount.body.account_numbers).toEqual([numbers.account_numbers[0]]);
    const card = accounts.find((account) => account.type === 'CREDIT_CARD');
    expect((await h.call('GET', `/users/${user}/accounts/${card?.guid}/account_numbers`)).body.account_numbers).toEqual(
      [],
    );
    expect((await h.call('GET', `/users/${user}/accounts/ACT-nope/account_numbers`)).status).toBe(404);
  });

  it('gives no account numbers after an ordinary aggregation, and a new job guid for every job', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw');
    const first = (await h.call('GET', `/users/${user}/members/${member}`)).body.member.most_recent_job_guid;
    expect(first).toMatch(/^JOB-/);
    h.advance(AGGREGATION_MS * 2);
    const connected = (await h.call('GET', `/users/${user}/members/${member}`)).body.member;
    expect(connected).toMatchObject({
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
      most_recent_job_guid: first,
    });
    expect(connected.successfully_aggregated_at).toBe(new Date(h.now()).toISOString());
    expect((await h.call('GET', `/users/${user}/members/${member}/account_numbers`)).body.account_numbers).toEqual([]);
    const aggregate = await h.call('POST', `/users/${user}/members/${member}/aggregate`);
    expect(aggregate.body.member.most_recent_job_guid).toMatch(/^JOB-/);
    expect(aggregate.body.member.most_recent_job_guid).not.toBe(first);
    // A verification while an aggregation runs is the other kind of job: 409.
    expect((await h.call('POST', `/users/${user}/members/${member}/verify`)).status).toBe(409);
  });

  it('runs MFA inside a verification job like an aggregation', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'challenge', { skip_aggregation: true });
    await h.call('POST', `/users/${user}/members/${member}/verify`);
    h.advance(AGGREGATION_MS);
    const challenged = await h.status(user, member);
    expect(challenged.connection_status).toBe('CHALLENGED');
    const guid = challenged.challenges[0].guid;
    await h.call('PUT', `/users/${user}/members/${member}/resume`, {
      member: { challenges: [{ guid, value: 'correct' }] },
    });
    h.advance(AGGREGATION_MS * 3);
    expect((await h.status(user, member)).connection_status).toBe('CONNECTED');
    expect((await h.call('GET', `/users/${user}/members/${member}/account_numbers`)).body.account_numbers).toHaveLength(
      2,
    );
  });

  it('refuses verification (400) for an institution that does not support it, and says so in search', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const institution = (await h.call('GET', `/institutions/${NO_VERIFICATION}`)).body.institution;
    expect(institution.supports_account_verification).toBe(false);
    expect((await h.call('GET', '/institutions/mxbank')).body.institution.supports_account_verification).toBe(true);
    const verifiable = await h.call('GET', '/institutions?supports_account_verification=true&records_per_page=100');
    expect(verifiable.body.institutions.some((item: { code: string }) => item.code === NO_VERIFICATION)).toBe(false);

    const credentials = (await h.call('GET', `/institutions/${NO_VERIFICATION}/credentials`)).body.credentials as {
      guid: string;
    }[];
    const created = await h.call('POST', `/users/${user}/members`, {
      member: {
        institution_code: NO_VERIFICATION,
        credentials: credentials.map((credential) => ({ guid: credential.guid, value: 'anything' })),
      },
    });
    const member = created.body.member.guid;
    h.advance(AGGREGATION_MS * 2);
    const refused = await h.call('POST', `/users/${user}/members/${member}/verify`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/does not support/);
    expect((await h.call('GET', `/users/${user}/members/${member}`)).body.member.is_being_aggregated).toBe(false);
  });

  it('refuses verify at a bank that supports it with the 400 fault, in MX\u2019s error shape, starting no job', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw', { skip_aggregation: true });
    const refused = await h.call('POST', `/users/${user}/members/${member}/verify`, undefined, {
      'X-Sandbox-Fault': '400',
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/vnd.mx.api.v1+json');
    expect(refused.body).toEqual({ error: { message: expect.stringContaining('sandbox fault') } });
    const after = (await h.call('GET', `/users/${user}/members/${member}`)).body.member;
    expect(after).toMatchObject({ is_being_aggregated: false, most_recent_job_guid: null });
    // Without the fault the same member verifies: the refusal came from the fault, not from the bank.
    expect((await h.call('POST', `/users/${user}/members/${member}/verify`)).status).toBe(200);
  });

  it('gives a Canadian institution\u2019s numbers as institution and transit numbers, not a routing number', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const institutions = await h.call(
      'GET',
      '/institutions?iso_country_code=CA&supports_account_verification=true&records_per_page=100',
    );
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
    const member = (
      await h.call('POST', `/users/${user}/members`, {
        member: { institution_code: institution.code, credentials: answers, skip_aggregation: true },
      })
    ).body.member.guid;
    expect((await h.call('POST', `/users/${user}/members/${member}/verify`)).status).toBe(200);
    h.advance(AGGREGATION_MS * 2);
    const [number] = (await h.call('GET', `/users/${user}/members/${member}/account_numbers`)).body.account_numbers;
    expect(number).toMatchObject({
      routing_number: null,
      institution_number: expect.stringMatching(/^\d{3}$/),
      transit_number: expect.stringMatching(/^\d{5}$/),
    });
  });
});
