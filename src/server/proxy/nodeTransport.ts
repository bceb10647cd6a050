import http from 'node:http';
import https from 'node:https';

import type { UpstreamTransport } from './callUpstream.ts';
import { MAX_UPSTREAM_BYTES } from './callUpstream.ts';
import { GENERIC_MESSAGES, ProxyError } from './proxyError.ts';

export interface NodeTransportOptions {
  /**
   * Most open connections to MX at once (per protocol); further calls wait for a free one, within their deadline.
   * MX allows 2,000 concurrent connections per client. @default 256
   */
  maxSockets?: number;
}

/** A transport that can also close its idle keep-alive connections (on shutdown, in tests). */
export interface NodeTransport extends UpstreamTransport {
  close(): void;
}

/**
 * A lean Node upstream transport for `createConnectProxy({ transport })`: `node:http`/`node:https` with keep-alive
 * connections and a socket cap, instead of the global `fetch` (undici), whose web streams and abort signals cost a
 * proxy about half its CPU per request (issue 16). Same contract as the default: redirects not followed, one deadline
 * for the answer and its body, the body read up to a bound, only the status, body text and `Retry-After` kept.
 * Node only: edge runtimes keep the default `fetch` transport.
 */
export function createNodeTransport(options: NodeTransportOptions = {}): NodeTransport {
  const maxSockets = options.maxSockets ?? 256;
  if (!Number.isInteger(maxSockets) || maxSockets < 1) {
    throw new TypeError('createNodeTransport: option `maxSockets` must be a positive integer.');
  }
  const agentOptions = { keepAlive: true, maxSockets, maxTotalSockets: maxSockets, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  const transport: UpstreamTransport = (call) =>
    new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: ProxyError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        reject(error);
      };
      const secure = call.url.startsWith('https:');
      const headers =
        call.body === undefined
          ? call.headers
          : { ...call.headers, 'Content-Length': String(Buffer.byteLength(call.body)) };
      const request = (secure ? https : http).request(
        call.url,
        { method: call.method, headers, agent: secure ? httpsAgent : httpAgent },
        (response) => {
          const status = response.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_UPSTREAM_BYTES) {
              fail(new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_malformed', { upstreamStatus: status }));
            } else {
              chunks.push(chunk);
            }
          });
          response.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const retryAfter = response.headers['retry-after'];
            resolve({
              status,
              text: (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)).toString('utf8'),
              retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
            });
          });
          // A connection dropped mid-body: `aborted` (and then `error`/`close` without `end`).
          response.on('aborted', () => fail(unreachable()));
          response.on('error', () => fail(unreachable()));
          response.on('close', () => {
            if (!response.complete) fail(unreachable());
          });
        },
      );
      const timer = setTimeout(
        () => fail(new ProxyError(504, GENERIC_MESSAGES.timeout, 'upstream_timeout')),
        call.timeoutMs,
      );
      request.on('error', () => fail(unreachable()));
      request.end(call.body);
    });

  return Object.assign(transport, {
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}

const unreachable = (): ProxyError => new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_unreachable');
