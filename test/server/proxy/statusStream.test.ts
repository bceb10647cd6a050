// GET /members/{member_guid}/status/stream (issue 15 §3): Server-Sent Events and the long-poll fallback, one shared
// watcher per member in front of the real sandbox, and the MX webhook receiver that feeds it.
import { describe, expect, it } from 'vitest';

import { createConnectProxy } from '../../../src/server/index.ts';
import {
  MXBANK_LOGIN_GUID,
  MXBANK_PASSWORD_GUID,
  SANDBOX_API_KEY,
  SANDBOX_CLIENT_ID,
} from '../../../src/server/sandbox/index.ts';
import {
  createSandboxProxy,
  createUpstream,
  memberWebhook,
  readEvents,
  SANDBOX_URL,
  until,
  WEBHOOK,
} from './sandboxProxyKit.ts';

const STATUS_FIELDS = new Set([
  'guid',
  'connection_status',
  'is_authenticated',
  'is_being_aggregated',
  'aggregated_at',
  'successfully_aggregated_at',
  'has_processed_accounts',
  'has_processed_account_numbers',
  'has_processed_transactions',
  'challenges',
]);

/** A manual clock for the sandbox: members change state only when the test moves it. */
function clock() {
  const state = { time: 1_800_000_000_000 };
  return { now: () => state.time, advance: (ms: number) => (state.time += ms) };
}

async function setUp(overrides: Parameters<typeof createSandboxProxy>[2] = {}) {
  const time = clock();
  const upstream = createUpstream({ now: time.now, aggregationMs: 1_000 });
  const [alice, bob] = [await upstream.createUser(), await upstream.createUser()];
  let current = alice;
  const proxy = createSandboxProxy(upstream, () => current, {
    statusStream: { webhook: WEBHOOK },
    ...overrides,
  });
  return { time, upstream, alice, bob, proxy, as: (user: string) => (current = user) };
}

