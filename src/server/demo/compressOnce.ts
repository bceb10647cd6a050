import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

import type { MiddlewareHandler } from 'hono';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const COMPRESSIBLE = /^(text\/|application\/(javascript|json|manifest\+json)|image\/svg\+xml)/;
/** Smaller bodies gain less than the headers cost. */
const MIN_BYTES = 1024;
/** Compressed copies kept; the demo's, frame's and Storybook's files fit many times over. */
const MAX_CACHED_BYTES = 64 * 1024 * 1024;

type Encoding = 'br' | 'gzip';

/**
 * Serves static files brotli- or gzip-compressed, compressing each file once (at the strongest settings, off the
 * event loop) and keeping the result in memory, keyed by path, size and modification time. Measured against Hono's
 * `compress()` (gzip on every response): see docs/demo.md. Files are compressed as served, not at build time, so
 * the published `dist/frame` carries no `.br`/`.gz` copies.
 */
export function compressOnce(): MiddlewareHandler {
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  let cachedBytes = 0;

  const compressed = (key: string, encoding: Encoding, body: Uint8Array): Promise<Uint8Array<ArrayBuffer>> => {
    const hit = cache.get(key);
    if (hit) return hit;
    const result = (
      encoding === 'br'
        ? brotli(body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
            },
          })
        : gzipAsync(body, { level: constants.Z_BEST_COMPRESSION })
    ).then((buffer) => {
      cachedBytes += buffer.byteLength;
      while (cachedBytes > MAX_CACHED_BYTES && cache.size > 1) {
        const [oldestKey, oldest] = cache.entries().next().value as [string, Promise<Uint8Array<ArrayBuffer>>];
        cache.delete(oldestKey);
        void oldest.then((bytes) => (cachedBytes -= bytes.byteLength));
      }
      return new Uint8Array(buffer);
    });
    cache.set(key, result);
    result.catch(() => cache.delete(key));
    return result;
  };

  return async (c, next) => {
    await next();
    const response = c.res;
    const type = response.headers.get('content-type') ?? '';
    if (c.req.method !== 'GET' || response.status !== 200 || !COMPRESSIBLE.test(type)) return;
    if (response.headers.has('content-encoding') || c.req.header('range') !== undefined) return;
    response.headers.append('Vary', 'Accept-Encoding');
    const encoding = preferredEncoding(c.req.header('accept-encoding'));
    const length = Number(response.headers.get('content-length') ?? NaN);
    const modified = response.headers.get('last-modified');
    if (encoding === undefined || !(length >= MIN_BYTES) || modified === null) return;

    const key = `${encoding} ${c.req.path} ${length} ${modified}`;
    const body = cache.has(key) ? undefined : new Uint8Array(await response.arrayBuffer());
    if (body === undefined) await response.body?.cancel();
    const bytes = await compressed(key, encoding, body ?? new Uint8Array());
    // Hono copies the old response's headers onto the new one, so the new length is set after.
    c.res = new Response(bytes, response);
    c.res.headers.set('Content-Encoding', encoding);
    c.res.headers.set('Content-Length', String(bytes.byteLength));
  };
}

/** `br` when the client takes it, else `gzip`, else none (q=0 refuses an encoding). */
function preferredEncoding(header: string | undefined): Encoding | undefined {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) accepted.add(name);
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return undefined;
}
