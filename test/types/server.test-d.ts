// Type tests for the entry `member-connect/server` (src/server/index.ts): the proxy factory and the session-token
// helpers a partner backend calls.
import { createClient } from 'redis';
import { describe, expectTypeOf, it } from 'vitest';

import {
  bearerAuthenticate,
  type ConnectProxyOptions,
  createConnectProxy,
  createMemoryStatusBus,
  createSessionTokens,
  ensureMxUser,
  type MxUserError,
  type ProxyLogEntry,
  type SessionTokenOptions,
  type SessionTokens,
  type StatusBus,
  type StatusStreamOptions,
  type TokenRevocationStore,
  type WebhookCredentials,
} from '../../src/server/index.ts';
import { createRedisStatusBus } from '../../src/server/redis/index.ts';
import { createSandbox } from '../../src/server/sandbox/index.ts';

const required = { baseUrl: 'https://int-api.mx.com', clientId: 'id', apiKey: 'key', authenticate: () => 'USR-1' };

describe('createConnectProxy', () => {
  it('needs the MX base URL, credentials and authenticate', () => {
    createConnectProxy(required);
    // @ts-expect-error authenticate is the partner's seam and is required
    createConnectProxy({ baseUrl: 'https://int-api.mx.com', clientId: 'id', apiKey: 'key' });
    // @ts-expect-error apiKey is required
    createConnectProxy({ baseUrl: 'https://int-api.mx.com', clientId: 'id', authenticate: () => 'USR-1' });
  });

  it('lets authenticate be sync or async and refuse with null', () => {
    createConnectProxy({ ...required, authenticate: async () => null });
    createConnectProxy({ ...required, authenticate: (request) => request.headers.get('x-user') });
    expectTypeOf<Parameters<ConnectProxyOptions['authenticate']>>().toEqualTypeOf<[Request]>();
    // @ts-expect-error authenticate returns the MX user guid, not a boolean
    createConnectProxy({ ...required, authenticate: () => true });
  });

  it('accepts its documented options', () => {
    createConnectProxy({
      ...required,
      fetch: globalThis.fetch,
      timeoutMs: 5_000,
      allowedOrigins: ['https://app.example.com'],
      logger: (entry) => expectTypeOf(entry).toEqualTypeOf<ProxyLogEntry>(),
      rateLimit: false,
      memberFields: { id: true },
      basePath: '/api/connect',
      maxBodyBytes: 8_192,
      now: Date.now,
    });
  });

  it('refuses wrong types and unknown options', () => {
    // @ts-expect-error timeoutMs is a number of milliseconds
    createConnectProxy({ ...required, timeoutMs: '10s' });
    // @ts-expect-error allowedOrigins is a list
    createConnectProxy({ ...required, allowedOrigins: 'https://app.example.com' });
    // @ts-expect-error unknown option
    createConnectProxy({ ...required, apiSecret: 'x' });
  });

  it('returns a fetch handler that mounts in any Web-standard server', () => {
    const proxy = createConnectProxy(required);
    expectTypeOf(proxy.fetch).toBeFunction();
    expectTypeOf(proxy.request).returns.resolves.toEqualTypeOf<Response>();
  });

  it('logs no request body, query or header', () => {
    expectTypeOf<keyof ProxyLogEntry>().toEqualTypeOf<
      'requestId' | 'route' | 'method' | 'status' | 'durationMs' | 'userHash' | 'reason' | 'upstreamStatus'
    >();
  });
});

