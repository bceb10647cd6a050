// Webhooks like MX's, received by a real HTTP server on 127.0.0.1: MEMBER, CONNECTION_STATUS, AGGREGATION and
// VERIFICATION payloads, sent when the state changes (no polling needed), in order, with HTTP Basic and the echoed
// X-CALLBACK-PAYLOAD, and retried when the receiver fails.
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { parseSandboxArgs } from '../../../src/server/sandbox/cli.ts';
import { createSandbox } from '../../../src/server/sandbox/index.ts';
import { createHarness } from './harness.ts';

interface Received {
  headers: IncomingHttpHeaders;
  // Webhook payloads are MX JSON; tests read the fields they assert on.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A receiver that answers with `statuses` in turn (then 204) and records every request. */
async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(text) });
      response.statusCode = statuses.shift() ?? 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}/mx-webhooks`, received };
}

/** Waits for the receiver to hold something matching; the bound only stops a broken test from hanging. */
async function waitFor(received: Received[], match: (item: Received) => boolean): Promise<Received> {
  for (let i = 0; i < 500; i += 1) {
    const found = received.find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no such webhook; received: ${JSON.stringify(received.map((item) => item.body))}`);
}

const BASIC = `Basic ${btoa('mx:hook-secret')}`;

describe('webhooks', () => {
  it('posts MEMBER webhooks as a connect goes on, and AGGREGATION at the end, without anyone polling', async () => {
    const { url, received } = await receiver();
    const h = createHarness({
      now: Date.now,
      aggregationMs: 40,
      webhookUrl: url,
      webhookAuth: { username: 'mx', password: 'hook-secret' },
    });
    const user = await h.createUser();
    const payload = btoa('{"ref":"order-42"}');
    const created = await h.call(
      'POST',
      `/users/${user}/members`,
      {
        member: {
          institution_code: 'mxbank',
          credentials: [
            { guid: 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1', value: 'mxuser' },
            { guid: 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d', value: 'pw' },
          ],
        },
      },
      { 'X-CALLBACK-PAYLOAD': payload },
    );
    const member = created.body.member.guid;

    const aggregation = await waitFor(received, (item) => item.body.type === 'AGGREGATION');
    const members = received.filter((item) => item.body.type === 'MEMBER').map((item) => item.body);
    expect(members.map((body) => [body.action, body.connection_status, body.is_being_aggregated])).toEqual([
      ['CREATED', 'CREATED', true],
      ['UPDATED', 'CONNECTED', true],
      ['UPDATED', 'CONNECTED', false],
    ]);
    expect(members[0]).toMatchObject({
      guid: member,
      user_guid: user,
      institution_code: 'mxbank',
      connection_status_id: 0,
      is_oauth: false,
      created_at: expect.any(Number),
      aggregated_at: expect.any(Number),
    });
    expect(members[2]).toMatchObject({ connection_status_id: 6, successfully_aggregated_at: expect.any(Number) });
    expect(aggregation.body).toMatchObject({
      action: 'member_data_updated',
      member_guid: member,
      user_guid: user,
      job_guid: expect.stringMatching(/^JOB-/),
      completed_on: new Date().toISOString().slice(0, 10),
      transactions_updated_count: 0,
    });
    const transactions = await h.call('GET', `/users/${user}/members/${member}/transactions?records_per_page=1000`);
    expect(aggregation.body.transactions_created_count).toBe(transactions.body.pagination.total_entries);
    for (const item of received) {
      expect(item.headers.authorization).toBe(BASIC);
      expect(item.headers['content-type']).toMatch(/^application\/json/);
      expect(item.headers['x-callback-payload']).toBe(payload);
    }
  });

  it('posts CONNECTION_STATUS when the person must act (CHALLENGED, then REJECTED), with MX\u2019s status ids', async () => {
    const { url, received } = await receiver();
    const h = createHarness({ now: Date.now, aggregationMs: 40, webhookUrl: url });
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'challenge');
    const challenged = await waitFor(received, (item) => item.body.type === 'CONNECTION_STATUS');
    expect(challenged.body).toEqual({
      action: 'CHANGED',
      connection_status: 'CHALLENGED',
      connection_status_id: 3,
      connection_status_message: expect.any(String),
      member_guid: member,
      type: 'CONNECTION_STATUS',
      user_guid: user,
    });
    // No credentials configured: no Authorization header; no callback payload given: none echoed.
    expect(challenged.headers.authorization).toBeUndefined();
    expect(challenged.headers['x-callback-payload']).toBeUndefined();
    const status = await h.status(user, member);
    await h.call('PUT', `/users/${user}/members/${member}/resume`, {
      member: { challenges: [{ guid: status.challenges[0].guid, value: 'wrong' }] },
    });
    const rejected = await waitFor(
      received,
      (item) => item.body.type === 'CONNECTION_STATUS' && item.body.connection_status === 'REJECTED',
    );
    expect(rejected.body.connection_status_id).toBe(4);
    // CONNECTED is not a status the person acts on: never a CONNECTION_STATUS webhook.
    expect(
      received.some((item) => item.body.type === 'CONNECTION_STATUS' && item.body.connection_status === 'CONNECTED'),
    ).toBe(false);
  });

  it('posts VERIFICATION with the verified accounts, and MEMBER DELETED when the member goes', async () => {
    const { url, received } = await receiver();
    const h = createHarness({
      now: Date.now,
      aggregationMs: 40,
      webhookUrl: `${url.replace('http://', 'http://mx:hook-secret@')}`,
    });
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw', { skip_aggregation: true });
    await h.call('POST', `/users/${user}/members/${member}/verify`);
    const verification = await waitFor(received, (item) => item.body.type === 'VERIFICATION');
    const numbers = (await h.call('GET', `/users/${user}/members/${member}/account_numbers`)).body.account_numbers;
    expect(verification.body).toMatchObject({ action: 'member_data_updated', member_guid: member, user_guid: user });
    expect(verification.body.accounts).toEqual(numbers.map((number: { account_guid: string }) => number.account_guid));
    // User info in the URL became HTTP Basic (fetch refuses URLs carrying credentials).
    expect(verification.headers.authorization).toBe(BASIC);
    await h.call('DELETE', `/users/${user}/members/${member}`);
    const deleted = await waitFor(received, (item) => item.body.type === 'MEMBER' && item.body.action === 'DELETED');
    expect(deleted.body.guid).toBe(member);
  });

  it('retries a delivery the receiver failed (503), with the same body', async () => {
    const { url, received } = await receiver([503, 500]);
    const h = createHarness({ now: Date.now, aggregationMs: 40, webhookUrl: url, webhookRetryDelaysMs: [5, 5] });
    const user = await h.createUser();
    await h.createMxbankMember(user, 'pw', { skip_aggregation: true });
    await waitFor(received, () => received.length >= 3);
    expect(received.slice(0, 3).map((item) => item.body)).toEqual([
      received[0]?.body,
      received[0]?.body,
      received[0]?.body,
    ]);
    expect(received[0]?.body).toMatchObject({ type: 'MEMBER', action: 'CREATED' });
  });

  it('refuses a webhook URL that is not absolute http(s), and takes it from the CLI', () => {
    expect(() => createSandbox({ webhookUrl: '/relative' })).toThrow(/webhookUrl must be an absolute http\(s\) URL/);
    expect(() => createSandbox({ webhookUrl: 'ftp://127.0.0.1/x' })).toThrow(/http or https/);
    expect(() => createSandbox({ webhookUrl: 'http://127.0.0.1/x', webhookRetryDelaysMs: [-1] })).toThrow(
      /webhookRetryDelaysMs/,
    );
    expect(parseSandboxArgs(['--webhook-url', 'http://127.0.0.1:4000/hooks'])).toEqual({
      webhookUrl: 'http://127.0.0.1:4000/hooks',
    });
  });
});
