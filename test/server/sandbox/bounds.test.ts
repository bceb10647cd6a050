// Every map the sandbox keeps has a stated bound (issue 16 item 2), each with its behaviour at the bound: users are
// evicted least recently used first (with their members), members per user are capped with 405, members overall
// evict the least recently used user, and unused OAuth links and open consent pages drop their oldest.
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { createSandbox } from '../../../src/server/sandbox/index.ts';
import { createHarness, ORIGIN, PREFIX } from './harness.ts';

describe('memory bounds', () => {
  it('maxUsers: a new user evicts the least recently used one, with its members', async () => {
    const h = createHarness({ limits: { maxUsers: 3 } });
    const [a, b, c] = [await h.createUser(), await h.createUser(), await h.createUser()];
    const member = await h.createMxbankMember(a, 'pw');
    await h.call('GET', `/users/${a}/members/${member}`); // a is now the most recently used; b the least
    const d = await h.createUser();
    expect((await h.call('GET', `/users/${b}`)).status).toBe(404);
    // Reading them touches them too: in this order, c becomes the least recently used.
    for (const kept of [c, d, a]) expect((await h.call('GET', `/users/${kept}`)).status).toBe(200);
    expect((await h.call('GET', '/users')).body.pagination.total_entries).toBe(3);
    const e = await h.createUser();
    expect((await h.call('GET', `/users/${c}`)).status).toBe(404);
    expect((await h.call('GET', `/users/${e}`)).status).toBe(200);
    expect((await h.call('GET', `/users/${a}/members/${member}`)).status).toBe(200);
  });

  it('an evicted user\u2019s partner id is free again; so is an id a user gave up', async () => {
    const h = createHarness({ limits: { maxUsers: 1 } });
    await h.call('POST', '/users', { user: { id: 'partner-1' } });
    await h.call('POST', '/users', { user: { id: 'partner-2' } }); // evicts partner-1
    expect((await h.call('POST', '/users', { user: { id: 'partner-1' } })).status).toBe(200);
    const h2 = createHarness();
    const renamed = (await h2.call('POST', '/users', { user: { id: 'old' } })).body.user.guid;
    await h2.call('PUT', `/users/${renamed}`, { user: { id: 'new' } });
    expect((await h2.call('POST', '/users', { user: { id: 'old' } })).status).toBe(200);
    expect((await h2.call('POST', '/users', { user: { id: 'new' } })).status).toBe(409);
  });

  it('maxMembersPerUser: one member too many is a 405 and creates nothing', async () => {
    const h = createHarness({ limits: { maxMembersPerUser: 2 } });
    const user = await h.createUser();
    await h.createMxbankMember(user, 'pw1');
    await h.createMxbankMember(user, 'pw2');
    const refused = await h.call('POST', `/users/${user}/members`, {
      member: {
        institution_code: 'mxbank',
        credentials: [
          { guid: 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1', value: 'mxuser' },
          { guid: 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d', value: 'pw3' },
        ],
      },
    });
    expect(refused.status).toBe(405);
    expect(refused.body.error.message).toMatch(/maximum of 2 members/);
    expect((await h.call('GET', `/users/${user}/members`)).body.pagination.total_entries).toBe(2);
    // Deleting one makes room again.
    const [first] = (await h.call('GET', `/users/${user}/members`)).body.members;
    await h.call('DELETE', `/users/${user}/members/${first.guid}`);
    expect((await h.createMxbankMember(user, 'pw3')).startsWith('MBR-')).toBe(true);
  });

  it('maxMembers: past it, the least recently used other user goes with its members', async () => {
    const h = createHarness({ limits: { maxMembers: 2 } });
    const [old, recent] = [await h.createUser(), await h.createUser()];
    await h.createMxbankMember(old, 'pw');
    await h.createMxbankMember(recent, 'pw');
    const third = await h.createMxbankMember(recent, 'other');
    expect((await h.call('GET', `/users/${old}`)).status).toBe(404);
    expect(
      (await h.call('GET', `/users/${recent}/members`)).body.members.map((member: { guid: string }) => member.guid),
    ).toContain(third);
  });

  it('maxOauthLinks and maxConsentSessions: the oldest unused link or open consent page is dropped', async () => {
    const h = createHarness({ limits: { maxOauthLinks: 2, maxConsentSessions: 1 } });
    const user = await h.createUser();
    const member = (
      await h.call('POST', `/users/${user}/members`, {
        member: { institution_code: 'mx_bank_oauth', is_oauth: true, credentials: [] },
      })
    ).body.member.guid;
    const link = async () =>
      (await h.call('GET', `/users/${user}/members/${member}/oauth_window_uri`)).body.member.oauth_window_uri as string;
    const [first, second, third] = [await link(), await link(), await link()];
    expect((await h.app.request(first)).status).toBe(404); // dropped: the expired page
    const pageTwo = await h.app.request(second);
    expect(pageTwo.status).toBe(200);
    const pageThree = await h.app.request(third); // a second open consent page drops the first
    expect(pageThree.status).toBe(200);
    const decide = (html: string) =>
      h.app.request(`${ORIGIN}${PREFIX}/oauth/decision`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          session: /name="session" value="([^"]+)"/.exec(html)?.[1] ?? '',
          decision: 'deny',
        }).toString(),
      });
    const [htmlTwo, htmlThree] = [await pageTwo.text(), await pageThree.text()];
    expect((await decide(htmlTwo)).status).toBe(404);
    expect((await decide(htmlThree)).status).toBe(200);
  });

  it('refuses limits that are not positive integers', () => {
    for (const key of [
      'maxUsers',
      'maxMembersPerUser',
      'maxMembers',
      'maxOauthLinks',
      'maxConsentSessions',
      'maxBodyBytes',
    ]) {
      expect(() => createSandbox({ limits: { [key]: 0 } }), key).toThrow(
        new RegExp(`limits.${key} must be a positive integer`),
      );
      expect(() => createSandbox({ limits: { [key]: 1.5 } }), key).toThrow(/positive integer/);
    }
  });
});

describe('webhook queue bound', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('holds at most 50 undelivered webhooks per member while the receiver is stuck', async () => {
    const held: (() => void)[] = [];
    let received = 0;
    server = createServer((request, response) => {
      request.resume();
      received += 1;
      held.push(() => response.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const h = createHarness({ webhookUrl: url, webhookRetryDelaysMs: [] });
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw', { skip_aggregation: true });
    // CREATED plus 80 UPDATED, while the receiver holds the first delivery.
    for (let i = 0; i < 80; i += 1)
      await h.call('PUT', `/users/${user}/members/${member}`, { member: { metadata: `m${i}` } });
    // Release deliveries one by one until the queue is empty.
    for (let i = 0; i < 200 && (held.length > 0 || received < 50); i += 1) {
      held.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toBe(50);
  });
});
