import type { HttpAnswer } from './httpRequest.ts';
import { httpRequest } from './httpRequest.ts';
import { proxyHeaders } from './sandboxAccess.ts';

/**
 * The route a proxy request counts under: the path relative to the proxy base with ids replaced, e.g.
 * `GET /members/:guid/status`. Shared by the browser request listener and the scripted clients.
 */
export function routeOf(method: string, url: string, proxyPath = '/api/connect'): string | undefined {
  const { pathname } = new URL(url, 'http://x');
  const at = pathname.indexOf(`${proxyPath}/`);
  if (at === -1) return undefined;
  const rest = pathname
    .slice(at + proxyPath.length)
    .replace(/^\/members\/[^/]+/, '/members/:guid')
    .replace(/^\/institutions\/(?!favorites$)[^/]+/, '/institutions/:code');
  return `${method.toUpperCase()} ${rest}`;
}

/** A non-2xx answer from the proxy, with what the load test classifies errors by. */
export class BenchHttpError extends Error {
  override name = 'BenchHttpError';
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfter: string | null,
    /** How long the failed request took, in ms: fast shedding answers at once, a timeout after seconds. */
    readonly elapsedMs: number,
  ) {
    super(message);
  }
}

/** A request that got no HTTP answer (connection refused or reset, client timeout), with how long it took. */
export class BenchNetworkError extends Error {
  override name = 'BenchNetworkError';
  constructor(
    message: string,
    /** `ECONNRESET`, `client timeout`, … */
    readonly kind: string,
    readonly elapsedMs: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface ProxyClient {
  call: <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => Promise<T>;
  /** Requests made, by route. */
  readonly counts: Map<string, number>;
  /** Every request in order; `detail` is the search term of institution searches. */
  readonly timestamps: { route: string; at: number; detail?: string }[];
}

/**
 * A widget's-eye HTTP client of the proxy that counts its requests by route. With `timeoutMs` each request is
 * abandoned after that long; `signal` abandons them all (the load test's stop).
 */
export function createProxyClient(
  proxyUrl: string,
  token: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): ProxyClient {
  const counts = new Map<string, number>();
  const timestamps: { route: string; at: number; detail?: string }[] = [];
  return {
    counts,
    timestamps,
    async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
      const url = `${proxyUrl}${path}`;
      const route = routeOf(method, url) ?? path;
      counts.set(route, (counts.get(route) ?? 0) + 1);
      timestamps.push({ route, at: Date.now(), detail: new URL(url).searchParams.get('name') ?? undefined });
      const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
      const signals = [...(timeout ? [timeout] : []), ...(options.signal ? [options.signal] : [])];
      const started = performance.now();
      let answer: HttpAnswer;
      try {
        answer = await httpRequest(url, {
          method,
          headers: proxyHeaders(token),
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
        });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const elapsedMs = performance.now() - started;
        const code = (error as { code?: string }).code;
        const kind = timeout?.aborted
          ? `no answer within ${options.timeoutMs} ms (client timeout)`
          : (code ?? (error instanceof Error ? error.name : 'unknown'));
        throw new BenchNetworkError(`${route}: ${kind}`, kind, elapsedMs, { cause: error });
      }
      const { status, text } = answer;
      if (status < 200 || status > 299) {
        const retryAfter = answer.headers['retry-after'];
        throw new BenchHttpError(
          `${route} answered ${status}: ${text.slice(0, 200)}`,
          status,
          typeof retryAfter === 'string' ? retryAfter : null,
          performance.now() - started,
        );
      }
      return JSON.parse(text) as T;
    },
  };
}
