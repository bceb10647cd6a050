import { MX_MEDIA_TYPE } from '../../mx/mxMediaType.ts';
import { GENERIC_MESSAGES, ProxyError } from './proxyError.ts';
import { readLimitedBytes } from './readLimitedBytes.ts';

// Institution pages of 100 records are well under this; anything bigger is not an MX answer we expect.
export const MAX_UPSTREAM_BYTES = 2 * 1024 * 1024;

/**
 * The `fetch` the proxy calls MX with: `typeof fetch`, or anything fetch-like that may answer synchronously, so a Hono
 * app's `request` (`fetch: sandbox.request`) type-checks under strict TS too.
 */
export type ProxyFetch = (input: RequestInfo | URL, init?: RequestInit) => Response | Promise<Response>;

/** One request to MX, built only from validated parts. */
export interface UpstreamRequest {
  url: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  body: string | undefined;
  /** Deadline for the answer and its whole body. */
  timeoutMs: number;
  /**
   * Aborted when nobody needs the answer any more (the last browser watching a member's status left): the transport
   * should close the request and reject. Optional both ways: a transport that ignores it only runs to its deadline.
   */
  signal?: AbortSignal;
}

/** What the proxy needs from MX's answer; nothing else of it (no header but `Retry-After`) is ever read. */
export interface UpstreamResponse {
  status: number;
  /** The whole body as text, at most MAX_UPSTREAM_BYTES. */
  text: string;
  retryAfter: string | undefined;
}

/**
 * How the proxy reaches MX. Throws a `ProxyError` (502 unreachable or oversized, 504 past the deadline) when there is
 * no answer to judge; any answer, whatever its status, is returned.
 */
export type UpstreamTransport = (request: UpstreamRequest) => Promise<UpstreamResponse>;

/** The request headers for one proxy, built once rather than per call: MX never gets any of the browser's. */
export interface UpstreamHeaders {
  withoutBody: Readonly<Record<string, string>>;
  withBody: Readonly<Record<string, string>>;
}

export function createUpstreamHeaders(authorization: string): UpstreamHeaders {
  const withoutBody = Object.freeze({ Authorization: authorization, Accept: MX_MEDIA_TYPE });
  return { withoutBody, withBody: Object.freeze({ ...withoutBody, 'Content-Type': 'application/json' }) };
}

/** What a transport rejects with when the caller's `signal` aborts the request. */
export const upstreamAborted = (): ProxyError => new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_aborted');

const decoder = new TextDecoder();
const TIMED_OUT = Symbol('timed out');
const ABORTED = Symbol('aborted');

/**
 * The default transport: a Web-standard `fetch` (so it runs on every runtime), redirects not followed, one deadline for
 * the response and its body, the body read up to a bound.
 */
export function fetchTransport(fetch: ProxyFetch): UpstreamTransport {
  return async (call) => {
    if (call.signal?.aborted) throw upstreamAborted();
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    // Raced against the fetch as well as passed as its signal: an injected fetch may ignore the signal.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(TIMED_OUT);
      }, call.timeoutMs);
      if (call.signal === undefined) return;
      onAbort = () => {
        controller.abort();
        reject(ABORTED);
      };
      call.signal.addEventListener('abort', onAbort, { once: true });
    });
    deadline.catch(() => undefined);

    let response: Response | undefined;
    try {
      response = await Promise.race([
        fetch(call.url, {
          method: call.method,
          headers: call.headers,
          body: call.body,
          redirect: 'manual',
          signal: controller.signal,
        }),
        deadline,
      ]);
      const answered = response;
      const bytes = await Promise.race([
        readLimitedBytes(answered.body, { limit: MAX_UPSTREAM_BYTES, tooLarge: () => oversized(answered.status) }),
        deadline,
      ]);
      return {
        status: answered.status,
        text: decoder.decode(bytes),
        retryAfter: answered.headers.get('retry-after') ?? undefined,
      };
    } catch (error) {
      response?.body?.cancel().catch(() => undefined);
      if (error === ABORTED || call.signal?.aborted) throw upstreamAborted();
      if (error === TIMED_OUT || controller.signal.aborted) {
        throw new ProxyError(504, GENERIC_MESSAGES.timeout, 'upstream_timeout');
      }
      if (error instanceof ProxyError) throw error;
      throw new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_unreachable');
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) call.signal?.removeEventListener('abort', onAbort);
    }
  };
}

const oversized = (status: number): ProxyError =>
  new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_malformed', { upstreamStatus: status });
