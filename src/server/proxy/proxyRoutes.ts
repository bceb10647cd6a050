import { INSTITUTION_CODE_PATTERN, MEMBER_GUID_PATTERN } from './patterns.ts';

/** Rate-limit buckets. Each route belongs to exactly one; limits are counted per user and per group. */
export type RateLimitGroup = 'search' | 'read' | 'status' | 'createMember' | 'write';

/** Which valibot body schema a route takes; `none` routes accept no body (or an empty JSON object). */
export type BodyKind = 'none' | 'createMember' | 'updateMember' | 'resume';

export type ProxyMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** How one query parameter is checked. `repeatable` parameters may appear several times (MX arrays). */
interface QueryParamRule {
  pattern: RegExp;
  repeatable?: boolean;
}

export interface ProxyRoute {
  method: ProxyMethod;
  /** The widget-facing path pattern (also what the log shows, never the raw URL). */
  path: string;
  group: RateLimitGroup;
  body: BodyKind;
  query: Readonly<Record<string, QueryParamRule>>;
  /** The upstream path; `user` is always the authenticated user, params are already validated. */
  upstream: (user: string, params: Readonly<Record<string, string>>) => string;
}

const PAGE = { pattern: /^[1-9][0-9]{0,5}$/ };
const RECORDS_PER_PAGE = { pattern: /^[1-9][0-9]{0,3}$/ };
const BOOLEAN = { pattern: /^(true|false)$/ };
// Printable text only: no control characters (CR, LF, NUL…), so a search term can never split a header or log line.
const SEARCH_NAME = { pattern: /^\P{Cc}{1,100}$/u };
const COUNTRY = { pattern: /^[A-Z]{2}$/, repeatable: true };
const PAGINATION = { page: PAGE, records_per_page: RECORDS_PER_PAGE };

/** Path parameter patterns by name; every `:name` in a route path must be listed here. */
export const PATH_PARAMS: Readonly<Record<string, RegExp>> = {
  institution_code: INSTITUTION_CODE_PATTERN,
  member_guid: MEMBER_GUID_PATTERN,
};

const enc = encodeURIComponent;
const member = (user: string, params: Readonly<Record<string, string>>) =>
  `/users/${enc(user)}/members/${enc(params.member_guid ?? '')}`;

/**
 * Every route the proxy answers, and nothing else (docs/architecture.md, wire contract). The table is the whole attack
 * surface in one place: method, path, rate-limit group, body schema, allowed query parameters and upstream path.
 */
export const PROXY_ROUTES: readonly ProxyRoute[] = [
  {
    method: 'GET',
    path: '/institutions',
    group: 'search',
    body: 'none',
    query: {
      name: SEARCH_NAME,
      ...PAGINATION,
      iso_country_code: COUNTRY,
      supports_account_identification: BOOLEAN,
      supports_account_statement: BOOLEAN,
      supports_account_verification: BOOLEAN,
      supports_transaction_history: BOOLEAN,
    },
    upstream: () => '/institutions',
  },
  {
    method: 'GET',
    path: '/institutions/favorites',
    group: 'search',
    body: 'none',
    query: { ...PAGINATION, iso_country_code: COUNTRY },
    upstream: () => '/institutions/favorites',
  },
  {
    method: 'GET',
    path: '/institutions/:institution_code',
    group: 'search',
    body: 'none',
    query: {},
    upstream: (_user, params) => `/institutions/${enc(params.institution_code ?? '')}`,
  },
  {
    method: 'GET',
    path: '/institutions/:institution_code/credentials',
    group: 'search',
    body: 'none',
    query: PAGINATION,
    upstream: (_user, params) => `/institutions/${enc(params.institution_code ?? '')}/credentials`,
  },
  {
    method: 'GET',
    path: '/members',
    group: 'read',
    body: 'none',
    query: PAGINATION,
    upstream: (user) => `/users/${enc(user)}/members`,
  },
  {
    method: 'POST',
    path: '/members',
    group: 'createMember',
    body: 'createMember',
    query: {},
    upstream: (user) => `/users/${enc(user)}/members`,
  },
  { method: 'GET', path: '/members/:member_guid', group: 'read', body: 'none', query: {}, upstream: member },
  { method: 'PUT', path: '/members/:member_guid', group: 'write', body: 'updateMember', query: {}, upstream: member },
  { method: 'DELETE', path: '/members/:member_guid', group: 'write', body: 'none', query: {}, upstream: member },
  {
    method: 'GET',
    path: '/members/:member_guid/status',
    group: 'status',
    body: 'none',
    query: {},
    upstream: (user, params) => `${member(user, params)}/status`,
  },
  {
    method: 'GET',
    path: '/members/:member_guid/challenges',
    group: 'status',
    body: 'none',
    query: PAGINATION,
    upstream: (user, params) => `${member(user, params)}/challenges`,
  },
  {
    method: 'PUT',
    path: '/members/:member_guid/resume',
    group: 'write',
    body: 'resume',
    query: {},
    upstream: (user, params) => `${member(user, params)}/resume`,
  },
  {
    method: 'POST',
    path: '/members/:member_guid/aggregate',
    group: 'write',
    body: 'none',
    query: { include_transactions: BOOLEAN, include_holdings: BOOLEAN },
    upstream: (user, params) => `${member(user, params)}/aggregate`,
  },
  {
    method: 'GET',
    path: '/members/:member_guid/oauth_window_uri',
    group: 'read',
    body: 'none',
    // Browser flows only: `APP` and its redirect parameters would send the user out of the browser (mx-platform §8).
    query: { referral_source: { pattern: /^BROWSER$/ }, skip_aggregation: BOOLEAN },
    upstream: (user, params) => `${member(user, params)}/oauth_window_uri`,
  },
];
