// Conformance: every operation the sandbox implements is called, and every response (and request body) is validated
// against ../shared/spec/v20111101.yml by openapi-backend with closed object schemas. Also proves the validator
// fails on a wrong field, so a green run means something.
import { describe, expect, it } from 'vitest';

import { getSpecValidator, SANDBOX_EXTENSIONS } from '../../support/specValidator.ts';
import { AGGREGATION_MS, AUTH, createHarness, MX_ACCEPT, mxbankCredentials, ORIGIN, PREFIX } from './harness.ts';

const IMPLEMENTED = [
  'createUser',
  'listUsers',
  'readUser',
  'updateUser',
  'deleteUser',
  'listInstitutions',
  'listFavoriteInstitutions',
  'readInstitution',
  'listInstitutionCredentials',
  'createMember',
  'listMembers',
  'readMember',
  'updateMember',
  'deleteMember',
  'readMemberStatus',
  'listMemberChallenges',
  'resumeAggregation',
  'aggregateMember',
  'listMemberCredentials',
  'requestOAuthWindowURI',
  'listMemberAccounts',
  'readAccountByMember',
  'listUserAccounts',
  'readAccount',
  'listAccountNumbersByMember',
  'listAccountNumbersByAccount',
  'verifyMember',
  'listTransactionsByMember',
  'listTransactionsByAccount',
].sort();

