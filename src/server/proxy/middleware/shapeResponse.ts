import type { Handler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import { GENERIC_MESSAGES, ProxyError } from '../proxyError.ts';
import type { ResponseShape } from '../responseShape.ts';
import { compileShape } from '../responseShape.ts';
import type { ProxyEnv } from './proxyEnv.ts';

const JSON_HEADERS: Readonly<Record<string, string>> = { 'Content-Type': 'application/json' };

/**
 * The last piece: MX's success body, reduced to the route's response allow-list. Only the named fields reach the
 * browser, so a field MX adds tomorrow (or `user_guid` today) never does.
 */
export function shapeResponse(shape: ResponseShape): Handler<ProxyEnv> {
  const filter = compileShape(shape);
  return (c) => {
    const state = c.get('proxyState');
    const status = state.upstreamStatus ?? 200;
    const text = state.upstreamText ?? '';
    if (status === 204 || status === 205 || text.trim() === '') return c.body(null, 204);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_malformed', { upstreamStatus: status });
    }
    const shaped = filter(parsed) ?? {};
    return c.body(JSON.stringify(shaped), status as ContentfulStatusCode, JSON_HEADERS);
  };
}
