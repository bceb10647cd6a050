import type { MiddlewareHandler } from 'hono';

/**
 * Answers only for the demo's own hosts. The `Host` header is the client's to choose: without this check a junk host
 * would be reflected into the sandbox's logo and OAuth URLs and would use up the per-origin proxies.
 * `hosts` are `host:port` pairs (`127.0.0.1:3000`, `[::1]:3000`, `demo.example`), compared case-insensitively.
 */
export function onlyOwnHosts(hosts: Iterable<string>): MiddlewareHandler {
  const allowed = new Set([...hosts].map((host) => host.toLowerCase()));
  return async (c, next) => {
    // The URL's host is the Host header, already parsed (and lowercased) by the server adapter.
    if (!allowed.has(new URL(c.req.url).host)) {
      return c.json({ error: { message: 'This server does not answer for that host name.' } }, 421);
    }
    await next();
  };
}

/** The printed URL's host, and the loopback names for the same port. */
export function defaultHosts(publicUrl: URL): string[] {
  const port = publicUrl.port === '' ? '' : `:${publicUrl.port}`;
  return [publicUrl.host, `localhost${port}`, `127.0.0.1${port}`, `[::1]${port}`];
}