describe('spec conformance', () => {
  it('calls every implemented operation; every response validates against the spec', async () => {
    const validator = await getSpecValidator({ closed: true, extensions: SANDBOX_EXTENSIONS });
    const h = createHarness();
    const called = new Set<string>();
    // h.call validates each exchange (status documented, MX content type, body, request body) and fails the test on
    // any problem; here we also record which operation each call was.
    const call = async (method: string, path: string, body?: unknown) => {
      const id = validator.operationId(method, path.split('?')[0] ?? path);
      expect(id, `${method} ${path} is an operation of the spec`).toBeDefined();
      const reply = await h.call(method, path, body);
      expect(reply.status, `${method} ${path}: ${reply.text}`).toBeLessThan(300);
      called.add(id ?? '');
      return reply;
    };

    const user = (
      await call('POST', '/users', {
        user: { id: 'conformance', email: 'c@example.com', metadata: 'm', is_disabled: false },
      })
    ).body.user.guid;
    await call('GET', '/users?records_per_page=10&page=1');
    await call('GET', `/users/${user}`);
    await call('PUT', `/users/${user}`, { user: { metadata: 'changed' } });

    await call(
      'GET',
      '/institutions?name=mx&page=1&records_per_page=10&iso_country_code=US&supports_transaction_history=true',
    );
    await call('GET', '/institutions/favorites?records_per_page=10');
    await call('GET', '/institutions/mxbank');
    // Every generated institution's credentials (every credential type, with the documented extras) validate.
    const all = await call('GET', '/institutions?records_per_page=100');
    for (const institution of all.body.institutions.slice(0, 30))
      await call('GET', `/institutions/${institution.code}/credentials`);

    // Every challenge type, across rounds.
    for (const password of [
      'challenge',
      'options',
      'image',
      'token',
      'image_options',
      'multi_challenge',
      'two_round',
    ]) {
      const created = await call('POST', `/users/${user}/members`, {
        member: {
          institution_code: 'mxbank',
          credentials: mxbankCredentials('mxuser', password),
          id: `m-${password}`,
          metadata: 'x',
          skip_aggregation: false,
          use_cases: ['PFM'],
        },
      });
      const member = created.body.member.guid;
      h.advance(AGGREGATION_MS);
      await call('GET', `/users/${user}/members/${member}/status`);
      const challenges = (await call('GET', `/users/${user}/members/${member}/challenges?records_per_page=10`)).body
        .challenges;
      const answers = challenges.map((challenge: { guid: string; type: string }) => ({
        guid: challenge.guid,
        value:
          challenge.type === 'TOKEN'
            ? '123456'
            : challenge.type === 'OPTIONS' && password === 'two_round'
              ? 'phone_1234'
              : 'correct',
      }));
      await call('PUT', `/users/${user}/members/${member}/resume`, { member: { challenges: answers } });
      h.advance(AGGREGATION_MS);
      await call('GET', `/users/${user}/members/${member}/status`);
      await call('GET', `/users/${user}/members/${member}`);
    }

    const plain = (
      await call('POST', `/users/${user}/members`, {
        member: { institution_code: 'mxbank', credentials: mxbankCredentials('mxuser', 'pw') },
      })
    ).body.member.guid;
    h.advance(AGGREGATION_MS * 2);
    await call('GET', `/users/${user}/members?records_per_page=10`);
    await call('PUT', `/users/${user}/members/${plain}`, {
      member: {
        credentials: mxbankCredentials('mxuser', 'pw2'),
        metadata: 'n',
        background_aggregation_is_disabled: false,
      },
    });
    await call('POST', `/users/${user}/members/${plain}/aggregate`);
    await call('GET', `/users/${user}/members/${plain}/credentials`);
    const accounts = (await call('GET', `/users/${user}/members/${plain}/accounts?records_per_page=10&page=1`)).body
      .accounts;
    expect(accounts.length).toBeGreaterThan(0);
    await call('GET', `/users/${user}/members/${plain}/accounts/${accounts[0].guid}`);
    await call('GET', `/users/${user}/accounts?records_per_page=10&use_case=PFM`);
    await call('GET', `/users/${user}/accounts/${accounts[0].guid}`);
    await call('GET', `/users/${user}/members/${plain}/transactions?records_per_page=10&page=2`);
    await call('GET', `/users/${user}/accounts/${accounts[0].guid}/transactions?records_per_page=10`);
    h.advance(AGGREGATION_MS * 2);
    await call('POST', `/users/${user}/members/${plain}/verify`);
    h.advance(AGGREGATION_MS * 2);
    expect(
      (await call('GET', `/users/${user}/members/${plain}/account_numbers?records_per_page=10`)).body.account_numbers,
    ).toHaveLength(2);
    await call('GET', `/users/${user}/accounts/${accounts[0].guid}/account_numbers`);
    const oauth = (
      await call('POST', `/users/${user}/members`, {
        member: { institution_code: 'mx_bank_oauth', is_oauth: true, credentials: [] },
        referral_source: 'BROWSER',
      })
    ).body.member.guid;
    await call('GET', `/users/${user}/members/${oauth}/oauth_window_uri?referral_source=BROWSER`);
    await call('DELETE', `/users/${user}/members/${plain}`);
    await call('DELETE', `/users/${user}`);

    expect([...called].sort()).toEqual(IMPLEMENTED);
  });

  it('fails on a wrong field: the validator reports wrong types, invented fields and bad request bodies', async () => {
    const validator = await getSpecValidator({ closed: true, extensions: SANDBOX_EXTENSIONS });
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw');
    const real = (await h.call('GET', `/users/${user}/members/${member}/status`)).body;
    expect(validator.responseErrors('readMemberStatus', 200, real)).toEqual([]);

    const wrongType = { member: { ...real.member, is_being_aggregated: 'yes' } };
    expect(validator.responseErrors('readMemberStatus', 200, wrongType).join('\n')).toMatch(
      /is_being_aggregated must be boolean/,
    );
    const invented = { member: { ...real.member, conection_status: 'CONNECTED' } };
    expect(validator.responseErrors('readMemberStatus', 200, invented).join('\n')).toMatch(
      /additional properties.*conection_status/,
    );
    // allOf schemas (transactions with includes) are closed too, after their branches are merged.
    const transaction = { guid: 'TRN-1', amount: 1, type: 'DEBIT' };
    expect(validator.responseErrors('listTransactionsByMember', 200, { transactions: [transaction] })).toEqual([]);
    expect(
      validator
        .responseErrors('listTransactionsByMember', 200, { transactions: [{ ...transaction, amout: 1 }] })
        .join('\n'),
    ).toMatch(/additional properties.*amout/);
    expect(
      validator
        .responseErrors('listTransactionsByMember', 200, { transactions: [{ ...transaction, amount: '1' }] })
        .join('\n'),
    ).toMatch(/amount must be number/);
    // most_recent_job_guid: the job's guid string MX sends (the spec's boolean is a bug), nothing else.
    expect(validator.responseErrors('readMember', 200, { member: { most_recent_job_guid: 'JOB-1' } })).toEqual([]);
    expect(validator.responseErrors('readMember', 200, { member: { most_recent_job_guid: 42 } })).not.toEqual([]);
    const badPagination = { institutions: [], pagination: { current_page: '1' } };
    expect(validator.responseErrors('listInstitutions', 200, badPagination)).not.toEqual([]);
    const badRequest = {
      method: 'POST',
      path: `/users/${user}/members`,
      body: { member: { institution_code: 'mxbank', credentials: 'mxuser:pw' } },
    };
    expect(validator.requestErrors(badRequest).join('\n')).toMatch(/credentials must be array/);

    // And a whole exchange with a corrupted body is caught by the same check the harness runs on every call.
    const request = new Request(`${ORIGIN}${PREFIX}/users/${user}/members/${member}`, {
      headers: { Authorization: AUTH, Accept: MX_ACCEPT },
    });
    const response = await h.app.request(request);
    const body = await response.json();
    body.member.guid = 42;
    const corrupted = new Response(JSON.stringify(body), { status: 200, headers: response.headers });
    expect((await validator.exchangeErrors(request, corrupted, { prefix: PREFIX })).join('\n')).toMatch(
      /guid must be string/,
    );
    const wrongType2 = new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    });
    expect((await validator.exchangeErrors(request, wrongType2, { prefix: PREFIX })).join('\n')).toMatch(
      /Content-Type/,
    );
  });

  it('answers every error as {"error":{"message"}} with the MX content type', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw');
    const errors: [string, string, unknown, number][] = [
      ['GET', '/institutions/none', undefined, 404],
      ['GET', '/institutions?page=x', undefined, 400],
      [
        'POST',
        `/users/${user}/members`,
        { member: { institution_code: 'mxbank', credentials: mxbankCredentials('mxuser', 'pw') } },
        409,
      ],
      [
        'POST',
        `/users/${user}/members`,
        { member: { institution_code: 'mxbank', credentials: [{ guid: 'CRD-x', value: 'v' }] } },
        422,
      ],
      ['PUT', `/users/${user}/members/${member}/resume`, { member: { challenges: [] } }, 405],
      ['PUT', `/users/${user}/members/${member}`, { member: {} }, 400],
    ];
    for (const [method, path, body, status] of errors) {
      const reply = await h.call(method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(status);
      expect(reply.headers.get('content-type')).toBe('application/vnd.mx.api.v1+json');
      expect(reply.body).toEqual({ error: { message: expect.any(String) } });
      expect(reply.body.error.message.length).toBeGreaterThan(5);
    }
  });
});