describe('GET /members/{member_guid}/status/stream (SSE)', () => {
  it('sends the current status at once, one event per change, and ends after a final status', async () => {
    const { time, upstream, alice, proxy } = await setUp();
    const member = await upstream.createMember(alice);

    const response = await proxy.stream(member);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('x-request-id')).toMatch(/.+/);
    const events = readEvents(response.body);

    const first = await events.nextStatus();
    expect(first?.member).toMatchObject({ guid: member, connection_status: 'CREATED', is_being_aggregated: true });
    expect(first?.id).toMatch(/^[0-9a-f]{16}$/);
    for (const field of Object.keys(first?.member ?? {})) expect(STATUS_FIELDS.has(field)).toBe(true);
    // The event is exactly what GET …/status answers.
    const polled = await (await proxy.call(`/members/${member}/status`)).json();
    expect({ member: first?.member }).toEqual(polled);

    // MX says the member changed: the stream reads it and sends it, without waiting for a poll.
    time.advance(1_000);
    expect((await proxy.webhook(memberWebhook(alice, member, 'CONNECTED'))).status).toBe(200);
    const second = await events.nextStatus();
    expect(second?.member).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: true });
    expect(second?.id).not.toBe(first?.id);

    time.advance(5_000);
    expect((await proxy.webhook(memberWebhook(alice, member))).status).toBe(200);
    const last = await events.nextStatus();
    expect(last?.member).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false });
    // CONNECTED and done: the server ends the stream.
    expect(await events.next()).toBeNull();
    // One read per event: the first, then one per webhook.
    expect(upstream.reads.status).toBe(4); // the three above and the GET …/status
  });

  it('stays open through CHALLENGED (with its challenges) and DENIED, which an OAuth retry can still change', async () => {
    const { time, upstream, alice, proxy } = await setUp();
    const challenged = await upstream.createMember(alice, 'challenge');
    const mfa = readEvents((await proxy.stream(challenged)).body);
    await mfa.nextStatus();
    time.advance(1_000);
    await proxy.webhook(memberWebhook(alice, challenged, 'CHALLENGED'));
    const question = await mfa.nextStatus();
    expect(question?.member.connection_status).toBe('CHALLENGED');
    expect(question?.member.challenges).toEqual([expect.objectContaining({ type: 'TEXT', guid: expect.any(String) })]);
    // Still open: the answer's news comes on the same stream.
    await proxy.call(`/members/${challenged}/resume`, {}, 'PUT', {
      member: {
        challenges: [{ guid: (question?.member.challenges as { guid: string }[])[0]!.guid, value: 'correct' }],
      },
    });
    expect((await mfa.nextStatus())?.member).toMatchObject({ connection_status: 'RESUMED', is_being_aggregated: true });
    await mfa.cancel();

    const denied = await upstream.createMember(alice, 'INVALID');
    const open = readEvents((await proxy.stream(denied)).body);
    await open.nextStatus();
    time.advance(5_000);
    await proxy.webhook(memberWebhook(alice, denied, 'DENIED'));
    expect((await open.nextStatus())?.member.connection_status).toBe('DENIED');
    // Still open: the next thing on it is whatever comes next (here the test's own cancel).
    const next = open.next();
    await open.cancel();
    expect(await next).toBeNull();
  });

  it('serves an older widget that closes its stream on CHALLENGED and reopens it after the answer', async () => {
    const { time, upstream, alice, proxy } = await setUp();
    const member = await upstream.createMember(alice, 'challenge');
    time.advance(1_000);
    const first = readEvents((await proxy.stream(member)).body);
    const question = await first.nextStatus();
    expect(question?.member.connection_status).toBe('CHALLENGED');
    await first.cancel();

    const resumed = await proxy.call(`/members/${member}/resume`, {}, 'PUT', {
      member: {
        challenges: [{ guid: (question?.member.challenges as { guid: string }[])[0]!.guid, value: 'correct' }],
      },
    });
    expect(resumed.status).toBe(202);
    // Reopened naming the CHALLENGED it acted on: it hears what follows, not that question again.
    const after = readEvents((await proxy.stream(member, { 'Last-Event-ID': question!.id })).body);
    expect((await after.nextStatus())?.member).toMatchObject({
      connection_status: 'RESUMED',
      is_being_aggregated: true,
    });
    await after.cancel();
  });

  it('ends when the member disappears, and the next request is refused like GET …/status', async () => {
    const { upstream, alice, proxy } = await setUp();
    const member = await upstream.createMember(alice);
    const events = readEvents((await proxy.stream(member)).body);
    await events.nextStatus();
    await upstream.mx(`/users/${alice}/members/${member}`, { method: 'DELETE' });
    await proxy.webhook(memberWebhook(alice, member));
    expect(await events.next()).toBeNull();
    expect((await proxy.stream(member)).status).toBe(404);
  });

  it('with Last-Event-ID naming the current status, sends only what changes after it', async () => {
    const { time, upstream, alice, proxy } = await setUp();
    const member = await upstream.createMember(alice);
    const first = await readEvents((await proxy.stream(member)).body).nextStatus();

    const resumed = readEvents((await proxy.stream(member, { 'Last-Event-ID': first!.id })).body);
    time.advance(1_000);
    await proxy.webhook(memberWebhook(alice, member));
    const next = await resumed.nextStatus();
    expect(next?.id).not.toBe(first?.id);
    expect(next?.member.connection_status).toBe('CONNECTED');

    // A stale id gets the current status at once.
    const stale = readEvents((await proxy.stream(member, { 'Last-Event-ID': first!.id })).body);
    expect((await stale.nextStatus())?.id).toBe(next?.id);
    await resumed.cancel();
    await stale.cancel();
  });

  it('is scoped to the session’s user and checked like every route', async () => {
    const { upstream, alice, bob, proxy, as } = await setUp();
    const member = await upstream.createMember(alice);

    as(bob);
    const refused = await proxy.stream(member);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await refused.json()).toEqual(await (await proxy.call(`/members/${member}/status`)).json());
    expect((await proxy.call(`/members/${member}/status/stream`)).status).toBe(404); // long-poll too

    as(alice);
    const noCsrfHeader = await proxy.proxy.request(`http://proxy.test/members/${member}/status/stream`, {
      headers: { Accept: 'text/event-stream' },
    });
    expect(noCsrfHeader.status).toBe(403);
    expect((await proxy.stream('MBR-../../users')).status).toBe(400);
    expect((await proxy.call(`/members/${member}/status/stream?wait=nope`)).status).toBe(400);
    expect((await proxy.call(`/members/${member}/status/stream?user_guid=${bob}`)).status).toBe(400);
    expect(
      (
        await proxy.proxy.request(`http://proxy.test/members/${member}/status/stream`, {
          method: 'POST',
          headers: { 'X-Member-Connect': '1' },
        })
      ).status,
    ).toBe(405);

    const nobody = createSandboxProxy(upstream, () => '', { statusStream: { webhook: WEBHOOK } });
    expect((await nobody.stream(member)).status).toBe(401);
  });

  it('can be resumed cross-origin with Last-Event-ID from an allowed origin only', async () => {
    const { upstream, alice, proxy } = await setUp({
      allowedOrigins: ['https://app.example'],
      statusStream: { webhook: WEBHOOK },
    });
    const member = await upstream.createMember(alice);
    const preflight = (origin: string) =>
      proxy.proxy.request(`http://proxy.test/members/${member}/status/stream`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization, last-event-id, x-member-connect',
        },
      });
    const granted = await preflight('https://app.example');
    expect(granted.status).toBe(204);
    expect(granted.headers.get('access-control-allow-headers')).toMatch(/Last-Event-ID/);
    expect((await preflight('https://elsewhere.example')).status).toBe(403);

    const response = await proxy.stream(member, { Origin: 'https://app.example' });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const events = readEvents(response.body);
    expect((await events.nextStatus())?.member.guid).toBe(member);
    await events.cancel();
  });

  it('ends after maxStreamMs and sends a heartbeat comment while idle', async () => {
    const { upstream, alice, proxy } = await setUp({ statusStream: { maxStreamMs: 2_500, heartbeatMs: 1_000 } });
    const member = await upstream.createMember(alice);
    const events = readEvents((await proxy.stream(member)).body);
    expect((await events.next())?.event).toBe('status');
    expect(await events.next()).toEqual({ comment: 'ping' });
    // Nothing final happened: the stream still ends, and the browser reconnects with Last-Event-ID.
    for (let event = await events.next(); event !== null; event = await events.next()) {
      expect(event.comment ?? event.event).toMatch(/^(ping|status)$/);
    }
  });
});