describe('session tokens', () => {
  it('are issued and verified with a server-side secret', () => {
    const tokens = createSessionTokens({ secret: 'a'.repeat(32), ttlSeconds: 300 });
    expectTypeOf(tokens).toEqualTypeOf<SessionTokens>();
    expectTypeOf(tokens.issue).toEqualTypeOf<(userGuid: string) => Promise<string>>();
    expectTypeOf(tokens.verify).toEqualTypeOf<(token: string) => Promise<string | null>>();
    expectTypeOf(tokens.revoke).toEqualTypeOf<(token: string) => Promise<boolean>>();
    expectTypeOf<SessionTokenOptions>().toEqualTypeOf<{
      secret: string;
      ttlSeconds?: number;
      revocationStore?: TokenRevocationStore;
      now?: () => number;
    }>();
    // @ts-expect-error the secret is required
    createSessionTokens({ ttlSeconds: 300 });
    // @ts-expect-error ttlSeconds is a number
    createSessionTokens({ secret: 'a'.repeat(32), ttlSeconds: '5m' });
  });

  it('plug into createConnectProxy as authenticate', () => {
    const tokens = createSessionTokens({ secret: 'a'.repeat(32) });
    createConnectProxy({ ...required, authenticate: bearerAuthenticate(tokens) });
    // @ts-expect-error bearerAuthenticate takes the tokens object, not the secret
    bearerAuthenticate('a'.repeat(32));
  });
});

describe('ensureMxUser', () => {
  it("needs the MX settings and the partner's own user id, takes any fetch-like function, and gives a guid", () => {
    const mx = { baseUrl: 'https://int-api.mx.com', clientId: 'id', apiKey: 'key' };
    expectTypeOf(ensureMxUser({ ...mx, id: 'user-1' })).toEqualTypeOf<Promise<string>>();
    void ensureMxUser({ ...mx, id: 'user-1', fetch: createSandbox().request, timeoutMs: 5000 });
    // @ts-expect-error the partner's user id is required
    void ensureMxUser(mx);
    expectTypeOf<MxUserError['reason']>().toEqualTypeOf<'timeout' | 'refused' | 'invalid' | 'unreachable'>();
  });
});

describe('the status stream options', () => {
  it('are typed: numbers of milliseconds, webhook credentials, a StatusBus', () => {
    createConnectProxy({ ...required, statusStream: {} });
    createConnectProxy({ ...required, statusStream: { enabled: false } });
    createConnectProxy({
      ...required,
      statusStream: {
        pollIntervalMs: 3_000,
        maxStreamMs: 300_000,
        heartbeatMs: 15_000,
        maxWatchers: 10_000,
        webhook: { username: 'mx', password: 'a-long-generated-password', path: '/webhooks/mx' },
        bus: createMemoryStatusBus(),
      },
    });
    expectTypeOf<StatusStreamOptions['webhook']>().toEqualTypeOf<
      (WebhookCredentials & { path?: string }) | undefined
    >();
    // @ts-expect-error pollIntervalMs is a number of milliseconds
    createConnectProxy({ ...required, statusStream: { pollIntervalMs: '3s' } });
    // @ts-expect-error the webhook needs both credentials
    createConnectProxy({ ...required, statusStream: { webhook: { username: 'mx' } } });
    // @ts-expect-error unknown option
    createConnectProxy({ ...required, statusStream: { webhookSecret: 'x' } });
  });

  it('take any StatusBus, and the Redis one takes node-redis clients', () => {
    const bus: StatusBus = {
      publish: async (topic) => {
        expectTypeOf(topic).toEqualTypeOf<string>();
      },
      subscribe: (_topic, listener) => {
        expectTypeOf(listener).toEqualTypeOf<() => void>();
        return () => undefined;
      },
      isConnected: () => true,
    };
    createConnectProxy({ ...required, statusStream: { bus } });
    // @ts-expect-error a bus says whether it is connected
    createConnectProxy({ ...required, statusStream: { bus: { publish: bus.publish, subscribe: bus.subscribe } } });

    const publisher = createClient();
    const redisBus = createRedisStatusBus({ publisher, subscriber: publisher.duplicate() }, { timeoutMs: 500 });
    expectTypeOf(redisBus).toEqualTypeOf<StatusBus>();
    // @ts-expect-error the subscriber is a second connection, required
    createRedisStatusBus({ publisher });
  });
});
