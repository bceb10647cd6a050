// Every MX Bank password (MX's documented ones and ours) against the status it must produce.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { CONNECTION_STATUSES, SANDBOX_SCENARIOS } from '../../../src/server/sandbox/index.ts';
import { AGGREGATION_MS, createHarness } from './harness.ts';

type Expect = { final: string } | { challenged: string[] } | { transient: string };

// MX's table (mx-platform.md §9), then the sandbox's own passwords.
const MX_PASSWORDS: [string, Expect][] = [
  ['any-other-password', { final: 'CONNECTED' }],
  ['challenge', { challenged: ['TEXT'] }],
  ['options', { challenged: ['OPTIONS'] }],
  ['image', { challenged: ['IMAGE_DATA'] }],
  ['BAD_REQUEST', { final: 'FAILED' }],
  ['UNAUTHORIZED', { final: 'DENIED' }],
  ['INVALID', { final: 'DENIED' }],
  ['LOCKED', { final: 'LOCKED' }],
  ['DISABLED', { final: 'DENIED' }],
  ['SERVER_ERROR', { final: 'FAILED' }],
  ['UNAVAILABLE', { final: 'FAILED' }],
];

const OUR_PASSWORDS: [string, Expect][] = [
  ['token', { challenged: ['TOKEN'] }],
  ['image_options', { challenged: ['IMAGE_OPTIONS'] }],
  ['two_round', { challenged: ['OPTIONS'] }],
  ['multi_challenge', { challenged: ['TEXT', 'OPTIONS', 'TOKEN'] }],
];

const TRANSIENT = ['CREATED', 'UPDATED', 'RESUMED', 'RECONNECTED', 'DELAYED'];
const expectationFor = (status: string): Expect =>
  status === 'CHALLENGED'
    ? { challenged: ['TEXT'] }
    : TRANSIENT.includes(status)
      ? { transient: status }
      : { final: status };

const STATUS_PASSWORDS: [string, Expect][] = CONNECTION_STATUSES.flatMap((status): [string, Expect][] => [
  [`STATUS_${status}`, expectationFor(status)],
  // Bare status names work too, except where MX already uses the word: `DISABLED` stays MX's DENIED scenario.
  ...(status === 'DISABLED'
    ? []
    : [[status, status === 'LOCKED' ? { final: 'LOCKED' } : expectationFor(status)] as [string, Expect]]),
]);

