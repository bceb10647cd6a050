import type { Handler } from 'hono';

import type { ProxyLogEntry } from '../index.ts';
import { createConnectProxy, createMemoryRateLimitStore } from '../index.ts';
import type { MxUpstream } from './demoConfig.ts';

export const PROXY_PATH = '/api/connect';

/** Distinct host names (127.0.0.1, localhost, a LAN address) that get a sandbox base URL of their own. */
const MAX_SANDBOX_ORIGINS = 8;

export interface DemoProxyOptions {
  upstream: MxUpstream & { fetch: typeof fetch };
  /** Set when the upstream is the built-in sandbox at `${origin}/sandbox`: its URLs then follow the browser's origin. */
  sandboxOrigin?: string;
  authenticate: (request: Request) => Promise<string | null> | string | null;
  logger?: (entry: ProxyLogEntry) => void;
}

/** The widget API at `/api/connect`: `createConnectProxy` with the demo's session as `authenticate`. */
export function demoProxy(options: DemoProxyOptions): Handler {
  const { upstream } = options;
  const rateLimitStore = createMemoryRateLimitStore();
  const makeProxy = (baseUrl: string) =>
    createConnectProxy({
      baseUrl,
      clientId: upstream.clientId,
      apiKey: upstream.apiKey,
      fetch: upstream.fetch,
      logger: options.logger,
      basePath: PROXY_PATH,
      rateLimitStore,
      authenticate: options.authenticate,
    });
  const defaultProxy = makeProxy(upstream.baseUrl);

  // The sandbox builds logo and OAuth URLs from its base URL. A visitor on http://localhost:3000 must get URLs on
  // that origin, not on the printed 127.0.0.1 one: the page's CSP (img-src 'self') would block the logos otherwise.
  const sandboxProxies = new Map<string, ReturnType<typeof makeProxy>>();
  const proxyFor = (requestUrl: string) => {
    if (options.sandboxOrigin === undefined) return defaultProxy;
    const origin = new URL(requestUrl).origin;
    if (origin === options.sandboxOrigin) return defaultProxy;
    let proxy = sandboxProxies.get(origin);
    if (proxy === undefined) {
      if (sandboxProxies.size >= MAX_SANDBOX_ORIGINS) return defaultProxy;
      proxy = makeProxy(`${origin}/sandbox`);
      sandboxProxies.set(origin, proxy);
    }
    return proxy;
  };

  return (c) => proxyFor(c.req.url).fetch(c.req.raw);
}
