// Members and users: duplicates on create and update, isolation between users, skip_aggregation, aggregate's 202
// rules, update and delete, and the users endpoints.
import { describe, expect, it } from 'vitest';

import { AGGREGATION_MS, createHarness, mxbankCredentials } from './harness.ts';

describe('duplicate members', () => {
  it('refuses a duplicate create with 409 {error:{message}} and creates nothing', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const first = await h.createMxbankMember(user, 'secret');
    const again = await h.call('POST', `/users/${user}/members`, {
      member: { institution_code: 'mxbank', credentials: mxbankCredentials('mxuser', 'secret') },
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: { message: expect.stringContaining(first) } });
    const list = await h.call('GET', `/users/${user}/members`);
    expect(list.body.members).toHaveLength(1);
    expect(list.body.pagination.total_entries).toBe(1);
  });

  it('allows the same credentials for another user, and other credentials for the same user', async () => {
    const h = createHarness();
    const alice = await h.createUser();
    const bob = await h.createUser();
    await h.createMxbankMember(alice, 'secret');
    await h.createMxbankMember(bob, 'secret');
    await h.createMxbankMember(alice, 'other-secret');
    expect((await h.call('GET', `/users/${alice}/members`)).body.members).toHaveLength(2);
  });

  it('refuses an update that would make a duplicate with 409 and changes nothing', async () => {
    const h = createHarness();
    const user = await h.createUser();
    await h.createMxbankMember(user, 'secret');
    const second = await h.createMxbankMember(user, 'INVALID', { metadata: 'before' });
    h.advance(AGGREGATION_MS);
    const before = await h.call('GET', `/users/${user}/members/${second}`);
    const update = await h.call('PUT', `/users/${user}/members/${second}`, {
      member: { credentials: mxbankCredentials('mxuser', 'secret'), metadata: 'after' },
    });
    expect(update.status).toBe(409);
    expect(update.body.error.message).toMatch(/already exists/);
    const after = await h.call('GET', `/users/${user}/members/${second}`);
    expect(after.body).toEqual(before.body);
    expect(after.body.member).toMatchObject({ connection_status: 'DENIED', metadata: 'before' });
  });
});

