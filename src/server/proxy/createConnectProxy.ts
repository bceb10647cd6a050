import type { Context } from 'hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as v from 'valibot';

import type { MemberFieldOptions } from './bodySchemas.ts';
import { createBodySchemas, describeBodyIssue } from './bodySchemas.ts';
import { callUpstream, createUpstreamHeaders } from './callUpstream.ts';
import { USER_GUID_PATTERN } from './patterns.ts';
import type { ProxyReason } from './proxyError.ts';
import { GENERIC_MESSAGES, ProxyError } from './proxyError.ts';
import type { ProxyRoute } from './proxyRoutes.ts';
import { PATH_PARAMS, PROXY_ROUTES } from './proxyRoutes.ts';
import { readJsonBody } from './readJsonBody.ts';
import { readProxyOptions } from './readProxyOptions.ts';
import type { RateLimitOptions, RateLimitStore } from './rateLimit.ts';
import { createMemoryRateLimitStore, resolveRateLimits } from './rateLimit.ts';

/** One line per request. Built only from these fields, so it cannot carry a body, a query string or a header. */
export interface ProxyLogEntry {
  requestId: string;
  /** The route pattern (`/members/:member_guid/status`), never the raw URL; `unmatched` for anything else. */
  route: string;
  method: string;
  status: number;
  durationMs: number;
  /** First 16 hex characters of SHA-256(user guid); `null` before authentication succeeded. */
  userHash: string | null;
  /** Why the request was refused or failed; absent on success. */
  reason?: ProxyReason;
  /** The MX status when MX answered. */
  upstreamStatus?: number;
}

export interface ConnectProxyOptions {
  /** MX base URL: `https://int-api.mx.com` (integration), `https://api.mx.com` (production) or a sandbox URL. */
  baseUrl: string;
  /** MX client id (the Basic-auth user name). */
  clientId: string;
  /** MX API key (the Basic-auth password). Stays on the server: never logged, never sent to the browser. */
  apiKey: string;
  /**
   * The partner's seam: the MX `user_guid` of the signed-in user making this request, or `null`/`undefined` to refuse
   * with 401. Throw an `HTTPException` with status 401 or 403 to refuse with your own message; any other throw is a 500.
   */
  authenticate: (request: Request) => string | null | undefined | Promise<string | null | undefined>;
  /** Used for every upstream call. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Deadline for each upstream call, body included; past it the browser gets 504. @default 10_000 */
  timeoutMs?: number;
  /**
   * Origins (`https://app.example.com`) that may call the proxy cross-origin (CORS) and pass the Origin check.
   * Closed when empty: only same-origin pages may call. @default []
   */
  allowedOrigins?: string[];
  /** Receives one structured entry per request. @default no logging */
  logger?: (entry: ProxyLogEntry) => void;
  /** Per-user limits per route group, or `false` to turn rate limiting off. @default DEFAULT_RATE_LIMITS */
  rateLimit?: RateLimitOptions;
  /** Where rate-limit counters live; share one between proxy instances. @default in-memory */
  rateLimitStore?: RateLimitStore;
  /** Lets the browser set the partner-owned member fields `id` and/or `metadata`. @default both refused */
  memberFields?: MemberFieldOptions;
  /**
   * The path the proxy is served under when it receives full URLs itself (Next.js route handlers, Bun/Deno serve):
   * `basePath: '/api/connect'`. Leave unset when mounting with `app.route('/api/connect', proxy)`.
   */
  basePath?: string;
  /** Largest accepted request body in bytes. @default 16_384 */
  maxBodyBytes?: number;
  /** Clock in milliseconds, for rate-limit windows and durations. @default Date.now */
  now?: () => number;
}

interface RequestState {
  requestId: string;
  startedAt: number;
  route: string;
  userGuid: string | null;
  userKey: string | null;
  corsOrigin: string | null;
  reason?: ProxyReason;
  upstreamStatus?: number;
}

type ProxyEnv = { Variables: { proxyState: RequestState } };

const ALLOWED_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);
const ALL_METHODS = 'GET, POST, PUT, DELETE';
const LOGGED_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH']);
const CORS_REQUEST_HEADERS = new Set(['authorization', 'content-type', 'x-member-connect']);
const MAX_QUERY_LENGTH = 2048;
// A proxy serves the same few signed-in users over and over: their SHA-256 is remembered rather than recomputed.
const USER_KEY_CACHE_SIZE = 1024;
const JSON_HEADERS: Readonly<Record<string, string>> = { 'Content-Type': 'application/json' };

