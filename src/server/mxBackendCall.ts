import { MX_MEDIA_TYPE } from '../mx/mxMediaType.ts';
import type { ProxyFetch } from './proxy/callUpstream.ts';

/** How the partner's backend reaches MX in the server helpers (`ensureMxUser`, `readAccountNumbers`). */
export interface MxBackendOptions {
  /** MX base URL: `https://int-api.mx.com`, `https://api.mx.com` or a sandbox URL. */
  baseUrl: string;
  clientId: string;
  apiKey: string;
  /** Deadline for the whole call (every request it makes), in ms. @default 10_000 */
  timeoutMs?: number;
  /** Cancels the call early (a client that went away). */
  signal?: AbortSignal;
  /** Used for the MX calls; anything fetch-like (`fetch: sandbox.request` fits). @default globalThis.fetch */
  fetch?: ProxyFetch;
}

export type MxCallFailure = 'timeout' | 'unreachable' | 'invalid';

/**
 * One deadline, the Basic credentials and the failure wording for every request of one helper call. `call` answers
 * the status, with the parsed JSON body for a 2xx; a deadline, a network failure or JSON that does not parse become
 * the helper's own error through `fail`, whose message names the request (`what`), never MX's body or the key.
 */
export function mxBackendCaller(options: MxBackendOptions, fail: (message: string, reason: MxCallFailure) => Error) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const doFetch = options.fetch ?? fetch;
  const authorization = `Basic ${btoa(`${options.clientId}:${options.apiKey}`)}`;

  const call = async (what: string, path: string, init: { method: string; body?: string }) => {
    try {
      const response = await doFetch(`${base}${path}`, {
        ...init,
        headers: {
          Accept: MX_MEDIA_TYPE,
          Authorization: authorization,
          ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        signal,
        redirect: 'error',
      });
      if (!response.ok) {
        // Not awaited: the status is the answer. Under MSW in Node (how partners often test) cancelling a mocked body
        // never settles (mswjs/interceptors#799), and no deadline would end that wait.
        response.body?.cancel().catch(() => undefined);
        return { status: response.status };
      }
      return { status: response.status, body: (await response.json()) as unknown };
    } catch (error) {
      if (deadline.aborted) throw fail(`${what} got no answer within ${timeoutMs} ms.`, 'timeout');
      if (options.signal?.aborted) throw error;
      if (error instanceof SyntaxError) throw fail(`${what} answered with invalid JSON.`, 'invalid');
      throw fail(`${what} failed: ${error instanceof Error ? error.message : 'network error'}.`, 'unreachable');
    }
  };
  return { base, call };
}
