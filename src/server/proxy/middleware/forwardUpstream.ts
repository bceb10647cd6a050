import type { MiddlewareHandler } from 'hono';

import type { UpstreamHeaders, UpstreamTransport } from '../callUpstream.ts';
import { upstreamError } from './mapErrors.ts';
import type { ProxyEnv } from './proxyEnv.ts';

export interface ForwardOptions {
  baseUrl: string;
  method: string;
  headers: UpstreamHeaders;
  transport: UpstreamTransport;
  timeoutMs: number;
}

/**
 * The one MX call, from the validated parts only: the fixed path template with the authenticated user, the re-encoded
 * query and the re-serialised body; Basic auth and MX's Accept header; none of the browser's headers. MX's answer
 * outside 2xx becomes the proxy's own error here (mapErrors); a 2xx body goes on to be shaped.
 */
export function forwardUpstream(options: ForwardOptions): MiddlewareHandler<ProxyEnv> {
  const { baseUrl, method, headers, transport, timeoutMs } = options;
  return async (c, next) => {
    const state = c.get('proxyState');
    const body = state.upstreamBody;
    const query = state.upstreamQuery;
    const response = await transport({
      url: query === '' ? `${baseUrl}${state.upstreamPath}` : `${baseUrl}${state.upstreamPath}?${query}`,
      method,
      headers: body === undefined ? headers.withoutBody : headers.withBody,
      body,
      timeoutMs,
    });
    state.upstreamStatus = response.status;
    if (response.status < 200 || response.status >= 300) throw upstreamError(response);
    state.upstreamText = response.text;
    await next();
  };
}
