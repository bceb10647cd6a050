// Issue 15 §4 end to end with real processes: the real sandbox (served over loopback) posts its MX webhooks to proxy
// process A; the browser's stream is held by proxy process B; one redis-server carries the notice between them.
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSessionTokens } from '../../../src/server/index.ts';
import { toNodeHandler } from '../../../src/server/node.ts';
import {
  createSandbox,
  MX_MEDIA_TYPE,
  MXBANK_LOGIN_GUID,
  MXBANK_PASSWORD_GUID,
  SANDBOX_API_KEY,
  SANDBOX_CLIENT_ID,
} from '../../../src/server/sandbox/index.ts';
import { readEvents } from '../proxy/sandboxProxyKit.ts';
import { findRedisServer, type RedisServer, startRedisServer } from './redisServer.ts';
import { spawnProxy } from './spawnProxy.ts';

const SECRET = 'two-process-stream-secret-0123456789abcd';
const WEBHOOK = { username: 'mx-webhooks', password: `pw-${crypto.randomUUID()}` };
const binary = findRedisServer();
const children: ChildProcess[] = [];
let redis: RedisServer;
let sandboxServer: Server;
let relay: Server;
/** A's answer to each webhook the sandbox sent. */
const webhooks: number[] = [];
let sandboxUrl = '';
let ports: number[] = [];
const tokens = createSessionTokens({ secret: SECRET });
const statusReads = { count: 0 };
let mx: (path: string, body?: unknown) => Promise<Record<string, Record<string, unknown>>>;

function startProxyProcess(): Promise<number> {
  return spawnProxy(
    'streamProxyProcess.ts',
    {
      REDIS_URL: redis.url,
      TOKEN_SECRET: SECRET,
      SANDBOX_URL: sandboxUrl,
      WEBHOOK_USER: WEBHOOK.username,
      WEBHOOK_PASSWORD: WEBHOOK.password,
    },
    children,
  );
}

async function stream(port: number, user: string, member: string) {
  const response = await fetch(`http://127.0.0.1:${port}/members/${member}/status/stream`, {
    headers: {
      'X-Member-Connect': '1',
      Accept: 'text/event-stream',
      Authorization: `Bearer ${await tokens.issue(user)}`,
    },
  });
  expect(response.status).toBe(200);
  return readEvents(response.body);
}

/** Every status until the server ends the stream. */
async function allStatuses(events: ReturnType<typeof readEvents>) {
  const seen: Record<string, unknown>[] = [];
  for (let event = await events.nextStatus(); event !== null; event = await events.nextStatus())
    seen.push(event.member);
  return seen;
}

describe.runIf(binary !== null)('two proxy processes, one redis-server, the real sandbox’s webhooks', () => {
  beforeAll(async () => {
    redis = await startRedisServer(binary!);
    // The sandbox needs proxy A's address for its webhooks, and the proxies need the sandbox's: its server listens
    // first and gets its app once both are known.
    const sandboxApp: { handle?: ReturnType<typeof toNodeHandler> } = {};
    sandboxServer = createServer((request, response) => {
      if (request.url?.endsWith('/status')) statusReads.count += 1;
      if (sandboxApp.handle) sandboxApp.handle(request, response);
      else response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => sandboxServer.listen(0, '127.0.0.1', resolve));
    const address = sandboxServer.address();
    sandboxUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    ports = await Promise.all([startProxyProcess(), startProxyProcess()]);
    // MX's webhooks pass through a counter on their way to A.
    relay = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        fetch(`http://127.0.0.1:${ports[0]}${request.url}`, {
          method: 'POST',
          headers: {
            Authorization: request.headers.authorization ?? '',
            'Content-Type': request.headers['content-type'] ?? '',
          },
          body: Buffer.concat(chunks),
        }).then(
          (answer) => {
            webhooks.push(answer.status);
            response.writeHead(answer.status).end();
          },
          () => response.writeHead(502).end(),
        );
      });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const relayAddress = relay.address();
    const relayUrl = `http://127.0.0.1:${typeof relayAddress === 'object' && relayAddress !== null ? relayAddress.port : 0}`;
    const sandbox = createSandbox({
      aggregationMs: 600,
      webhookUrl: `${relayUrl}/webhooks/mx`,
      webhookAuth: WEBHOOK,
      webhookRetryDelaysMs: [100, 100, 100],
    });
    sandboxApp.handle = toNodeHandler(sandbox);
    const basic = `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`;
    mx = async (path, body) => {
      const response = await fetch(`${sandboxUrl}${path}`, {
        method: 'POST',
        headers: { Authorization: basic, Accept: MX_MEDIA_TYPE, 'Content-Type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      return (await response.json()) as Record<string, Record<string, unknown>>;
    };
  }, 60_000);
  afterAll(async () => {
    for (const child of children) child.kill();
    await new Promise((resolve) => sandboxServer?.close(resolve));
    await new Promise((resolve) => relay?.close(resolve));
    await redis?.stop();
  });

  const newMember = async (user: string, skipAggregation: boolean) =>
    (
      await mx(`/users/${user}/members`, {
        member: {
          institution_code: 'mxbank',
          skip_aggregation: skipAggregation,
          credentials: [
            { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
            { guid: MXBANK_PASSWORD_GUID, value: `pw-${crypto.randomUUID()}` },
          ],
        },
      })
    ).member!.guid as string;

  it('a webhook on A reaches the stream on B; with Redis down B polls MX; after it, webhooks flow again', async () => {
    const [a, b] = ports as [number, number];
    const user = (await mx('/users', { user: { id: `partner-${crypto.randomUUID()}` } })).user!.guid as string;

    // A member that has not started connecting yet: its stream on B waits.
    const first = await newMember(user, true);
    const onB = await stream(b, user, first);
    expect((await onB.nextStatus())?.member).toMatchObject({
      connection_status: 'CREATED',
      is_being_aggregated: false,
    });
    // The job starts; the sandbox posts each change to A only. B polls every 30 s with webhooks on, so every step
    // it shows before the end of this test came through Redis.
    const readsBefore = statusReads.count;
    await mx(`/users/${user}/members/${first}/aggregate`);
    const steps = await allStatuses(onB);
    expect(steps.at(-1)).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false });
    expect(steps.length).toBeGreaterThanOrEqual(2);
    // A accepted every webhook, and B read MX at most once per webhook (notices during a read share one more).
    expect(webhooks.length).toBeGreaterThanOrEqual(2);
    expect(webhooks.every((status) => status === 200)).toBe(true);
    expect(statusReads.count - readsBefore).toBeLessThanOrEqual(webhooks.length);

    // A stream on A is served too (the receiver's instance delivers to itself).
    const onA = await stream(a, user, first);
    expect((await onA.nextStatus())?.member.connection_status).toBe('CONNECTED');
    expect(await onA.next()).toBeNull();

    // Redis goes away mid-stream: B falls back to polling MX every 3 s, and the stream still reaches the end.
    const second = await newMember(user, true);
    const during = await stream(b, user, second);
    expect((await during.nextStatus())?.member.connection_status).toBe('CREATED');
    await redis.stop();
    await mx(`/users/${user}/members/${second}/aggregate`);
    expect((await allStatuses(during)).at(-1)).toMatchObject({
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
    });

    // Redis is back: new streams on B follow A's webhooks again.
    await redis.start();
    const third = await newMember(user, true);
    const after = await stream(b, user, third);
    expect((await after.nextStatus())?.member.connection_status).toBe('CREATED');
    await mx(`/users/${user}/members/${third}/aggregate`);
    expect((await allStatuses(after)).at(-1)).toMatchObject({
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
    });
  }, 60_000);
});
