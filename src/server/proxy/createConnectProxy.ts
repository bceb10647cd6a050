import { Hono } from 'hono';

import type { MemberFieldOptions } from './bodySchemas.ts';
import { createBodySchemas } from './bodySchemas.ts';
import type { ProxyFetch, UpstreamTransport } from './callUpstream.ts';
import { createUpstreamHeaders, fetchTransport } from './callUpstream.ts';
import { announceJobStart } from './middleware/announceJobStart.ts';
import type { ProxyLogEntry } from './middleware/envelope.ts';
import { envelope } from './middleware/envelope.ts';
import { forwardUpstream } from './middleware/forwardUpstream.ts';
import type { Authenticate } from './middleware/identify.ts';
import { identify } from './middleware/identify.ts';
import type { ClientKey } from './middleware/limitRate.ts';
import { limitRate, socketAddress } from './middleware/limitRate.ts';
import { errorResponse } from './middleware/mapErrors.ts';
import { originCheck } from './middleware/originCheck.ts';
import type { ProxyEnv } from './middleware/proxyEnv.ts';
import { shapeResponse } from './middleware/shapeResponse.ts';
import { validateRequest } from './middleware/validateRequest.ts';
import { ProxyError } from './proxyError.ts';
import { PROXY_ROUTES } from './proxyRoutes.ts';
import type { RateLimitOptions, RateLimitStore } from './rateLimit.ts';
import { createMemoryRateLimitStore, resolveRateLimits } from './rateLimit.ts';
import { readProxyOptions } from './readProxyOptions.ts';
import { compileShape, resolveShape } from './responseShape.ts';
import { createMemoryStatusBus } from './statusBus.ts';
import { statusStreamHandler } from './statusStream.ts';
import type { StatusStreamOptions } from './statusStreamOptions.ts';
import { MAX_STREAMS_PER_MEMBER, readStatusStreamOptions } from './statusStreamOptions.ts';
import { createStatusWatchers } from './statusWatchers.ts';
import { webhookReceiver } from './webhookReceiver.ts';

