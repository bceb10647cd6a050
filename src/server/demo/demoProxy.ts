import type { Context, Handler } from 'hono';

import type { ProxyLogEntry, StatusStreamOptions } from '../index.ts';
import { createConnectProxy, createMemoryRateLimitStore, createMemoryStatusBus } from '../index.ts';
import type { MxUpstream } from './demoConfig.ts';
import type { DemoSessions } from './demoSessions.ts';

export const PROXY_PATH = '/api/connect';

/** Host names (127.0.0.1, localhost, a LAN address) that get a sandbox base URL of their own; the hosts are vetted. */
const MAX_SANDBOX_HOSTS = 8;

export interface DemoProxyOptions {
  upstream: MxUpstream & { fetch: typeof fetch };
  /** The demo's public URL, set when the upstream is the built-in sandbox: its URLs then follow the browser's host. */
  sandboxPublicUrl?: URL;
  /** Origins other than the request URL's own that are the demo's (its https public URL behind a TLS proxy). */
  allowedOrigins: string[];
  /** Who is calling, for the proxy's per-client bank-login limit: the same address the sessions are bound to. */
  clientKey: (request: Request, env: unknown) => string;
  sessions: DemoSessions;
  /** Verifies a Bearer session token (the iframe page). */
  verifyBearer: (request: Request) => Promise<string | null>;
  logger?: (entry: ProxyLogEntry) => void;
  /** The status stream, and its webhook receiver when the built-in sandbox posts webhooks. */
  statusStream?: StatusStreamOptions;
}

/**
 * The widget API at `/api/connect`: `createConnectProxy` with the demo's session as `authenticate`. A Bearer session
 * token (the iframe) wins over the cookie; either way the user comes from the server side. The widget's first call
 * without a session starts one (it always sends `X-Member-Connect: 1`; nothing else does).
 */
export function demoProxy(options: DemoProxyOptions): Handler {
  const { upstream, sessions } = options;
  const rateLimitStore = createMemoryRateLimitStore();
  // One bus for the proxies of every host name: a webhook received by one reaches the streams held by the others.
  const statusStream = { ...options.statusStream, bus: options.statusStream?.bus ?? createMemoryStatusBus() };
  // The cookie session is resolved before the proxy runs (it needs the Hono context: client address, cookie); the
  // proxy's authenticate gets the same Request object and reads the answer here.
  const cookieUsers = new WeakMap<Request, string | undefined>();
  const makeProxy = (baseUrl: string) =>
    createConnectProxy({
      baseUrl,
      clientId: upstream.clientId,
      apiKey: upstream.apiKey,
      fetch: upstream.fetch,
      logger: options.logger,
      basePath: PROXY_PATH,
      rateLimitStore,
      statusStream,
      allowedOrigins: options.allowedOrigins,
      clientKey: options.clientKey,
      authenticate: (request) =>
        request.headers.has('authorization') ? options.verifyBearer(request) : (cookieUsers.get(request) ?? null),
    });
  const defaultProxy = makeProxy(upstream.baseUrl);

  // The sandbox builds logo and OAuth URLs from its base URL. A visitor on http://localhost:3000 must get URLs on
  // that host, not on the printed 127.0.0.1 one: the page's CSP (img-src 'self') would block the logos otherwise.
  const sandboxProxies = new Map<string, ReturnType<typeof makeProxy>>();
  const proxyFor = (requestUrl: URL) => {
    const publicUrl = options.sandboxPublicUrl;
    if (publicUrl === undefined || requestUrl.host === publicUrl.host) return defaultProxy;
    let proxy = sandboxProxies.get(requestUrl.host);
    if (proxy === undefined) {
      if (sandboxProxies.size >= MAX_SANDBOX_HOSTS) return defaultProxy;
      proxy = makeProxy(`${publicUrl.protocol}//${requestUrl.host}/sandbox`);
      sandboxProxies.set(requestUrl.host, proxy);
    }
    return proxy;
  };

  return async (c: Context) => {
    if (!c.req.raw.headers.has('authorization')) {
      const user = c.req.header('x-member-connect') === '1' ? await sessions.ensure(c) : sessions.userOf(c);
      cookieUsers.set(c.req.raw, user);
    }
    const response = await proxyFor(new URL(c.req.url)).fetch(c.req.raw, c.env);
    // Through the context, so a cookie set by a new session reaches the browser with the proxy's answer.
    return c.newResponse(response.body, response);
  };
}
