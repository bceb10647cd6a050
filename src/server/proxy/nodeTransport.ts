import http from 'node:http';
import https from 'node:https';

import type { UpstreamRequest, UpstreamResponse, UpstreamTransport } from './callUpstream.ts';
import { MAX_UPSTREAM_BYTES, upstreamAborted } from './callUpstream.ts';
import { GENERIC_MESSAGES, ProxyError } from './proxyError.ts';

/** MX accepts at most this many concurrent connections per client. */
const MX_MAX_CONNECTIONS = 2000;

export interface NodeTransportOptions {
  /**
   * Most open connections to MX at once (per protocol); further calls wait for a free one, within their deadline.
   * At most 2,000, MX's limit of concurrent connections per client (across all your instances). @default 256
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
 * for the answer and its body, the body read up to a bound, only the status, body text and `Retry-After` kept. An
 * idempotent call (GET, PUT, DELETE) that finds its kept-alive connection reset by the server before any answer is
 * sent once more on a fresh connection, within the same deadline; a POST never is (MX could have acted on it).
 * Node only: edge runtimes keep the default `fetch` transport.
 */
export function createNodeTransport(options: NodeTransportOptions = {}): NodeTransport {
  const maxSockets = options.maxSockets ?? 256;
  if (!Number.isInteger(maxSockets) || maxSockets < 1 || maxSockets > MX_MAX_CONNECTIONS) {
    throw new TypeError(
      `createNodeTransport: option \`maxSockets\` must be an integer from 1 to ${MX_MAX_CONNECTIONS} (MX's limit of concurrent connections per client).`,
    );
  }
  const agentOptions = { keepAlive: true, maxSockets, maxTotalSockets: maxSockets, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  const transport: UpstreamTransport = (call) => {
    const deadline = Date.now() + call.timeoutMs;
    return send(call, deadline).catch((error: unknown) => {
      // A kept-alive connection the server closed just as it was reused (its idle timeout raced our request): the
      // request never got an answer, so an idempotent one is sent once more, on a fresh connection.
      if (error instanceof StaleConnection && IDEMPOTENT.has(call.method) && Date.now() < deadline) {
        return send(call, deadline, true);
      }
      throw error instanceof StaleConnection ? unreachable() : error;
    });
  };

  function send(call: UpstreamRequest, deadline: number, fresh = false): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => {
      if (call.signal?.aborted) return reject(upstreamAborted());
      let settled = false;
      const fail = (error: ProxyError | StaleConnection): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
        request.destroy();
        reject(error);
      };
      const onAbort = (): void => fail(upstreamAborted());
      const secure = call.url.startsWith('https:');
      const headers =
        call.body === undefined
          ? call.headers
          : { ...call.headers, 'Content-Length': String(Buffer.byteLength(call.body)) };
      // `agent: false`: a connection of its own, closed after its one answer (outside the pool and its cap, used only
      // for the one retry above).
      const agent = fresh ? false : secure ? httpsAgent : httpAgent;
      const request = (secure ? https : http).request(call.url, { method: call.method, headers, agent }, (response) => {
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
          call.signal?.removeEventListener('abort', onAbort);
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
      });
      const timer = setTimeout(
        () => fail(new ProxyError(504, GENERIC_MESSAGES.timeout, 'upstream_timeout')),
        Math.max(0, deadline - Date.now()),
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        // No answer yet on a reused connection that the server reset: stale, not a sign that MX is down.
        const stale = request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        fail(stale ? new StaleConnection() : unreachable());
      });
      call.signal?.addEventListener('abort', onAbort, { once: true });
      request.end(call.body);
    });
  }

  return Object.assign(transport, {
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}

/** Idempotent methods (RFC 9110): sending one twice has the effect of sending it once. */
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

class StaleConnection extends Error {}

const unreachable = (): ProxyError => new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_unreachable');
