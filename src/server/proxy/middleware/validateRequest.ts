import type { Context, MiddlewareHandler } from 'hono';
import * as v from 'valibot';

import type { BodySchemas } from '../bodySchemas.ts';
import { describeBodyIssue } from '../bodySchemas.ts';
import { ProxyError } from '../proxyError.ts';
import type { ProxyRoute } from '../proxyRoutes.ts';
import { PATH_PARAMS } from '../proxyRoutes.ts';
import { readJsonBody } from '../readJsonBody.ts';
import type { ProxyEnv } from './proxyEnv.ts';

const MAX_QUERY_LENGTH = 2048;

export interface ValidateOptions {
  schemas: BodySchemas;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
}

/**
 * The route's validator, derived from its row in the route table: path parameters, query parameters and body, each
 * against the row's rules. What passes is rebuilt for MX (re-encoded query, re-serialised body) and nothing else is
 * forwarded. Hono's `bodyLimit` is not used: the body reader below already stops at the limit while streaming, and
 * `bodyLimit` would buffer a chunked body into a second Request first.
 */
export function validateRequest(route: ProxyRoute, options: ValidateOptions): MiddlewareHandler<ProxyEnv> {
  const schema = route.body === 'none' ? undefined : options.schemas[route.body];
  return async (c, next) => {
    const state = c.get('proxyState');
    state.route = route.path;
    const params = readParams(c);
    state.upstreamQuery = readQuery(c.req.url, route);
    const reading = readJsonBody(c.req.raw, options.maxBodyBytes, options.bodyTimeoutMs);
    const raw = reading === undefined ? undefined : await reading;
    state.group = route.group;
    if (schema === undefined) {
      // Tolerate a client that always sends `{}`; anything more is refused rather than ignored.
      const empty = raw === undefined || (isPlainObject(raw) && Object.keys(raw).length === 0);
      if (!empty) throw new ProxyError(400, 'This route takes no request body.', 'bad_body');
    } else {
      if (raw === undefined) throw new ProxyError(400, 'Invalid request body: a JSON body is required.', 'bad_body');
      const parsed = v.safeParse(schema, raw);
      if (!parsed.success) throw new ProxyError(400, describeBodyIssue(parsed.issues), 'bad_body');
      state.upstreamBody = JSON.stringify(parsed.output);
      if (route.credentialsGroup !== undefined && hasCredentials(parsed.output)) state.group = route.credentialsGroup;
    }
    // `identify` ran first, so the user is known here.
    state.upstreamPath = route.upstream(state.userGuid ?? '', params);
    await next();
  };
}

function readParams(c: Context<ProxyEnv>): Record<string, string> {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(c.req.param() as Record<string, string>)) {
    const pattern = PATH_PARAMS[name];
    // Hono hands over the decoded value: `..%2F`, `%2e%2e`, `%0d%0a` arrive as `../`, `..`, CRLF and fail here.
    if (pattern === undefined || !pattern.test(value)) {
      throw new ProxyError(400, `Invalid path parameter \`${name}\`.`, 'bad_path_param');
    }
    params[name] = value;
  }
  return params;
}

function readQuery(url: string, route: ProxyRoute): string {
  const search = searchOf(url);
  if (search === '') return '';
  if (search.length > MAX_QUERY_LENGTH) throw new ProxyError(400, 'Query string too long.', 'bad_query');
  const outgoing = new URLSearchParams();
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(search)) {
    const rule = Object.hasOwn(route.query, name) ? route.query[name] : undefined;
    if (rule === undefined) {
      const shown = /^[A-Za-z0-9_]{1,64}$/.test(name) ? ` \`${name}\`` : '';
      throw new ProxyError(400, `Unexpected query parameter${shown}.`, 'bad_query');
    }
    if (seen.has(name) && rule.repeatable !== true) {
      throw new ProxyError(400, `Query parameter \`${name}\` given more than once.`, 'bad_query');
    }
    if (!rule.pattern.test(value)) throw new ProxyError(400, `Invalid query parameter \`${name}\`.`, 'bad_query');
    seen.add(name);
    outgoing.append(name, value);
  }
  return outgoing.toString();
}

/**
 * `new URL(url).search` without building a URL: `url` is a Request's URL, already parsed and serialised, so its first
 * `?` starts the query and a `#` after it can only start the fragment.
 */
function searchOf(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return '';
  const hash = url.indexOf('#', start);
  const search = hash === -1 ? url.slice(start) : url.slice(start, hash);
  return search === '?' ? '' : search;
}

const isPlainObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const hasCredentials = (output: unknown): boolean =>
  ((output as { member?: { credentials?: unknown[] } }).member?.credentials?.length ?? 0) > 0;
