import type { Context, MiddlewareHandler } from 'hono';

import type { ProxyReason } from '../proxyError.ts';
import type { ProxyEnv, RequestState } from './proxyEnv.ts';

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

const LOGGED_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH']);

/**
 * The outermost piece: opens the request's state, and once everything inside has answered (errors included, through
 * `onError`) adds the headers every answer carries and writes the log line.
 */
export function envelope(options: {
  now: () => number;
  logger: ((entry: ProxyLogEntry) => void) | undefined;
}): MiddlewareHandler<ProxyEnv> {
  const { now, logger } = options;
  return async (c, next) => {
    const state: RequestState = {
      requestId: c.get('requestId'),
      startedAt: now(),
      route: 'unmatched',
      userGuid: null,
      userKey: null,
      corsOrigin: null,
      upstreamPath: '',
      upstreamQuery: '',
      upstreamBody: undefined,
      group: null,
    };
    c.set('proxyState', state);
    await next();
    finish(c, state, now, logger);
  };
}

function finish(
  c: Context<ProxyEnv>,
  state: RequestState,
  now: () => number,
  logger: ((entry: ProxyLogEntry) => void) | undefined,
): void {
  const headers = c.res.headers;
  headers.set('X-Request-Id', state.requestId);
  headers.set('Cache-Control', 'no-store');
  if (state.corsOrigin !== null) {
    headers.set('Access-Control-Allow-Origin', state.corsOrigin);
    headers.set('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
  }
  headers.append('Vary', 'Origin');
  if (logger === undefined) return;
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
    logger(entry);
  } catch {
    // A failing logger must not turn a served request into an error.
  }
}
