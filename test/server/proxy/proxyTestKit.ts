// Shared set-up for the proxy's app.request() tests: a recording upstream (injected fetch) and signed session tokens.
import type { ConnectProxyOptions, ProxyLogEntry } from '../../../src/server/index.ts';
import { bearerAuthenticate, createConnectProxy, createSessionTokens } from '../../../src/server/index.ts';

export const ALICE = 'USR-11111111-aaaa-4aaa-8aaa-111111111111';
export const BOB = 'USR-22222222-bbbb-4bbb-8bbb-222222222222';
export const MEMBER = 'MBR-33333333-cccc-4ccc-8ccc-333333333333';
export const BASE_URL = 'https://mx.test/api';
export const CLIENT_ID = 'test-client-id';
export const API_KEY = 'test-api-key-DO-NOT-LEAK';

export interface UpstreamCallRecord {
  url: URL;
  method: string;
  headers: Headers;
  body: string | null;
}

export type UpstreamReply = (call: UpstreamCallRecord) => Response | Promise<Response>;

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/vnd.mx.api.v1+json', ...headers },
  });

export function createKit(overrides: Partial<ConnectProxyOptions> = {}, reply?: UpstreamReply) {
  const calls: UpstreamCallRecord[] = [];
  const logs: ProxyLogEntry[] = [];
  const tokens = createSessionTokens({ secret: 'proxy-test-secret-0123456789abcdefghij' });
  const upstream = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const call: UpstreamCallRecord = {
      url: new URL(request.url),
      method: request.method,
      headers: request.headers,
      body: request.body === null ? null : await request.text(),
    };
    calls.push(call);
    return reply ? reply(call) : json({ ok: true, path: call.url.pathname });
  };
  const proxy = createConnectProxy({
    baseUrl: BASE_URL,
    clientId: CLIENT_ID,
    apiKey: API_KEY,
    authenticate: bearerAuthenticate(tokens),
    fetch: upstream as typeof fetch,
    logger: (entry) => logs.push(entry),
    ...overrides,
  });

  /** A widget request: X-Member-Connect and a Bearer token for `user` unless told otherwise. */
  async function call(
    path: string,
    init: {
      method?: string;
      body?: unknown;
      rawBody?: BodyInit;
      headers?: Record<string, string>;
      user?: string | null;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { 'X-Member-Connect': '1' };
    const user = init.user === undefined ? ALICE : init.user;
    if (user !== null) headers.Authorization = `Bearer ${await tokens.issue(user)}`;
    let body: BodyInit | undefined = init.rawBody;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['Content-Type'] = 'application/json';
    }
    Object.assign(headers, init.headers);
    for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
    return proxy.request(`http://proxy.test${path}`, { method: init.method ?? 'GET', headers, body });
  }

  return { proxy, calls, logs, tokens, call };
}
