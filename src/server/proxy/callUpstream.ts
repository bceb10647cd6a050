import type { ContentfulStatusCode } from 'hono/utils/http-status';

import { MX_MEDIA_TYPE } from '../../mx/mxMediaType.ts';
import { GENERIC_MESSAGES, ProxyError } from './proxyError.ts';
import { readLimitedBytes } from './readLimitedBytes.ts';

// Institution pages of 100 records are well under this; anything bigger is not an MX answer we expect.
const MAX_UPSTREAM_BYTES = 2 * 1024 * 1024;
const MAX_MESSAGE_LENGTH = 300;
const RETRY_AFTER_PATTERN = /^(\d{1,7}|[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)$/;
const DEFAULT_RETRY_AFTER = '60';

export interface UpstreamCall {
  fetch: typeof fetch;
  url: string;
  method: string;
  /** From `createUpstreamHeaders`, made once per proxy. */
  headers: UpstreamHeaders;
  timeoutMs: number;
  body: string | undefined;
  /** Strings that must never come back to the browser in an error message (credential values, MFA answers, keys). */
  secrets: readonly string[];
}

/** The only headers MX ever gets from the proxy; none of the browser's. */
export interface UpstreamHeaders {
  withoutBody: Readonly<Record<string, string>>;
  withBody: Readonly<Record<string, string>>;
}

/** What the proxy answers with after a successful upstream call. */
export interface UpstreamResult {
  status: number;
  /** The body, already parsed once and known to be valid JSON, or `null` for a body-less answer such as 204. */
  jsonText: string | null;
  upstreamStatus: number;
}

const decoder = new TextDecoder();

/** The upstream request headers for one proxy, built once rather than per call. */
export function createUpstreamHeaders(authorization: string): UpstreamHeaders {
  const withoutBody = Object.freeze({ Authorization: authorization, Accept: MX_MEDIA_TYPE });
  return { withoutBody, withBody: Object.freeze({ ...withoutBody, 'Content-Type': 'application/json' }) };
}

const TIMED_OUT = Symbol('timed out');

/**
 * One MX call: Basic auth and the MX `Accept` header added, nothing of the browser's request forwarded, redirects not
 * followed, one deadline for the response and its body. Only the status, a parsed JSON body, a vetted error message
 * and `Retry-After` come back; no upstream header, stack or raw body ever does.
 */
export async function callUpstream(call: UpstreamCall): Promise<UpstreamResult> {
  const headers = call.body === undefined ? call.headers.withoutBody : call.headers.withBody;

  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Raced against the fetch as well as passed as its signal: an injected fetch may ignore the signal.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(TIMED_OUT);
    }, call.timeoutMs);
  });
  deadline.catch(() => undefined);

  let response: Response | undefined;
  let text: string;
  try {
    response = await Promise.race([
      call.fetch(call.url, {
        method: call.method,
        headers,
        body: call.body,
        redirect: 'manual',
        signal: controller.signal,
      }),
      deadline,
    ]);
    text = await Promise.race([readLimited(response), deadline]);
  } catch (error) {
    response?.body?.cancel().catch(() => undefined);
    if (error === TIMED_OUT || controller.signal.aborted) {
      throw new ProxyError(504, GENERIC_MESSAGES.timeout, 'upstream_timeout');
    }
    if (error instanceof ProxyError) throw error;
    throw new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_unreachable');
  } finally {
    clearTimeout(timer);
  }

  const status = response.status;
  if (status >= 200 && status < 300) {
    if (status === 204 || status === 205 || text.trim() === '') return { status: 204, jsonText: null, upstreamStatus: status };
    // Parsed only to check it is JSON: nothing is filtered out of a success body, so the checked text is passed on.
    if (parseJson(text) === undefined) {
      throw new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_malformed', { upstreamStatus: status });
    }
    return { status, jsonText: text, upstreamStatus: status };
  }
  if (status >= 300 && status < 400) {
    throw new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_redirect', { upstreamStatus: status });
  }
  // MX refusing our client id / API key, IP allow-list or Accept header is the partner's configuration problem. The
  // browser must not read it as its own session failing (a 401 would make the widget refresh its token).
  if (status === 401 || status === 403 || status === 406 || status === 407) {
    throw new ProxyError(502, GENERIC_MESSAGES.unavailable, 'upstream_refused_credentials', { upstreamStatus: status });
  }
  if (status === 429) {
    throw new ProxyError(429, 'Too many requests to the bank connection service. Please wait and try again.', 'upstream_status', {
      upstreamStatus: status,
      headers: { 'Retry-After': retryAfter(response) ?? DEFAULT_RETRY_AFTER },
    });
  }
  if (status >= 500) {
    // Upstream 5xx messages may describe MX internals: the browser gets a generic message, the status class kept.
    const mapped: ContentfulStatusCode = status === 503 ? 503 : status === 504 ? 504 : 502;
    const extra = retryAfter(response);
    throw new ProxyError(
      mapped,
      status === 503 ? GENERIC_MESSAGES.unavailable : mapped === 504 ? GENERIC_MESSAGES.timeout : GENERIC_MESSAGES.unreachable,
      'upstream_status',
      { upstreamStatus: status, headers: extra === undefined ? {} : { 'Retry-After': extra } },
    );
  }
  const passStatus = (status >= 400 && status < 500 ? status : 502) as ContentfulStatusCode;
  throw new ProxyError(passStatus, errorMessage(text, call.secrets) ?? defaultMessage(passStatus), 'upstream_status', {
    upstreamStatus: status,
  });
}

/** MX's `{"error": {"message"}}`, cleaned: printable, short, and dropped entirely if it echoes anything secret. */
function errorMessage(text: string, secrets: readonly string[]): string | undefined {
  const json = parseJson(text);
  if (typeof json !== 'object' || json === null) return undefined;
  const error = (json as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const message = (error as { message?: unknown }).message;
  if (typeof message !== 'string') return undefined;
  const clean = message.replace(/\p{Cc}+/gu, ' ').trim().slice(0, MAX_MESSAGE_LENGTH);
  if (clean === '') return undefined;
  if (secrets.some((secret) => secret.length >= 4 && clean.includes(secret))) return undefined;
  return clean;
}

function defaultMessage(status: number): string {
  switch (status) {
    case 404:
      return 'Not found.';
    case 409:
      return 'This connection already exists.';
    default:
      return 'The bank connection service refused the request.';
  }
}

function retryAfter(response: Response): string | undefined {
  const value = response.headers.get('retry-after')?.trim();
  return value !== undefined && RETRY_AFTER_PATTERN.test(value) ? value : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readLimited(response: Response): Promise<string> {
  const bytes = await readLimitedBytes(
    response.body,
    MAX_UPSTREAM_BYTES,
    () => new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_malformed', { upstreamStatus: response.status }),
  );
  return decoder.decode(bytes);
}
