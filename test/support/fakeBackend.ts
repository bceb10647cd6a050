// The one fake bank (docs/architecture.md): the real sandbox behind the real proxy, answered through MSW. Browser-safe
// (no `node:` imports) so Storybook's MSW service worker can reuse it.
import { http, type HttpHandler } from 'msw';

import { createConnectProxy } from '../../src/server/index.ts';
import { createSandbox, MX_MEDIA_TYPE, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/server/sandbox/index.ts';

export const SANDBOX_BASE_URL = 'http://sandbox.test';
export const PROXY_PATH = '/api/connect';

export interface FakeBackendOptions {
  /** One sandbox aggregation phase, in ms. @default 25 */
  aggregationMs?: number;
  challengeExpiryMs?: number;
  now?: () => number;
  /** Where the widget's `proxyUrl` points (path only; any origin matches). @default '/api/connect' */
  proxyPath?: string;
  /** Passed to the proxy; `false` turns rate limiting off. @default the proxy's defaults */
  rateLimit?: Parameters<typeof createConnectProxy>[0]['rateLimit'];
}

export interface FakeBackend {
  handlers: HttpHandler[];
  sandbox: ReturnType<typeof createSandbox>;
  proxy: ReturnType<typeof createConnectProxy>;
  /** The sandbox user every proxied request acts as (created on first use). */
  userGuid: () => Promise<string>;
  /** Calls the sandbox directly as the partner backend would (Basic auth, MX Accept header). */
  sandboxRequest: (path: string, init?: RequestInit) => Promise<Response>;
}

export function createFakeBackend(options: FakeBackendOptions = {}): FakeBackend {
  const proxyPath = options.proxyPath ?? PROXY_PATH;
  const sandbox = createSandbox({
    aggregationMs: options.aggregationMs ?? 25,
    ...(options.challengeExpiryMs !== undefined ? { challengeExpiryMs: options.challengeExpiryMs } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const basic = `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`;
  const sandboxRequest = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', basic);
    headers.set('Accept', MX_MEDIA_TYPE);
    if (init.body !== undefined) headers.set('Content-Type', 'application/json');
    return Promise.resolve(sandbox.request(`${SANDBOX_BASE_URL}${path}`, { ...init, headers }));
  };

  let user: Promise<string> | undefined;
  const userGuid = () =>
    (user ??= sandboxRequest('/users', { method: 'POST', body: JSON.stringify({ user: { id: `fake-${crypto.randomUUID()}` } }) })
      .then((response) => response.json() as Promise<{ user: { guid: string } }>)
      .then((body) => body.user.guid));

  const proxy = createConnectProxy({
    baseUrl: SANDBOX_BASE_URL,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    fetch: (input, init) => Promise.resolve(sandbox.request(input instanceof URL ? input.href : input, init)),
    authenticate: () => userGuid(),
    basePath: proxyPath,
    ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
  });

  const handlers = [http.all(`*${proxyPath}/*`, ({ request }) => proxy.fetch(request))];
  return { handlers, sandbox, proxy, userGuid, sandboxRequest };
}
