import { ProxyError } from './proxyError.ts';
import { readLimitedBytes } from './readLimitedBytes.ts';

// Keys that could reach an object's prototype if any later code merged this body into another object. JSON.parse
// itself makes them plain own properties; refusing them outright keeps every consumer safe.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const JSON_CONTENT_TYPE = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;

class ForbiddenKeyError extends Error {}

/**
 * The request body as parsed JSON (a promise), or `undefined` when there is none. Refuses a non-JSON content type (415), more than
 * `limit` bytes (413, checked on the declared length and again while streaming), a body still arriving after
 * `deadlineMs` (408: a slow sender must not hold a request open), invalid UTF-8 or JSON, and prototype keys (400).
 * Nothing of the body appears in any error.
 */
export function readJsonBody(request: Request, limit: number, deadlineMs: number): Promise<unknown> | undefined {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d{1,15}$/.test(declared)) throw new ProxyError(400, 'Invalid Content-Length.', 'bad_body');
    if (Number(declared) > limit) throw tooLarge(limit);
  }
  // A Fetch Request with method GET or HEAD never has a body (its constructor refuses one), so there is nothing to
  // read, and nothing to wait for (most calls are GETs). Not touching `.body` matters on Node too: @hono/node-server
  // builds a whole second Request the first time it is.
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  return readBody(request, limit, deadlineMs);
}

async function readBody(request: Request, limit: number, deadlineMs: number): Promise<unknown> {
  const text = await readText(request, limit, deadlineMs);
  if (text.trim() === '') return undefined;
  const contentType = request.headers.get('content-type') ?? '';
  if (!JSON_CONTENT_TYPE.test(contentType.trim())) {
    throw new ProxyError(
      415,
      'Request bodies must be JSON (Content-Type: application/json).',
      'unsupported_media_type',
    );
  }
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKeyError();
      return value;
    }) as unknown;
  } catch (error) {
    if (error instanceof ForbiddenKeyError) {
      throw new ProxyError(400, 'Invalid request body: forbidden key.', 'bad_body');
    }
    throw new ProxyError(400, 'Invalid request body: not valid JSON.', 'bad_body');
  }
}

function tooLarge(limit: number): ProxyError {
  return new ProxyError(413, `Request body too large (limit ${limit} bytes).`, 'body_too_large');
}

const tooSlow = (): ProxyError => new ProxyError(408, 'The request body took too long to arrive.', 'body_timeout');
const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readText(request: Request, limit: number, deadlineMs: number): Promise<string> {
  const all = await readLimitedBytes(request.body, { limit, tooLarge: () => tooLarge(limit), deadlineMs, tooSlow });
  try {
    return utf8.decode(all);
  } catch {
    throw new ProxyError(400, 'Invalid request body: not valid UTF-8.', 'bad_body');
  }
}