describe('members', () => {
  it('creates with skip_aggregation without a job; aggregate starts one (202), a second aggregate starts nothing new', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'password', { skip_aggregation: true });
    const created = await h.status(user, member);
    expect(created).toMatchObject({ connection_status: 'CREATED', is_being_aggregated: false, aggregated_at: null });
    h.advance(AGGREGATION_MS * 5);
    expect((await h.status(user, member)).connection_status).toBe('CREATED');

    const start = h.now();
    const first = await h.call('POST', `/users/${user}/members/${member}/aggregate`);
    expect(first.status).toBe(202);
    expect(first.body.member.is_being_aggregated).toBe(true);
    h.advance(AGGREGATION_MS / 2);
    const second = await h.call('POST', `/users/${user}/members/${member}/aggregate`);
    expect(second.status).toBe(202);
    expect(second.body.member.aggregated_at).toBe(new Date(start).toISOString());
    h.advance(AGGREGATION_MS * 1.5);
    expect(await h.status(user, member)).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false });
    // Re-aggregating a connected member keeps it CONNECTED while the job runs.
    const third = await h.call('POST', `/users/${user}/members/${member}/aggregate`);
    expect(third.body.member).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: true });
    expect((await h.status(user, member)).is_authenticated).toBe(false);
  });

  it('reads, lists, updates metadata without a job, lists member credentials, deletes', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'password', { id: 'partner-1', metadata: 'm', use_cases: ['PFM'] });
    const read = await h.call('GET', `/users/${user}/members/${member}`);
    expect(read.body.member).toMatchObject({
      guid: member,
      id: 'partner-1',
      user_guid: user,
      institution_code: 'mxbank',
      institution_guid: 'INS-1572a04c-912b-59bf-5841-332c7dfafaef',
      name: 'MX Bank',
      is_oauth: false,
      use_cases: ['PFM'],
    });
    expect(read.text).not.toContain('password');
    h.advance(AGGREGATION_MS * 2);
    const updated = await h.call('PUT', `/users/${user}/members/${member}`, { member: { metadata: 'new' } });
    expect(updated.body.member).toMatchObject({
      metadata: 'new',
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
    });
    const credentials = await h.call('GET', `/users/${user}/members/${member}/credentials`);
    expect(credentials.body.credentials.map((credential: { field_name: string }) => credential.field_name)).toEqual([
      'LOGIN',
      'PASSWORD',
    ]);
    const byUseCase = await h.call('GET', `/users/${user}/members?use_case=MONEY_MOVEMENT`);
    expect(byUseCase.body.members).toHaveLength(0);
    const removed = await h.call('DELETE', `/users/${user}/members/${member}`);
    expect(removed.status).toBe(204);
    expect((await h.call('GET', `/users/${user}/members/${member}`)).status).toBe(404);
  });

  it('isolates users: another user\u2019s member is a 404 on every member route', async () => {
    const h = createHarness();
    const alice = await h.createUser();
    const mallory = await h.createUser();
    const member = await h.createMxbankMember(alice, 'challenge');
    const routes: [string, string][] = [
      ['GET', ''],
      ['PUT', ''],
      ['DELETE', ''],
      ['GET', '/status'],
      ['GET', '/challenges'],
      ['PUT', '/resume'],
      ['POST', '/aggregate'],
      ['GET', '/credentials'],
      ['GET', '/oauth_window_uri'],
    ];
    for (const [method, suffix] of routes) {
      const body = method === 'PUT' ? { member: { metadata: 'x' } } : undefined;
      const reply = await h.call(method, `/users/${mallory}/members/${member}${suffix}`, body);
      expect(reply.status, `${method} ${suffix}`).toBe(404);
      expect(reply.body.error.message).toMatch(/not found/i);
    }
    expect((await h.call('GET', `/users/${mallory}/members`)).body.members).toEqual([]);
    expect((await h.call('GET', `/users/${alice}/members/${member}`)).status).toBe(200);
  });

  it('validates create bodies: 400 for missing parts, 404 for an unknown institution, 422 for a foreign credential', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const cases: [unknown, number][] = [
      [{}, 400],
      [{ member: { credentials: [] } }, 400],
      [{ member: { institution_code: 'mxbank' } }, 400],
      [{ member: { institution_code: 'mxbank', credentials: 'x' } }, 400],
      [{ member: { institution_code: 'mxbank', credentials: [{ guid: 1, value: 'x' }] } }, 400],
      [{ member: { institution_code: 'no_such_bank', credentials: [] } }, 404],
      [{ member: { institution_code: 'mxbank', credentials: [{ guid: 'CRD-other', value: 'x' }] } }, 422],
    ];
    for (const [body, status] of cases) {
      const reply = await h.app.request(`http://sandbox.test/sandbox/users/${user}/members`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${btoa('sandbox-client-id:sandbox-api-key')}`,
          Accept: 'application/vnd.mx.api.v1+json',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(reply.status, JSON.stringify(body)).toBe(status);
      expect(await reply.json()).toEqual({ error: { message: expect.any(String) } });
    }
    expect(
      (await h.call('POST', '/users/USR-nobody/members', { member: { institution_code: 'mxbank', credentials: [] } }))
        .status,
    ).toBe(404);
    expect((await h.call('PUT', `/users/${user}/members/MBR-nobody`, { member: { metadata: 'x' } })).status).toBe(404);
  });

  it('connects any other institution with any non-empty credentials; scenario passwords work there too', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const institutions = await h.call('GET', '/institutions?name=savings&records_per_page=10');
    const code = institutions.body.institutions.find(
      (institution: { supports_oauth: boolean }) => !institution.supports_oauth,
    ).code;
    const credentials = (await h.call('GET', `/institutions/${code}/credentials`)).body.credentials as {
      guid: string;
      type: string;
      options?: { value: string }[];
    }[];
    const answer = (value: string) =>
      credentials.map((credential) => ({ guid: credential.guid, value: credential.options?.[0]?.value ?? value }));
    const ok = await h.call('POST', `/users/${user}/members`, {
      member: { institution_code: code, credentials: answer('anything') },
    });
    const locked = await h.call('POST', `/users/${user}/members`, {
      member: { institution_code: code, credentials: answer('LOCKED') },
    });
    const missing = await h.call('POST', `/users/${user}/members`, {
      member: { institution_code: code, credentials: [] },
    });
    h.advance(AGGREGATION_MS * 2);
    expect((await h.status(user, ok.body.member.guid)).connection_status).toBe('CONNECTED');
    expect((await h.status(user, locked.body.member.guid)).connection_status).toBe('LOCKED');
    expect((await h.status(user, missing.body.member.guid)).connection_status).toBe('IMPAIRED');
  });
});

describe('users', () => {
  it('creates, lists with filters, reads, updates and deletes users (deleting their members)', async () => {
    const h = createHarness();
    const created = await h.call('POST', '/users', {
      user: { id: 'partner-user-1', email: 'a@example.com', metadata: '{"k":1}' },
    });
    expect(created.body.user).toMatchObject({ id: 'partner-user-1', email: 'a@example.com', is_disabled: false });
    const guid = created.body.user.guid as string;
    expect(guid).toMatch(/^USR-/);
    await h.call('POST', '/users', { user: { id: 'partner-user-2', is_disabled: true } });
    expect((await h.call('GET', '/users')).body.users).toHaveLength(2);
    expect((await h.call('GET', '/users?id=partner-user-1')).body.users.map((u: { guid: string }) => u.guid)).toEqual([
      guid,
    ]);
    expect((await h.call('GET', '/users?is_disabled=true')).body.users).toHaveLength(1);
    expect((await h.call('GET', `/users/${guid}`)).body.user.email).toBe('a@example.com');
    const updated = await h.call('PUT', `/users/${guid}`, { user: { email: 'b@example.com' } });
    expect(updated.body.user).toMatchObject({ email: 'b@example.com', id: 'partner-user-1' });
    const member = await h.createMxbankMember(guid, 'pw');
    expect((await h.call('DELETE', `/users/${guid}`)).status).toBe(204);
    expect((await h.call('GET', `/users/${guid}`)).status).toBe(404);
    expect((await h.call('GET', `/users/${guid}/members/${member}`)).status).toBe(404);
  });

  it('refuses an empty user (400), a duplicate id (409) and a malformed body (400)', async () => {
    const h = createHarness();
    expect((await h.call('POST', '/users', { user: {} })).status).toBe(400);
    expect((await h.call('POST', '/users', {})).status).toBe(400);
    await h.call('POST', '/users', { user: { id: 'same' } });
    const duplicate = await h.call('POST', '/users', { user: { id: 'same' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toEqual(expect.any(String));
    const malformed = await h.app.request('http://sandbox.test/sandbox/users', {
      method: 'POST',
      headers: {
        Authorization: `Basic ${btoa('sandbox-client-id:sandbox-api-key')}`,
        Accept: 'application/vnd.mx.api.v1+json',
        'Content-Type': 'application/json',
      },
      body: '{"user": {',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: { message: 'The request body is not valid JSON.' } });
  });
});