describe('GET /members/{member_guid}/status/stream (long-poll)', () => {
  it('answers { member, version } at once, or when the version differs from `wait`', async () => {
    const { time, upstream, alice, proxy } = await setUp();
    const member = await upstream.createMember(alice);

    const now = await proxy.call(`/members/${member}/status/stream`);
    expect(now.status).toBe(200);
    expect(now.headers.get('content-type')).toMatch(/^application\/json/);
    const first = (await now.json()) as { member: Record<string, unknown>; version: string };
    expect(first.version).toMatch(/^[0-9a-f]{16}$/);
    expect(first.member).toMatchObject({ guid: member, connection_status: 'CREATED' });

    // Another version than the current one: answered at once.
    const other = await proxy.call(`/members/${member}/status/stream?wait=0000000000000000`);
    expect(((await other.json()) as { version: string }).version).toBe(first.version);

    // The current version: held until something changes.
    let answered = false;
    const held = proxy.call(`/members/${member}/status/stream?wait=${first.version}`).then((response) => {
      answered = true;
      return response;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);
    time.advance(1_000);
    await proxy.webhook(memberWebhook(alice, member));
    const changed = (await (await held).json()) as { member: Record<string, unknown>; version: string };
    expect(changed.version).not.toBe(first.version);
    expect(changed.member.connection_status).toBe('CONNECTED');
  });

  it('is not counted against maxInFlight while it waits, so held long-polls never shed other requests', async () => {
    const { upstream, alice, proxy } = await setUp({ maxInFlight: 1, statusStream: { maxStreamMs: 2_000 } });
    const member = await upstream.createMember(alice);
    const { version } = (await (await proxy.call(`/members/${member}/status/stream`)).json()) as { version: string };
    const held = proxy.call(`/members/${member}/status/stream?wait=${version}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // One request at most may be in flight; the long-poll is waiting, not working, so this one is served.
    expect((await proxy.call(`/members/${member}/status`)).status).toBe(200);
    expect((await held).status).toBe(200);
  });

  it('answers the same version after its wait when nothing changes', async () => {
    const { upstream, alice, proxy } = await setUp({ statusStream: { maxStreamMs: 1_000 } });
    const member = await upstream.createMember(alice);
    const { version } = (await (await proxy.call(`/members/${member}/status/stream`)).json()) as { version: string };
    const same = await proxy.call(`/members/${member}/status/stream?wait=${version}`);
    expect(same.status).toBe(200);
    expect(((await same.json()) as { version: string }).version).toBe(version);
  });
});

describe('one watcher per member', () => {
  it('serves N streams from one upstream polling loop at MX’s pace, stopped with the last stream', async () => {
    const time = clock();
    const upstream = createUpstream({ now: time.now, aggregationMs: 1_000 });
    const alice = await upstream.createUser();
    const member = await upstream.createMember(alice);
    // No webhook: the watcher polls MX every 3 s.
    const proxy = createSandboxProxy(upstream, () => alice);

    const streams = await Promise.all(
      Array.from({ length: 5 }, async () => readEvents((await proxy.stream(member)).body)),
    );
    const firsts = await Promise.all(streams.map((events) => events.nextStatus()));
    expect(new Set(firsts.map((event) => event?.id)).size).toBe(1);
    expect(upstream.reads.status).toBe(1);

    time.advance(1_000);
    const seconds = await Promise.all(streams.map((events) => events.nextStatus()));
    expect(seconds.every((event) => event?.member.connection_status === 'CONNECTED')).toBe(true);
    expect(upstream.reads.status).toBe(2); // one poll for all five

    await Promise.all(streams.map((events) => events.cancel()));
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(upstream.reads.status).toBe(2); // no stream left, no poll
  }, 20_000);

  it('holds at most maxWatchers members, and forgets one as soon as nobody watches it', async () => {
    const { upstream, alice, proxy } = await setUp({ statusStream: { maxWatchers: 2, webhook: WEBHOOK } });
    const [one, two, three] = [
      await upstream.createMember(alice),
      await upstream.createMember(alice),
      await upstream.createMember(alice),
    ];
    const held = [readEvents((await proxy.stream(one)).body), readEvents((await proxy.stream(two)).body)];
    await Promise.all(held.map((events) => events.nextStatus()));

    const full = await proxy.stream(three);
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('5');

    await held[0]!.cancel();
    const room = await proxy.stream(three);
    expect(room.status).toBe(200);
    await room.body?.cancel();
    await held[1]!.cancel();
  });
});

describe('one stream held through MFA', () => {
  it('from create through CHALLENGED, the answer and CONNECTED, with MX left alone while the person reads', async () => {
    const time = clock();
    const upstream = createUpstream({ now: time.now, aggregationMs: 1_000 });
    const alice = await upstream.createUser();
    // No webhook: the watcher polls MX every 3 s, except while MX waits on the person's answer.
    const proxy = createSandboxProxy(upstream, () => alice);
    const created = await proxy.call('/members', {}, 'POST', {
      member: {
        institution_code: 'mxbank',
        credentials: [
          { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
          { guid: MXBANK_PASSWORD_GUID, value: 'challenge' },
        ],
      },
    });
    const member = ((await created.json()) as { member: { guid: string } }).member.guid;
    const events = readEvents((await proxy.stream(member)).body);
    expect((await events.nextStatus())?.member).toMatchObject({ connection_status: 'CREATED' });
    expect(upstream.reads.status).toBe(1);

    time.advance(1_000);
    const question = await events.nextStatus(); // the next poll, 3 s on
    expect(question?.member.connection_status).toBe('CHALLENGED');
    expect(upstream.reads.status).toBe(2);
    // The person reads the question: at MX's pace this would be another read; the watcher waits for the answer (or
    // for its 30 s check, which notices an expired challenge).
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(upstream.reads.status).toBe(2);

    const answered = await proxy.call(`/members/${member}/resume`, {}, 'PUT', {
      member: {
        challenges: [{ guid: (question?.member.challenges as { guid: string }[])[0]!.guid, value: 'correct' }],
      },
    });
    expect(answered.status).toBe(202);
    // The answer wakes the watcher at once (no poll delay) and the news comes on the same stream.
    expect((await events.nextStatus())?.member).toMatchObject({ connection_status: 'RESUMED' });
    expect(upstream.reads.status).toBe(3);

    time.advance(2_000);
    expect((await events.nextStatus())?.member).toMatchObject({
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
    });
    // Final: the server ends the stream.
    expect(await events.next()).toBeNull();
    expect(upstream.reads.status).toBe(4);
  }, 20_000);

  it('slows down on a question only once it is sure of it: a new watcher reads it twice first', async () => {
    const time = clock();
    const upstream = createUpstream({ now: time.now, aggregationMs: 1_000 });
    const alice = await upstream.createUser();
    const member = await upstream.createMember(alice, 'challenge');
    time.advance(1_000);
    const proxy = createSandboxProxy(upstream, () => alice);
    // Opened on a member already CHALLENGED (a widget reconnecting on the MFA step, or one from before the held
    // stream, right after its answer): this first read may be MX's status from before an answer, so it reads again.
    const events = readEvents((await proxy.stream(member)).body);
    expect((await events.nextStatus())?.member.connection_status).toBe('CHALLENGED');
    expect(upstream.reads.status).toBe(1);
    await until(() => upstream.reads.status >= 2);
    expect(upstream.reads.status).toBe(2);
    // Twice the same question: now it waits for the answer (or its 30 s check).
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(upstream.reads.status).toBe(2);
    await events.cancel();
  }, 20_000);
});

describe('POST /webhooks/mx', () => {
  it('refuses anything without MX’s credentials (401, nothing read upstream or sent to streams)', async () => {
    const { time, upstream, alice, proxy } = await setUp();
    const member = await upstream.createMember(alice);
    const events = readEvents((await proxy.stream(member)).body);
    await events.nextStatus();
    const reads = upstream.reads.status;
    time.advance(1_000);

    const wrong = [
      null,
      `Basic ${btoa(`${WEBHOOK.username}:wrong-password-0123456789`)}`,
      `Basic ${btoa(`${WEBHOOK.username}:${WEBHOOK.password}x`)}`,
      `Basic ${btoa(`other:${WEBHOOK.password}`)}`,
      `Bearer ${WEBHOOK.password}`,
      'Basic !!!',
    ];
    for (const auth of wrong) {
      const refused = await proxy.webhook(memberWebhook(alice, member), auth);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Basic /);
    }
    expect(upstream.reads.status).toBe(reads);

    // The right credentials: one read, one event.
    expect((await proxy.webhook(memberWebhook(alice, member))).status).toBe(200);
    expect((await events.nextStatus())?.member.connection_status).toBe('CONNECTED');
    expect(upstream.reads.status).toBe(reads + 1);
    await events.cancel();
  });

  it('takes only member webhooks of a known shape, bounded, by POST, without the browser checks', async () => {
    const logs: { route: string; status: number; reason?: string }[] = [];
    const { upstream, alice, proxy } = await setUp({
      statusStream: { webhook: WEBHOOK },
      logger: (entry) => logs.push(entry),
    });
    const member = await upstream.createMember(alice);
    const ok = (body: unknown) => proxy.webhook(body);

    // Every type MX sends for a member's state (shapes as docs/sandbox.md lists them).
    expect((await ok(memberWebhook(alice, member))).status).toBe(200);
    for (const type of ['CONNECTION_STATUS', 'AGGREGATION', 'VERIFICATION']) {
      expect((await ok({ type, member_guid: member, user_guid: alice, action: 'x' })).status).toBe(200);
    }
    for (const body of [
      { type: 'BALANCE', member_guid: member, user_guid: alice },
      { type: 'MEMBER', guid: member },
      { type: 'MEMBER', guid: '../x', user_guid: alice },
      { type: 'CONNECTION_STATUS', member_guid: member, user_guid: 'USR-a/b' },
      [],
    ]) {
      expect((await ok(body)).status).toBe(400);
    }
    expect((await ok('{"type":')).status).toBe(400);
    expect((await ok(JSON.stringify({ ...memberWebhook(alice, member), pad: 'x'.repeat(20_000) }))).status).toBe(413);
    const text = await proxy.proxy.request('http://proxy.test/webhooks/mx', {
      method: 'POST',
      headers: {
        Authorization: `Basic ${btoa(`${WEBHOOK.username}:${WEBHOOK.password}`)}`,
        'Content-Type': 'text/plain',
      },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    expect((await proxy.proxy.request('http://proxy.test/webhooks/mx')).status).toBe(405);
    // A foreign Origin does not matter to a server-to-server call; the credentials do.
    const withOrigin = await proxy.proxy.request('http://proxy.test/webhooks/mx', {
      method: 'POST',
      headers: {
        Origin: 'https://elsewhere.example',
        Authorization: `Basic ${btoa(`${WEBHOOK.username}:${WEBHOOK.password}`)}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(memberWebhook(alice, member)),
    });
    expect(withOrigin.status).toBe(200);

    expect(logs.every((entry) => entry.route === '/webhooks/mx')).toBe(true);
    expect(logs.find((entry) => entry.status === 400)?.reason).toBe('bad_webhook');
    expect(JSON.stringify(logs)).not.toContain(member);
    expect(JSON.stringify(logs)).not.toContain(alice);
  });

  it('is absent without `webhook`, and the stream is absent with `enabled: false`', async () => {
    const upstream = createUpstream();
    const alice = await upstream.createUser();
    const member = await upstream.createMember(alice);
    const polling = createSandboxProxy(upstream, () => alice);
    expect((await polling.webhook(memberWebhook(alice, member))).status).toBe(403); // just an unknown browser request
    const off = createSandboxProxy(upstream, () => alice, { statusStream: { enabled: false } });
    expect((await off.stream(member)).status).toBe(404);
    expect((await off.call(`/members/${member}/status`)).status).toBe(200);
  });

  it('says on its answers whether it serves the stream, so the widget never asks to find out', async () => {
    const upstream = createUpstream();
    const alice = await upstream.createUser();
    const member = await upstream.createMember(alice);
    const origin = 'https://app.partner.test';
    const said = async (options: Parameters<typeof createSandboxProxy>[2]) => {
      const proxy = createSandboxProxy(upstream, () => alice, { allowedOrigins: [origin], ...options });
      const answers = [
        await proxy.call('/institutions?name=mx', { Origin: origin }),
        await proxy.call(`/members/${member}`, { Origin: origin }),
        await proxy.call(`/members/${member}/aggregate`, { Origin: origin }, 'POST'),
      ];
      expect(answers.map((answer) => answer.ok)).toEqual([true, true, true]);
      // A cross-origin widget may read it.
      for (const answer of answers)
        expect(answer.headers.get('access-control-expose-headers')).toContain('X-Member-Connect-Stream');
      return answers.map((answer) => answer.headers.get('x-member-connect-stream'));
    };
    expect(await said({})).toEqual(['1', '1', '1']);
    expect(await said({ statusStream: { webhook: WEBHOOK } })).toEqual(['1', '1', '1']);
    expect(await said({ statusStream: { enabled: false } })).toEqual(['0', '0', '0']);
  });
});

