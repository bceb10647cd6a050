// Every request body the widget sends, as it reaches MX: the real API client (src/api) → the real proxy
// (src/server/proxy) → the sandbox, with each upstream exchange (request body and response) validated against the
// spec. If the widget or the proxy ever sends MX something the spec does not allow, this fails.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import { createApiClient } from '../../../src/api/client.ts';
import { createConnectProxy } from '../../../src/server/index.ts';
import {
  createSandbox,
  MXBANK_LOGIN_GUID,
  MXBANK_PASSWORD_GUID,
  SANDBOX_API_KEY,
  SANDBOX_CLIENT_ID,
} from '../../../src/server/sandbox/index.ts';
import { getSpecValidator, SANDBOX_EXTENSIONS } from '../../support/specValidator.ts';
import { AGGREGATION_MS } from './harness.ts';

describe('widget → proxy → sandbox requests conform to the spec', () => {
  it('validates every upstream request body and response of a full connect session', async () => {
    const validator = await getSpecValidator({ closed: true, extensions: SANDBOX_EXTENSIONS });
    let time = Date.UTC(2026, 0, 15);
    const sandbox = createSandbox({ now: () => time, aggregationMs: AGGREGATION_MS });
    const problems: string[] = [];
    const operations = new Set<string>();
    const upstream: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const text = request.body ? await request.clone().text() : '';
      const response = await sandbox.request(request);
      const path = new URL(request.url).pathname;
      operations.add(validator.operationId(request.method, path) ?? `unknown ${request.method} ${path}`);
      problems.push(
        ...(await validator.exchangeErrors(request, response.clone(), {
          requestBody: text ? JSON.parse(text) : undefined,
        })),
      );
      return response;
    };

    const created = await sandbox.request('/users', {
      method: 'POST',
      headers: {
        Authorization: `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`,
        Accept: 'application/vnd.mx.api.v1+json',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ user: { metadata: 'widget' } }),
    });
    const userGuid = ((await created.json()) as { user: { guid: string } }).user.guid;
    const proxy = createConnectProxy({
      baseUrl: 'http://sandbox.test',
      clientId: SANDBOX_CLIENT_ID,
      apiKey: SANDBOX_API_KEY,
      authenticate: () => userGuid,
      fetch: upstream,
      rateLimit: false,
    });
    const site = new Hono().route('/api/connect', proxy);
    const client = createApiClient({
      baseUrl: 'http://partner.test/api/connect',
      fetch: async (input, init) => site.request(new Request(input, init)),
    });

    await client.listFavoriteInstitutions();
    await client.searchInstitutions({ name: 'mx bank', page: 1, recordsPerPage: 10 });
    await client.getInstitution('mxbank');
    await client.listInstitutionCredentials('mxbank');
    const credentials = (password: string) => [
      { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
      { guid: MXBANK_PASSWORD_GUID, value: password },
    ];
    const member = await client.createMember({ institutionCode: 'mxbank', credentials: credentials('two_round') });
    time += AGGREGATION_MS;
    await client.getMemberStatus(member.guid ?? '');
    for (const round of [0, 1]) {
      const challenges = await client.listChallenges(member.guid ?? '');
      expect(challenges.length, `round ${round}`).toBeGreaterThan(0);
      await client.resumeMember(
        member.guid ?? '',
        challenges.map((challenge) => ({
          guid: challenge.guid ?? '',
          value: challenge.type === 'TOKEN' ? '123456' : (challenge.options?.[0]?.value ?? ''),
        })),
      );
      time += AGGREGATION_MS;
    }
    time += AGGREGATION_MS;
    expect((await client.getMemberStatus(member.guid ?? '')).connection_status).toBe('CONNECTED');
    await client.listChallenges(member.guid ?? '');
    await client.updateMember(member.guid ?? '', { credentials: credentials('other'), skipAggregation: true });
    await client.aggregateMember(member.guid ?? '');
    await client.getMember(member.guid ?? '');
    await client.listMembers();
    const oauth = await client.createMember({ institutionCode: 'mx_bank_oauth', credentials: [], isOAuth: true });
    await client.getOAuthWindowUri(oauth.guid ?? '');
    await client.deleteMember(oauth.guid ?? '');

    expect(problems).toEqual([]);
    expect([...operations].sort()).toEqual(
      [
        'aggregateMember',
        'createMember',
        'deleteMember',
        'listFavoriteInstitutions',
        'listInstitutionCredentials',
        'listInstitutions',
        'listMemberChallenges',
        'listMembers',
        'readInstitution',
        'readMember',
        'readMemberStatus',
        'requestOAuthWindowURI',
        'resumeAggregation',
        'updateMember',
      ].sort(),
    );
  });
});
