import type { Context, MiddlewareHandler } from 'hono';

import { ProxyError } from '../proxyError.ts';
import type { ProxyEnv } from './proxyEnv.ts';

const ALLOWED_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);
export const ALL_METHODS = 'GET, POST, PUT, DELETE';
// `Last-Event-ID`: a status stream resumed cross-origin names the last status it got (not a CORS-safelisted header).
const CORS_REQUEST_HEADERS = new Set(['authorization', 'content-type', 'x-member-connect', 'last-event-id']);
// A host as X-Forwarded-Host may carry it: a name or an IP literal, an optional port; nothing that could end a URL.
const HOST_PATTERN = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

export interface OriginCheckOptions {
  allowedOrigins: ReadonlySet<string>;
  /** Honour `X-Forwarded-Host` / `X-Forwarded-Proto` when working out the proxy's own origin. */
  trustProxy: boolean;
}

/**
 * CSRF and CORS, before identity and routing: the method gate, preflights (granted to `allowedOrigins` only), the
 * Origin check and the required `X-Member-Connect: 1` header. Hono's `csrf()` is not used: it only looks at form
 * content types, and the proxy must refuse every foreign write, JSON included.
 */
export function originCheck(options: OriginCheckOptions): MiddlewareHandler<ProxyEnv> {
  const { allowedOrigins, trustProxy } = options;
  return async (c, next) => {
    const state = c.get('proxyState');
    const origin = c.req.header('origin');
    let foreign = false;
    if (origin !== undefined && !isSameOrigin(c, origin, trustProxy)) {
      if (allowedOrigins.has(origin)) state.corsOrigin = origin;
      else foreign = true;
    }

    if (c.req.method === 'OPTIONS') return preflight(c, state.corsOrigin);
    if (!ALLOWED_METHODS.has(c.req.method)) {
      throw new ProxyError(405, 'Method not allowed.', 'method_not_allowed', { headers: { Allow: ALL_METHODS } });
    }
    // A browser always sends Origin on cross-origin requests and on same-origin POST/PUT/DELETE; a page on another
    // origin that reaches us with cookies is refused here (cookie-session CSRF).
    if (foreign) throw new ProxyError(403, 'Requests from this origin are not allowed.', 'foreign_origin');
    // A custom header cannot be sent cross-origin without a CORS preflight that we only grant to allowedOrigins.
    if (c.req.header('x-member-connect') !== '1') {
      throw new ProxyError(403, 'Missing the X-Member-Connect: 1 request header.', 'missing_csrf_header');
    }
    await next();
  };
}

/**
 * Is `origin` the proxy's own? Three ways to know, each safe:
 * - the browser says so: `Sec-Fetch-Site: same-origin` is set by the browser alone (no page can write a `Sec-` header),
 *   and it compares against the URL the browser used, so it holds behind Next.js, a Vite dev proxy or any rewrite of
 *   `Host`;
 * - the request URL's origin, which servers build from `Host`: right when nothing in front rewrites it;
 * - with `trustProxy`, `X-Forwarded-Proto://X-Forwarded-Host`: right only when a proxy you run sets (or strips) them,
 *   because a client can send them too.
 */
function isSameOrigin(c: Context<ProxyEnv>, origin: string, trustProxy: boolean): boolean {
  if (c.req.header('sec-fetch-site') === 'same-origin') return true;
  const url = c.req.url;
  if (origin === url.slice(0, url.indexOf('/', url.indexOf('//') + 2))) return true;
  if (!trustProxy) return false;
  const host = firstValue(c.req.header('x-forwarded-host')) ?? c.req.header('host');
  if (host === undefined || !HOST_PATTERN.test(host)) return false;
  const proto = firstValue(c.req.header('x-forwarded-proto')) ?? url.slice(0, url.indexOf(':'));
  if (proto !== 'http' && proto !== 'https') return false;
  return origin === `${proto}://${host.toLowerCase()}`;
}

/** The first entry of a comma-separated forwarding header: what the proxy nearest the browser saw. */
function firstValue(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const comma = header.indexOf(',');
  const value = (comma === -1 ? header : header.slice(0, comma)).trim();
  return value === '' ? undefined : value;
}

function preflight(c: Context<ProxyEnv>, corsOrigin: string | null): Response {
  const method = c.req.header('access-control-request-method');
  if (method === undefined) {
    throw new ProxyError(405, 'Method not allowed.', 'method_not_allowed', { headers: { Allow: ALL_METHODS } });
  }
  const requested = (c.req.header('access-control-request-headers') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  if (corsOrigin === null || !ALLOWED_METHODS.has(method) || requested.some((h) => !CORS_REQUEST_HEADERS.has(h))) {
    throw new ProxyError(403, 'Cross-origin request not allowed.', 'cors_preflight_refused');
  }
  return c.body(null, 204, {
    'Access-Control-Allow-Methods': ALL_METHODS,
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Member-Connect, Last-Event-ID',
    'Access-Control-Max-Age': '600',
  });
}
