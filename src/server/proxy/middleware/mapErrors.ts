import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import type { UpstreamResponse } from '../callUpstream.ts';
import { GENERIC_MESSAGES, ProxyError } from '../proxyError.ts';
import type { ProxyEnv } from './proxyEnv.ts';

const RETRY_AFTER_PATTERN = /^(\d{1,7}|[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)$/;
const DEFAULT_RETRY_AFTER = '60';

/**
 * The proxy's own words for MX's 4xx answers, by status. MX's error text can quote what was sent (a member `id`, a
 * credential guid, an existing member's guid), so it never reaches the browser, the screen or `onEvent` metadata…
 */
const UPSTREAM_4XX_MESSAGES: Readonly<Record<number, string>> = {
  400: 'The bank connection service could not accept this request.',
  404: 'Not found.',
  405: 'This is not possible for this connection right now.',
  409: 'This connection already exists.',
  422: 'The bank connection service could not process this request.',
};
const UPSTREAM_4XX_DEFAULT = 'The bank connection service refused the request.';

/**
 * …except these exact texts, which carry no variable part and say more than the status alone. Compared whole, after
 * trimming: a message that merely contains one of them is not safe.
 */
const SAFE_UPSTREAM_MESSAGES: ReadonlySet<string> = new Set([
  'Member not found.',
  'Institution not found.',
  'The requested resource was not found.',
  'The member object cannot be empty.',
  'Every pending challenge must be answered in one resume request.',
  'An OAuth member must complete OAuth (oauth_window_uri) before it can aggregate.',
  'This member does not use OAuth.',
]);

/** The `ProxyError` an MX answer outside 2xx becomes: a fixed message per status, never MX's headers or body. */
export function upstreamError(response: UpstreamResponse): ProxyError {
  const { status } = response;
  const upstreamStatus = { upstreamStatus: status };
  if (status >= 300 && status < 400) {
    return new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_redirect', upstreamStatus);
  }
  // MX refusing our client id / API key, IP allow-list or Accept header is the partner's configuration problem. The
  // browser must not read it as its own session failing (a 401 would make the widget refresh its token).
  if (status === 401 || status === 403 || status === 406 || status === 407) {
    return new ProxyError(502, GENERIC_MESSAGES.unavailable, 'upstream_refused_credentials', upstreamStatus);
  }
  const retryAfter = validRetryAfter(response.retryAfter);
  if (status === 429) {
    return new ProxyError(
      429,
      'Too many requests to the bank connection service. Please wait and try again.',
      'upstream_status',
      {
        ...upstreamStatus,
        headers: { 'Retry-After': retryAfter ?? DEFAULT_RETRY_AFTER },
      },
    );
  }
  if (status >= 400 && status < 500) {
    const safe = safeMessage(response.text);
    return new ProxyError(
      status as ContentfulStatusCode,
      safe ?? UPSTREAM_4XX_MESSAGES[status] ?? UPSTREAM_4XX_DEFAULT,
      'upstream_status',
      upstreamStatus,
    );
  }
  // 5xx (and anything stranger): MX internals stay on the server, the status class is kept.
  const mapped = status === 503 ? 503 : status === 504 ? 504 : 502;
  const message =
    mapped === 503
      ? GENERIC_MESSAGES.unavailable
      : mapped === 504
        ? GENERIC_MESSAGES.timeout
        : GENERIC_MESSAGES.unreachable;
  return new ProxyError(mapped, message, 'upstream_status', {
    ...upstreamStatus,
    headers: retryAfter === undefined || status < 500 ? {} : { 'Retry-After': retryAfter },
  });
}

function safeMessage(text: string): string | undefined {
  // Cheap before parsing: every safe message is short.
  if (text.length > 512) return undefined;
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } } | null)?.error?.message;
    return typeof message === 'string' && SAFE_UPSTREAM_MESSAGES.has(message.trim()) ? message.trim() : undefined;
  } catch {
    return undefined;
  }
}

function validRetryAfter(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed !== undefined && RETRY_AFTER_PATTERN.test(trimmed) ? trimmed : undefined;
}

/** The app's one `onError`: a `ProxyError` becomes `{ error: { message } }` with its status and headers, anything else a generic 500. */
export function errorResponse(error: Error, c: Context<ProxyEnv>): Response {
  const proxyError =
    error instanceof ProxyError ? error : new ProxyError(500, GENERIC_MESSAGES.internal, 'internal_error');
  const state = c.get('proxyState') as ProxyEnv['Variables']['proxyState'] | undefined;
  if (state !== undefined) {
    state.reason = proxyError.reason;
    if (proxyError.upstreamStatus !== undefined) state.upstreamStatus = proxyError.upstreamStatus;
  }
  return c.json(
    { error: { message: proxyError.message } },
    proxyError.status as ContentfulStatusCode,
    proxyError.headers,
  );
}