/**
 * The partner-side proxy between the widget and MX: a Hono app (a Web-standard `fetch` handler) exposing only the
 * widget's routes, rooted at `/`. The user always comes from `authenticate`, never from the browser.
 *
 * @example
 * const proxy = createConnectProxy({
 *   baseUrl: 'https://int-api.mx.com', clientId: env.MX_CLIENT_ID, apiKey: env.MX_API_KEY,
 *   authenticate: (request) => sessions.mxUserGuidOf(request),
 * });
 * app.route('/api/connect', proxy);
 */
export function createConnectProxy(options: ConnectProxyOptions): Hono {
  const config = readProxyOptions(options);
  const schemas = createBodySchemas(config.memberFields);
  const limits = resolveRateLimits(options.rateLimit);
  const store = options.rateLimitStore ?? createMemoryRateLimitStore();
  const now = options.now ?? Date.now;
  const authorization = `Basic ${base64(`${config.clientId}:${config.apiKey}`)}`;
  const secretsOfConfig = [config.apiKey, authorization];
  const upstreamHeaders = createUpstreamHeaders(authorization);
  const userKeyOf = createUserKeyCache();

  const app = config.basePath === undefined ? new Hono<ProxyEnv>() : new Hono<ProxyEnv>().basePath(config.basePath);

  // Envelope: request id, timing, response headers and the log line, around everything else (errors included).
  app.use('*', async (c, next) => {
    const state: RequestState = {
      requestId: crypto.randomUUID(),
      startedAt: now(),
      route: 'unmatched',
      userGuid: null,
      userKey: null,
      corsOrigin: null,
    };
    c.set('proxyState', state);
    await next();
    finish(c, state);
  });

  // CSRF, CORS and identity, before any route is looked at: an unauthenticated caller learns nothing, not even 404s.
  app.use('*', async (c, next) => {
    const state = c.get('proxyState');
    const origin = c.req.header('origin');
    const sameOrigin = origin !== undefined && origin === new URL(c.req.url).origin;
    if (origin !== undefined && !sameOrigin && config.allowedOrigins.has(origin)) state.corsOrigin = origin;

    if (c.req.method === 'OPTIONS') return preflight(c, state);
    if (!ALLOWED_METHODS.has(c.req.method)) {
      throw new ProxyError(405, 'Method not allowed.', 'method_not_allowed', { headers: { Allow: ALL_METHODS } });
    }
    // A browser always sends Origin on cross-origin requests and on same-origin POST/PUT/DELETE; a page on another
    // origin that reaches us with cookies is refused here (cookie-session CSRF).
    if (origin !== undefined && !sameOrigin && state.corsOrigin === null) {
      throw new ProxyError(403, 'Requests from this origin are not allowed.', 'foreign_origin');
    }
    // A custom header cannot be sent cross-origin without a CORS preflight that we only grant to allowedOrigins.
    if (c.req.header('x-member-connect') !== '1') {
      throw new ProxyError(403, 'Missing the X-Member-Connect: 1 request header.', 'missing_csrf_header');
    }
    state.userGuid = await authenticateRequest(c.req.raw);
    state.userKey = await userKeyOf(state.userGuid);
    await next();
  });

  for (const route of PROXY_ROUTES) {
    app.on(route.method, route.path, async (c) => handle(c, route));
  }
  for (const path of new Set(PROXY_ROUTES.map((route) => route.path))) {
    app.all(path, (c) => {
      c.get('proxyState').route = path;
      throw new ProxyError(405, 'Method not allowed.', 'method_not_allowed', { headers: { Allow: allowedMethods(path) } });
    });
  }
  // A route rather than notFound(): app.route() carries routes (and our onError) into the parent app, not notFound.
  app.all('*', () => {
    throw new ProxyError(404, 'Not found.', 'not_found');
  });
  // Only reached outside `basePath` (no middleware ran): still JSON, still an id.
  app.notFound((c) =>
    c.json({ error: { message: 'Not found.' } }, 404, { 'X-Request-Id': crypto.randomUUID(), 'Cache-Control': 'no-store' }),
  );
  app.onError((error, c) => errorResponse(c, error));

  async function handle(c: Context<ProxyEnv>, route: ProxyRoute): Promise<Response> {
    const state = c.get('proxyState');
    state.route = route.path;
    const params = readParams(c);
    const query = readQuery(c.req.url, route);
    await enforceRateLimit(route, state);

    const raw = await readJsonBodyFor(c.req.raw, route, config.maxBodyBytes);
    const secrets = [...secretsOfConfig];
    let body: string | undefined;
    if (route.body !== 'none') {
      const parsed = v.safeParse(schemas[route.body], raw);
      if (!parsed.success) throw new ProxyError(400, describeBodyIssue(parsed.issues), 'bad_body');
      secrets.push(...answerValues(parsed.output));
      body = JSON.stringify(parsed.output);
    }

    const userGuid = state.userGuid;
    if (userGuid === null) throw new ProxyError(401, 'Not authenticated.', 'unauthenticated');
    const url = `${config.baseUrl}${route.upstream(userGuid, params)}${query === '' ? '' : `?${query}`}`;
    const result = await callUpstream({
      fetch: config.fetch,
      url,
      method: route.method,
      headers: upstreamHeaders,
      timeoutMs: config.timeoutMs,
      body,
      secrets,
    });
    state.upstreamStatus = result.upstreamStatus;
    if (result.jsonText === null) return c.body(null, 204);
    // callUpstream has parsed this text and found it valid JSON; re-serialising the parse would give the browser the
    // same value, so the text goes out as it came.
    return c.body(result.jsonText, result.status as ContentfulStatusCode, JSON_HEADERS);
  }

  async function authenticateRequest(request: Request): Promise<string> {
    let userGuid: string | null | undefined;
    try {
      userGuid = await config.authenticate(request);
    } catch (error) {
      if (error instanceof HTTPException && (error.status === 401 || error.status === 403)) {
        throw new ProxyError(error.status, error.message || 'Not authenticated.', 'unauthenticated');
      }
      throw new ProxyError(500, GENERIC_MESSAGES.internal, 'authenticate_failed');
    }
    if (userGuid === null || userGuid === undefined || userGuid === '') {
      throw new ProxyError(401, 'Not authenticated.', 'unauthenticated');
    }
    // The guid goes into upstream paths: anything but a plain MX guid is the partner's bug, not the user's.
    if (typeof userGuid !== 'string' || !USER_GUID_PATTERN.test(userGuid)) {
      throw new ProxyError(500, GENERIC_MESSAGES.internal, 'invalid_user_guid');
    }
    return userGuid;
  }

  async function enforceRateLimit(route: ProxyRoute, state: RequestState): Promise<void> {
    const rule = limits[route.group];
    if (rule === null || state.userKey === null) return;
    const at = now();
    let hit;
    try {
      hit = await store.hit(`member-connect:${route.group}:${state.userKey}`, rule.windowMs, at);
    } catch {
      // Fail closed: without a working store we cannot tell a user from an attacker hammering member creation.
      throw new ProxyError(503, GENERIC_MESSAGES.unavailable, 'rate_limit_store_failed', { headers: { 'Retry-After': '5' } });
    }
    if (hit.count > rule.limit) {
      const seconds = Math.max(1, Math.ceil((hit.resetAt - at) / 1000));
      throw new ProxyError(429, 'Too many requests. Please wait and try again.', 'rate_limited', {
        headers: { 'Retry-After': String(seconds) },
      });
    }
  }

  function preflight(c: Context<ProxyEnv>, state: RequestState): Response {
    const method = c.req.header('access-control-request-method');
    if (method === undefined) {
      throw new ProxyError(405, 'Method not allowed.', 'method_not_allowed', { headers: { Allow: ALL_METHODS } });
    }
    const requested = (c.req.header('access-control-request-headers') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== '');
    if (state.corsOrigin === null || !ALLOWED_METHODS.has(method) || requested.some((h) => !CORS_REQUEST_HEADERS.has(h))) {
      throw new ProxyError(403, 'Cross-origin request not allowed.', 'cors_preflight_refused');
    }
    return new Response(null, {
      status: 204,
      headers: {
        'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Member-Connect',
        'Access-Control-Max-Age': '600',
      },
    });
  }

  function errorResponse(c: Context<ProxyEnv>, error: Error): Response {
    const proxyError =
      error instanceof ProxyError ? error : new ProxyError(500, GENERIC_MESSAGES.internal, 'internal_error');
    const state = c.get('proxyState') as RequestState | undefined;
    if (state !== undefined) {
      state.reason = proxyError.reason;
      if (proxyError.upstreamStatus !== undefined) state.upstreamStatus = proxyError.upstreamStatus;
    }
    const response = c.json({ error: { message: proxyError.message } }, proxyError.status as ContentfulStatusCode);
    for (const [name, value] of Object.entries(proxyError.headers)) response.headers.set(name, value);
    return response;
  }

  function finish(c: Context<ProxyEnv>, state: RequestState): void {
    const headers = c.res.headers;
    headers.set('X-Request-Id', state.requestId);
    headers.set('Cache-Control', 'no-store');
    headers.set('X-Content-Type-Options', 'nosniff');
    headers.set('Referrer-Policy', 'no-referrer');
    if (state.corsOrigin !== null) {
      headers.set('Access-Control-Allow-Origin', state.corsOrigin);
      headers.set('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
    }
    headers.append('Vary', 'Origin');
    if (options.logger === undefined) return;
    const entry: ProxyLogEntry = {
      requestId: state.requestId,
      route: state.route,
      method: LOGGED_METHODS.has(c.req.method) ? c.req.method : 'OTHER',
      status: c.res.status,
      durationMs: Math.max(0, now() - state.startedAt),
      userHash: state.userKey === null ? null : state.userKey.slice(0, 16),
    };
    if (state.reason !== undefined) entry.reason = state.reason;
    if (state.upstreamStatus !== undefined) entry.upstreamStatus = state.upstreamStatus;
    try {
      options.logger(entry);
    } catch {
      // A failing logger must not turn a served request into an error.
    }
  }

  // Hono's typed Env does not widen to the plain `Hono` the public contract names; the app is the same object.
  return app as unknown as Hono;
}

function readParams(c: Context<ProxyEnv>): Record<string, string> {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(c.req.param() as Record<string, string>)) {
    const pattern = PATH_PARAMS[name];
    // Hono hands over the decoded value: `..%2F`, `%2e%2e`, `%0d%0a` arrive as `../`, `..`, CRLF and fail here.
    if (pattern === undefined || !pattern.test(value)) {
      throw new ProxyError(400, `Invalid path parameter \`${name}\`.`, 'bad_path_param');
    }
    params[name] = value;
  }
  return params;
}

