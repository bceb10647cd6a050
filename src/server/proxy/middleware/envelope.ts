import type { Context, MiddlewareHandler } from 'hono';

import { answer } from '../../rawAnswer.ts';
import type { ProxyReason } from '../proxyError.ts';
import { GENERIC_MESSAGES } from '../proxyError.ts';
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

// Seconds a shed request is told to wait: long enough for a burst to drain, short for a person watching a spinner.
const OVERLOADED_RETRY_AFTER = '2';
const OVERLOADED_BODY = JSON.stringify({ error: { message: GENERIC_MESSAGES.busy } });

const LOGGED_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH']);

// Security headers for a JSON API: what Hono's `secureHeaders` would send with everything a JSON answer does not need
// turned off (HSTS is the partner's site-wide decision). `jsonAnswerHeaders` writes the same ones out in one literal.
const FIXED_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Vary: 'Origin',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};
const FIXED_HEADER_ENTRIES = Object.entries(FIXED_HEADERS);

// What a cross-origin widget may read: the request id, a wait, and whether this proxy serves the status stream.
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After, X-Member-Connect-Stream';

/**
 * The headers of a JSON success answer, in one plain object: such an answer is built with them in one step (no
 * `Headers` object, no copy). Every other answer gets the same headers (FIXED_HEADERS) added by the envelope.
 * `X-Member-Connect-Stream` (`1` or `0`) tells the widget, on answers it gets before it needs a member's status,
 * whether to open the status stream or poll, so it never spends a request finding out (docs/proxy.md). Left out when
 * `hasStatusStream` is not given.
 */
export function jsonAnswerHeaders(state: RequestState, hasStatusStream?: boolean): Record<string, string> {
  state.headersSet = true;
  // One literal with fixed keys, so V8 builds it from a template (no spread, no dictionary-mode object).
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    Vary: 'Origin',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'X-Request-Id': state.requestId,
  };
  // Not on a refusal the envelope writes itself (load shedding): it knows nothing of the routes, and the widget reads
  // the header from every answer.
  if (hasStatusStream !== undefined) headers['X-Member-Connect-Stream'] = hasStatusStream ? '1' : '0';
  if (state.corsOrigin !== null) {
    headers['Access-Control-Allow-Origin'] = state.corsOrigin;
    headers['Access-Control-Expose-Headers'] = EXPOSED_HEADERS;
  }
  return headers;
}

/**
 * The outermost piece: gives the request an id of its own (an incoming `X-Request-Id` is never trusted) and opens its
 * state; once everything inside has answered (errors included, through `onError`) it makes sure the answer carries the
 * common headers and writes the log line.
 */
export function envelope(options: {
  now: () => number;
  logger: ((entry: ProxyLogEntry) => void) | undefined;
  maxInFlight: number;
}): MiddlewareHandler<ProxyEnv> {
  const { now, logger, maxInFlight } = options;
  let inFlight = 0;
  return async (c, next) => {
    const state: RequestState = {
      requestId: crypto.randomUUID(),
      startedAt: now(),
      route: 'unmatched',
      userGuid: null,
      userKey: null,
      corsOrigin: null,
      upstreamPath: '',
      upstreamQuery: '',
      upstreamBody: undefined,
      group: null,
      headersSet: false,
      leaveInFlight: () => undefined,
    };
    c.set('proxyState', state);
    // Load shedding: past the cap, an answer in microseconds that tells the widget when to come back, instead of a
    // place in a queue that ends in a 504 (or a client timeout) seconds later while the ones ahead get slower too.
    // Built as cheaply as an answer can be (its parts, written straight out under toNodeHandler): past capacity, every
    // microsecond spent refusing is taken from the requests being served.
    if (inFlight >= maxInFlight) {
      state.reason = 'overloaded';
      const headers = jsonAnswerHeaders(state);
      headers['Retry-After'] = OVERLOADED_RETRY_AFTER;
      c.res = answer(c.env, OVERLOADED_BODY, 503, headers);
      finish(c, state, now, logger);
      return;
    }
    inFlight += 1;
    let counted = true;
    state.leaveInFlight = () => {
      if (counted) inFlight -= 1;
      counted = false;
    };
    try {
      await next();
    } finally {
      state.leaveInFlight();
    }
    finish(c, state, now, logger);
  };
}

function finish(
  c: Context<ProxyEnv>,
  state: RequestState,
  now: () => number,
  logger: ((entry: ProxyLogEntry) => void) | undefined,
): void {
  // Refusals and errors: the same headers, added to the answer Hono built.
  if (!state.headersSet) {
    const headers = c.res.headers;
    for (const [name, value] of FIXED_HEADER_ENTRIES) {
      if (name === 'Vary') headers.append(name, value);
      else headers.set(name, value);
    }
    headers.set('X-Request-Id', state.requestId);
    if (state.corsOrigin !== null) {
      headers.set('Access-Control-Allow-Origin', state.corsOrigin);
      headers.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
  }
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
