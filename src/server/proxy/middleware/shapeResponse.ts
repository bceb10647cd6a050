import type { Handler } from 'hono';

import { answer } from '../../rawAnswer.ts';
import { GENERIC_MESSAGES, ProxyError } from '../proxyError.ts';
import type { ResponseShape } from '../responseShape.ts';
import { compileShape } from '../responseShape.ts';
import { jsonAnswerHeaders } from './envelope.ts';
import type { ProxyEnv } from './proxyEnv.ts';

/**
 * The last piece: MX's success body, reduced to the route's response allow-list. Only the named fields reach the
 * browser, so a field MX adds tomorrow (or `user_guid` today) never does. The answer is built with all its headers
 * at once, as its parts: under `toNodeHandler` they go straight to the socket (rawAnswer.ts), elsewhere they make one
 * Response; adding headers afterwards would build a `Headers` object and copy it.
 */
export function shapeResponse(shape: ResponseShape, hasStatusStream: boolean): Handler<ProxyEnv> {
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
    return answer(c.env, JSON.stringify(shaped), status, jsonAnswerHeaders(state, hasStatusStream));
  };
}