function readQuery(url: string, route: ProxyRoute): string {
  const search = searchOf(url);
  if (search.length > MAX_QUERY_LENGTH) throw new ProxyError(400, 'Query string too long.', 'bad_query');
  const incoming = new URLSearchParams(search);
  const outgoing = new URLSearchParams();
  const seen = new Set<string>();
  for (const [name, value] of incoming) {
    const rule = Object.hasOwn(route.query, name) ? route.query[name] : undefined;
    if (rule === undefined) {
      const shown = /^[A-Za-z0-9_]{1,64}$/.test(name) ? ` \`${name}\`` : '';
      throw new ProxyError(400, `Unexpected query parameter${shown}.`, 'bad_query');
    }
    if (seen.has(name) && rule.repeatable !== true) {
      throw new ProxyError(400, `Query parameter \`${name}\` given more than once.`, 'bad_query');
    }
    if (!rule.pattern.test(value)) throw new ProxyError(400, `Invalid query parameter \`${name}\`.`, 'bad_query');
    seen.add(name);
    outgoing.append(name, value);
  }
  return outgoing.toString();
}

async function readJsonBodyFor(request: Request, route: ProxyRoute, limit: number): Promise<unknown> {
  const raw = await readJsonBody(request, limit);
  if (route.body === 'none') {
    // Tolerate a client that always sends `{}`; anything more is refused rather than ignored.
    const empty = raw === undefined || (isPlainObject(raw) && Object.keys(raw).length === 0);
    if (!empty) throw new ProxyError(400, 'This route takes no request body.', 'bad_body');
    return undefined;
  }
  if (raw === undefined) throw new ProxyError(400, 'Invalid request body: a JSON body is required.', 'bad_body');
  return raw;
}

const isPlainObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function answerValues(output: unknown): string[] {
  const member = (output as { member?: { credentials?: { value: string }[]; challenges?: { value: string }[] } }).member;
  return [...(member?.credentials ?? []), ...(member?.challenges ?? [])].map((item) => item.value);
}

function allowedMethods(path: string): string {
  return PROXY_ROUTES.filter((route) => route.path === path)
    .map((route) => route.method)
    .join(', ');
}

/**
 * `new URL(url).search` without building a URL: `url` is a Request's URL, already parsed and serialised, so its first
 * `?` starts the query and a `#` after it can only start the fragment.
 */
function searchOf(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return '';
  const hash = url.indexOf('#', start);
  const search = hash === -1 ? url.slice(start) : url.slice(start, hash);
  return search === '?' ? '' : search;
}

/** SHA-256 hex of a user guid, memoised in a small LRU (Map order = least recently used first). */
function createUserKeyCache(): (userGuid: string) => Promise<string> {
  const keys = new Map<string, string>();
  return async (userGuid) => {
    const known = keys.get(userGuid);
    if (known !== undefined) {
      keys.delete(userGuid);
      keys.set(userGuid, known);
      return known;
    }
    const key = await sha256Hex(userGuid);
    if (keys.size >= USER_KEY_CACHE_SIZE) {
      const oldest = keys.keys().next().value;
      if (oldest !== undefined) keys.delete(oldest);
    }
    keys.set(userGuid, key);
    return key;
  };
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