describe('MX Bank passwords for mxuser', () => {
  it.each([...MX_PASSWORDS, ...OUR_PASSWORDS, ...STATUS_PASSWORDS])('%s', async (password, expected) => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, password);
    const first = await h.status(user, member);
    expect(first).toMatchObject({ connection_status: 'CREATED', is_being_aggregated: true, is_authenticated: false });

    h.advance(AGGREGATION_MS);
    const after = await h.status(user, member);
    if ('challenged' in expected) {
      expect(after.connection_status).toBe('CHALLENGED');
      expect(after.challenges.map((challenge: { type: string }) => challenge.type)).toEqual(expected.challenged);
      const challenges = await h.call('GET', `/users/${user}/members/${member}/challenges`);
      expect(challenges.status).toBe(200);
      expect(challenges.body.challenges).toHaveLength(expected.challenged.length);
    } else if ('transient' in expected) {
      expect(after).toMatchObject({ connection_status: expected.transient, is_being_aggregated: true });
      h.advance(AGGREGATION_MS * 3);
      expect(await h.status(user, member)).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: true });
      h.advance(AGGREGATION_MS);
      expect(await h.status(user, member)).toMatchObject({
        connection_status: 'CONNECTED',
        is_being_aggregated: false,
      });
    } else if (expected.final === 'CONNECTED') {
      expect(after).toMatchObject({
        connection_status: 'CONNECTED',
        is_authenticated: true,
        is_being_aggregated: true,
      });
      h.advance(AGGREGATION_MS);
      expect(await h.status(user, member)).toMatchObject({
        connection_status: 'CONNECTED',
        is_being_aggregated: false,
      });
    } else {
      expect(after).toMatchObject({ connection_status: expected.final, is_being_aggregated: false });
      expect(after.challenges).toBeUndefined();
      // Nothing moves any more without a new job.
      h.advance(AGGREGATION_MS * 10);
      expect((await h.status(user, member)).connection_status).toBe(expected.final);
      const read = await h.call('GET', `/users/${user}/members/${member}`);
      expect(read.body.member.connection_status_message).toEqual(expect.any(String));
    }
  });

  it('reaches each of the 22 statuses with a documented password', () => {
    const documented = new Set(SANDBOX_SCENARIOS.map((scenario) => scenario.password));
    for (const status of CONNECTION_STATUSES) expect(documented.has(`STATUS_${status}`)).toBe(true);
    expect(CONNECTION_STATUSES).toHaveLength(22);
    for (const [password] of [...MX_PASSWORDS.slice(1), ...OUR_PASSWORDS]) expect(documented.has(password)).toBe(true);
  });

  it('documents every scenario password in docs/sandbox.md', () => {
    const doc = readFileSync(new URL('../../../docs/sandbox.md', import.meta.url), 'utf8');
    for (const { password } of SANDBOX_SCENARIOS) expect(doc, password).toContain(`\`${password}\``);
  });

  it('sets the aggregation flags and timestamps phase by phase', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const start = h.now();
    const member = await h.createMxbankMember(user, 'password');
    expect(await h.status(user, member)).toMatchObject({
      aggregated_at: new Date(start).toISOString(),
      successfully_aggregated_at: null,
      is_authenticated: false,
      has_processed_accounts: false,
      has_processed_transactions: false,
    });
    h.advance(AGGREGATION_MS);
    expect(await h.status(user, member)).toMatchObject({ is_authenticated: true, has_processed_accounts: false });
    h.advance(AGGREGATION_MS / 2);
    expect(await h.status(user, member)).toMatchObject({
      has_processed_accounts: true,
      has_processed_account_numbers: true,
      has_processed_transactions: false,
      is_being_aggregated: true,
    });
    h.advance(AGGREGATION_MS / 2);
    expect(await h.status(user, member)).toMatchObject({
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
      has_processed_transactions: true,
      successfully_aggregated_at: new Date(start + 2 * AGGREGATION_MS).toISOString(),
    });
  });

  it('denies any username other than mxuser, and leaves a missing password IMPAIRED', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const other = await h.call('POST', `/users/${user}/members`, {
      member: {
        institution_code: 'mxbank',
        credentials: [
          { guid: 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1', value: 'someone' },
          { guid: 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d', value: 'challenge' },
        ],
      },
    });
    const empty = await h.call('POST', `/users/${user}/members`, {
      member: {
        institution_code: 'mxbank',
        credentials: [{ guid: 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1', value: 'mxuser' }],
      },
    });
    h.advance(AGGREGATION_MS);
    expect((await h.status(user, other.body.member.guid)).connection_status).toBe('DENIED');
    expect((await h.status(user, empty.body.member.guid)).connection_status).toBe('IMPAIRED');
    const read = await h.call('GET', `/users/${user}/members/${empty.body.member.guid}`);
    expect(read.body.member.needs_updated_credentials).toBe(true);
  });

  it('switches scenario when the password is updated (PUT member), as at MX', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'INVALID');
    h.advance(AGGREGATION_MS);
    expect((await h.status(user, member)).connection_status).toBe('DENIED');
    const update = await h.call('PUT', `/users/${user}/members/${member}`, {
      member: { credentials: [{ guid: 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d', value: 'good-password' }] },
    });
    expect(update.status).toBe(200);
    expect(update.body.member).toMatchObject({ connection_status: 'UPDATED', is_being_aggregated: true });
    h.advance(AGGREGATION_MS * 2);
    expect(await h.status(user, member)).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false });
  });
});