export type { ProxyLogEntry };

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
  authenticate: Authenticate;
  /** Used for every upstream call; any fetch-like function (`fetch: sandbox.request` fits). @default globalThis.fetch */
  fetch?: ProxyFetch;
  /**
   * How MX is reached, replacing `fetch` entirely: e.g. `createNodeTransport()` from `member-connect/node`
   * (keep-alive `node:http`, a socket cap). @default a transport over `fetch`
   */
  transport?: UpstreamTransport;
  /** Deadline for each upstream call, body included; past it the browser gets 504. @default 10_000 */
  timeoutMs?: number;
  /**
   * Origins (`https://app.example.com`) that may call the proxy cross-origin (CORS) and pass the Origin check.
   * Closed when empty: only same-origin pages may call. @default []
   */
  allowedOrigins?: string[];
  /**
   * Trust `X-Forwarded-Host` / `X-Forwarded-Proto` when working out the proxy's own origin for the Origin check. Turn
   * on only behind a reverse proxy you run that sets (or strips) both headers; a client can send them too. @default false
   */
  trustProxy?: boolean;
  /** Receives one structured entry per request. @default no logging */
  logger?: (entry: ProxyLogEntry) => void;
  /** Per-user limits per route group (plus `bankLoginsPerClient`), or `false` to turn rate limiting off. @default DEFAULT_RATE_LIMITS */
  rateLimit?: RateLimitOptions;
  /** Where rate-limit counters live; share one between proxy instances. @default in-memory */
  rateLimitStore?: RateLimitStore;
  /**
   * The client a bank login is counted against besides its user (usually its IP address). Return `null` when unknown.
   * @default the socket address under `toNodeHandler` or `@hono/node-server`, otherwise none
   */
  clientKey?: ClientKey;
  /** Lets the browser set (and read back) the partner-owned member fields `id` and/or `metadata`. @default both refused */
  memberFields?: MemberFieldOptions;
  /**
   * The path the proxy is served under when it receives full URLs itself (Next.js route handlers, Bun/Deno serve):
   * `basePath: '/api/connect'`. Leave unset when mounting with `app.route('/api/connect', proxy)`.
   */
  basePath?: string;
  /** Largest accepted request body in bytes. @default 16_384 */
  maxBodyBytes?: number;
  /** Deadline for a request body to arrive in full; past it the browser gets 408. @default 10_000 */
  bodyTimeoutMs?: number;
  /**
   * Requests served at once; one more is answered at once with 503 and `Retry-After` (load shedding), rather than
   * queueing behind the others until it times out. @default 1024
   */
  maxInFlight?: number;
  /** Clock in milliseconds, for rate-limit windows and durations. @default Date.now */
  now?: () => number;
  /**
   * The live member-status stream (`GET /members/:member_guid/status/stream`, SSE or long-poll), its MX webhook
   * receiver and the bus that shares webhooks between instances. @default on, polling MX, one instance
   */
  statusStream?: StatusStreamOptions;
}

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
  const now = options.now ?? Date.now;
  const schemas = createBodySchemas(config.memberFields);
  const { limits, perClientBankLogins } = resolveRateLimits(options.rateLimit);
  const authorization = `Basic ${base64(`${config.clientId}:${config.apiKey}`)}`;
  const upstream = {
    baseUrl: config.baseUrl,
    headers: createUpstreamHeaders(authorization),
    transport: options.transport ?? fetchTransport(config.fetch),
    timeoutMs: config.timeoutMs,
  };
  const validation = { schemas, maxBodyBytes: config.maxBodyBytes, bodyTimeoutMs: config.bodyTimeoutMs };
  const rateLimit = limitRate({
    limits,
    perClientBankLogins,
    clientKey: options.clientKey ?? socketAddress,
    store: options.rateLimitStore ?? createMemoryRateLimitStore(),
    now,
  });

  const stream = readStatusStreamOptions(options.statusStream);
  const bus = stream === undefined ? undefined : (stream.bus ?? createMemoryStatusBus());
  const streamRoute = PROXY_ROUTES.find((route) => route.serve === 'statusStream');
  const watchers =
    stream === undefined || bus === undefined || streamRoute === undefined
      ? undefined
      : createStatusWatchers({
          ...upstream,
          filter: compileShape(resolveShape(streamRoute.response, config.memberFields)),
          bus,
          pollIntervalMs: stream.pollIntervalMs,
          webhooks: stream.webhook !== undefined,
          maxWatchers: stream.maxWatchers,
          maxStreamsPerMember: MAX_STREAMS_PER_MEMBER,
        });
  const routes = PROXY_ROUTES.filter((route) => route.serve !== 'statusStream' || watchers !== undefined);

  const app = config.basePath === undefined ? new Hono<ProxyEnv>() : new Hono<ProxyEnv>().basePath(config.basePath);

  // Around every request, in this order: the envelope (load shedding past `maxInFlight`, the request's own id, its
  // state, the headers every answer carries, the log line), then CSRF/CORS and identity before any route is looked at.
  app.use('*', envelope({ now, logger: options.logger, maxInFlight: config.maxInFlight }));
  // MX's webhooks come from MX's servers, not a browser: they answer here, before the Origin and session checks they
  // could never pass, with MX's HTTP Basic authentication instead.
  if (stream?.webhook !== undefined && bus !== undefined) {
    const { path, username, password } = stream.webhook;
    app.post(
      path,
      webhookReceiver({
        credentials: { username, password },
        path,
        bus,
        maxBodyBytes: config.maxBodyBytes,
        bodyTimeoutMs: config.bodyTimeoutMs,
      }),
    );
    app.all(path, (c) => {
      c.get('proxyState').route = path;
      throw new ProxyError(405, 'Method not allowed.', 'method_not_allowed', { headers: { Allow: 'POST' } });
    });
  }
  app.use('*', originCheck({ allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy }));
  app.use('*', identify(config.authenticate));

  // Each route of the table: validate against its row, count it, call MX, pass on only its allowed fields.
  for (const route of routes) {
    if (route.serve === 'statusStream' && watchers !== undefined && stream !== undefined) {
      app.on(
        route.method,
        route.path,
        validateRequest(route, validation),
        rateLimit,
        statusStreamHandler({ watchers, maxStreamMs: stream.maxStreamMs, heartbeatMs: stream.heartbeatMs }),
      );
      continue;
    }
    // A write that starts a job tells the member's status watchers once MX accepted it (announceJobStart.ts).
    const announce =
      route.startsJob === true && watchers !== undefined && bus !== undefined ? [announceJobStart(bus)] : [];
    app.on(
      route.method,
      route.path,
      validateRequest(route, validation),
      rateLimit,
      ...announce,
      forwardUpstream({ ...upstream, method: route.method }),
      shapeResponse(resolveShape(route.response, config.memberFields), watchers !== undefined),
    );
  }
  for (const path of new Set(routes.map((route) => route.path))) {
    const allow = routes
      .filter((route) => route.path === path)
      .map((route) => route.method)
      .join(', ');
    app.all(path, (c) => {
      c.get('proxyState').route = path;
      throw new ProxyError(405, 'Method not allowed.', 'method_not_allowed', { headers: { Allow: allow } });
    });
  }
  // A route rather than notFound(): app.route() carries routes (and our onError) into the parent app, not notFound.
  app.all('*', () => {
    throw new ProxyError(404, 'Not found.', 'not_found');
  });
  // Only reached outside `basePath` (no middleware ran): still JSON, still an id.
  app.notFound((c) =>
    c.json({ error: { message: 'Not found.' } }, 404, {
      'X-Request-Id': crypto.randomUUID(),
      'Cache-Control': 'no-store',
    }),
  );
  app.onError(errorResponse);

  // Hono's typed Env does not widen to the plain `Hono` the public contract names; the app is the same object.
  return app as unknown as Hono;
}

function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
