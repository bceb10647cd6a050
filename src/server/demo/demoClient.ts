/**
 * What the demo knows about where a request came from. `trustProxy` (`DEMO_TRUST_PROXY=1`) is for a demo behind a
 * TLS-terminating reverse proxy that sets `X-Forwarded-Proto` and appends to `X-Forwarded-For`; without it those
 * headers are the client's own words and are ignored.
 */
export interface DemoClientSettings {
  publicUrl: URL;
  trustProxy: boolean;
}

/** Whether the browser reached the page over HTTPS: the demo's public URL says so, or a trusted proxy does. */
export function isHttps(request: Request, settings: DemoClientSettings): boolean {
  if (settings.publicUrl.protocol === 'https:') return true;
  if (!settings.trustProxy) return false;
  return request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

/**
 * The client's network address: the socket's peer, or behind a trusted proxy the last `X-Forwarded-For` entry (the one
 * that proxy added; earlier entries are whatever the client sent).
 */
export function clientAddress(request: Request, env: unknown, settings: DemoClientSettings): string {
  if (settings.trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  // What @hono/node-server passes as `env`: the Node request, whose socket is the client's connection.
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined)?.incoming;
  const address = incoming?.socket?.remoteAddress;
  return typeof address === 'string' ? address : 'unknown';
}