describe('statusStream options', () => {
  const base = {
    baseUrl: SANDBOX_URL,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    authenticate: () => null,
  };
  it.each([
    [{ pollIntervalMs: 1_000 }, /pollIntervalMs/],
    [{ maxStreamMs: 10 }, /maxStreamMs/],
    [{ heartbeatMs: 0 }, /heartbeatMs/],
    [{ maxWatchers: 0 }, /maxWatchers/],
    [{ webhook: { username: 'mx', password: 'short' } }, /webhook.password/],
    [{ webhook: { username: 'a:b', password: WEBHOOK.password } }, /webhook.username/],
    [{ webhook: { ...WEBHOOK, path: '/members/hook' } }, /webhook.path/],
    [{ webhook: { ...WEBHOOK, path: 'hooks' } }, /webhook.path/],
    [{ bus: {} }, /bus/],
    [{ enabled: 'yes' }, /enabled/],
  ])('refuses %o at creation', (statusStream, message) => {
    expect(() => createConnectProxy({ ...base, statusStream: statusStream as never })).toThrow(message);
  });
});

describe('the watcher’s upstream pace', () => {
  it('reads again after a webhook arriving during a read, so the newest state is never missed', async () => {
    const { time, upstream, alice, proxy } = await setUp();
    const member = await upstream.createMember(alice);
    const events = readEvents((await proxy.stream(member)).body);
    await events.nextStatus();
    time.advance(1_000);
    // Two webhooks at once: the second joins the first read and asks for one more.
    await Promise.all([proxy.webhook(memberWebhook(alice, member)), proxy.webhook(memberWebhook(alice, member))]);
    await until(() => upstream.reads.status >= 3);
    expect(upstream.reads.status).toBe(3);
    expect((await events.nextStatus())?.member.connection_status).toBe('CONNECTED');
    await events.cancel();
  });
});
