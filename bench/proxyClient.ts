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

export class BenchHttpError extends Error {
  override name = 'BenchHttpError';
}

export interface ProxyClient {
  call: <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => Promise<T>;
  /** Requests made, by route. */
  readonly counts: Map<string, number>;
  /** Every request in order; `detail` is the search term of institution searches. */
  readonly timestamps: { route: string; at: number; detail?: string }[];
}

/** A widget's-eye HTTP client of the proxy that counts its requests by route. */
export function createProxyClient(proxyUrl: string, token: string): ProxyClient {
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
      const response = await fetch(url, {
        method,
        headers: proxyHeaders(token),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new BenchHttpError(`${route} answered ${response.status}: ${text.slice(0, 200)}`);
      return JSON.parse(text) as T;
    },
  };
}
