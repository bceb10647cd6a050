import { INSTITUTION_CODE_PATTERN, MEMBER_GUID_PATTERN } from './patterns.ts';
import type { ResponseShape } from './responseShape.ts';
import { listOf, PartnerOwned } from './responseShape.ts';

/**
 * Rate-limit buckets. Each route belongs to exactly one; limits are counted per user and per group. `createMember`
 * counts every bank login: a create, and an update that carries new credentials.
 */
export type RateLimitGroup = 'search' | 'read' | 'status' | 'createMember' | 'write';

/** Which valibot body schema a route takes; `none` routes accept no body (or an empty JSON object). */
export type BodyKind = 'none' | 'createMember' | 'updateMember' | 'resume';

export type ProxyMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** How one query parameter is checked. `repeatable` parameters may appear several times (MX arrays). */
export interface QueryParamRule {
  pattern: RegExp;
  repeatable?: boolean;
}

export interface ProxyRoute {
  method: ProxyMethod;
  /** The widget-facing path pattern (also what the log shows, never the raw URL). */
  path: string;
  group: RateLimitGroup;
  /** When the validated body carries credentials, the request counts in this group instead (a bank login). */
  credentialsGroup?: RateLimitGroup;
  body: BodyKind;
  query: Readonly<Record<string, QueryParamRule>>;
  /** The upstream path; `user` is always the authenticated user, params are already validated. */
  upstream: (user: string, params: Readonly<Record<string, string>>) => string;
  /** The only JSON fields of MX's success answer that reach the browser. */
  response: ResponseShape;
  /**
   * How the proxy answers: by forwarding to MX (the default), or from the member's shared status watcher (the status
   * stream, which reads `upstream` itself).
   */
  serve?: 'statusStream';
  /**
   * A success may start a job on the member (MX's status moves): the member's status watchers read it at once, on every
   * instance through the status bus, which also ends their slow wait for an MFA answer.
   */
  startsJob?: true;
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

// Response allow-lists (MX v20111101 response schemas). No `user_guid`, `user_id` or other user-identifying field is
// listed anywhere: the browser never learns which MX user it is (issue 13 §2).
const fields = (...names: string[]): Record<string, true> => Object.fromEntries(names.map((name) => [name, true]));
const PAGINATION_OUT = fields('current_page', 'per_page', 'total_entries', 'total_pages');
const OPTION = fields('guid', 'label', 'value', 'data_uri');
const INSTITUTION = fields(
  'code',
  'name',
  'url',
  'forgot_password_url',
  'forgot_username_url',
  'trouble_signing_in_url',
  'instructional_text',
  'instructional_text_steps',
  'small_logo_url',
  'medium_logo_url',
  'iso_country_code',
  'is_disabled_by_client',
  'supports_account_identification',
  'supports_account_statement',
  'supports_account_verification',
  'supports_oauth',
  'supports_tax_document',
  'supports_transaction_history',
);
// `optional`, `value`, `url` and `image_data` are not in the v20111101 credential schema; the widget renders them when a
// backend sends them (HIDDEN values, URL fields, site-key pictures).
const CREDENTIAL = {
  ...fields(
    'guid',
    'field_name',
    'field_type',
    'type',
    'label',
    'display_order',
    'optional',
    'value',
    'url',
    'image_data',
  ),
  options: listOf(OPTION),
} as const;
const CHALLENGE = {
  ...fields('guid', 'field_name', 'label', 'type', 'image_data'),
  options: listOf(OPTION),
  image_options: listOf(OPTION),
};
const MEMBER = {
  ...fields(
    'guid',
    'name',
    'institution_code',
    'institution_guid',
    'connection_status',
    'connection_status_message',
    'is_being_aggregated',
    'is_oauth',
    'is_manual',
    'is_managed_by_user',
    'oauth_window_uri',
    'aggregated_at',
    'successfully_aggregated_at',
    'background_aggregation_is_disabled',
    'needs_updated_credentials',
    'use_cases',
    'most_recent_job_detail_code',
    'most_recent_job_detail_text',
    'most_recent_job_guid',
  ),
  id: new PartnerOwned('id'),
  metadata: new PartnerOwned('metadata'),
};
const MEMBER_STATUS = {
  ...fields(
    'guid',
    'connection_status',
    'is_authenticated',
    'is_being_aggregated',
    'aggregated_at',
    'successfully_aggregated_at',
    'has_processed_accounts',
    'has_processed_account_numbers',
    'has_processed_transactions',
  ),
  challenges: listOf(CHALLENGE),
};
const ONE_MEMBER = { member: MEMBER };
// An account as the browser may see it (the widget's account picker): never the full number, balances or user fields.
const ACCOUNT = {
  ...fields('guid', 'member_guid', 'name', 'type', 'subtype'),
  account_number_last_four: (account: Readonly<Record<string, unknown>>) => lastFour(account.account_number),
};

/** The last four digits of an account number, or `null` when it has fewer than four. */
function lastFour(accountNumber: unknown): string | null {
  if (typeof accountNumber !== 'string') return null;
  const digits = accountNumber.replace(/\D+/g, '');
  return digits.length >= 4 ? digits.slice(-4) : null;
}

const enc = encodeURIComponent;
const member = (user: string, params: Readonly<Record<string, string>>) =>
  `/users/${enc(user)}/members/${enc(params.member_guid ?? '')}`;

/**
 * Every route the proxy answers, and nothing else: the proxy's whole attack surface in one place (method, path,
 * rate-limit group, body schema, allowed query parameters, upstream path, and the response fields the browser gets).
 * The proxy's validators are built from it, and `test/server/proxy/proxyDocs.test.ts` holds docs/proxy.md to it.
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
    response: { institutions: listOf(INSTITUTION), pagination: PAGINATION_OUT },
  },
  {
    method: 'GET',
    path: '/institutions/favorites',
    group: 'search',
    body: 'none',
    query: { ...PAGINATION, iso_country_code: COUNTRY },
    upstream: () => '/institutions/favorites',
    response: { institutions: listOf(INSTITUTION), pagination: PAGINATION_OUT },
  },
  {
    method: 'GET',
    path: '/institutions/:institution_code',
    group: 'search',
    body: 'none',
    query: {},
    upstream: (_user, params) => `/institutions/${enc(params.institution_code ?? '')}`,
    response: { institution: INSTITUTION },
  },
  {
    method: 'GET',
    path: '/institutions/:institution_code/credentials',
    group: 'search',
    body: 'none',
    query: PAGINATION,
    upstream: (_user, params) => `/institutions/${enc(params.institution_code ?? '')}/credentials`,
    response: { credentials: listOf(CREDENTIAL), pagination: PAGINATION_OUT },
  },
  {
    method: 'GET',
    path: '/members',
    group: 'read',
    body: 'none',
    query: PAGINATION,
    upstream: (user) => `/users/${enc(user)}/members`,
    response: { members: listOf(MEMBER), pagination: PAGINATION_OUT },
  },
  {
    method: 'POST',
    path: '/members',
    group: 'createMember',
    body: 'createMember',
    query: {},
    upstream: (user) => `/users/${enc(user)}/members`,
    response: ONE_MEMBER,
  },
  {
    method: 'GET',
    path: '/members/:member_guid',
    group: 'read',
    body: 'none',
    query: {},
    upstream: member,
    response: ONE_MEMBER,
  },
  {
    method: 'PUT',
    path: '/members/:member_guid',
    group: 'write',
    // New credentials make MX log in to the bank again, exactly like a create (issue 13 §5).
    credentialsGroup: 'createMember',
    body: 'updateMember',
    query: {},
    upstream: member,
    response: ONE_MEMBER,
    startsJob: true,
  },
  {
    method: 'DELETE',
    path: '/members/:member_guid',
    group: 'write',
    body: 'none',
    query: {},
    upstream: member,
    response: {},
  },
  {
    method: 'GET',
    path: '/members/:member_guid/status',
    group: 'status',
    body: 'none',
    query: {},
    upstream: (user, params) => `${member(user, params)}/status`,
    response: { member: MEMBER_STATUS },
  },
  {
    // Server-Sent Events, or a long-poll without `Accept: text/event-stream` (docs/proxy.md, "Status stream").
    method: 'GET',
    path: '/members/:member_guid/status/stream',
    group: 'status',
    body: 'none',
    query: { wait: { pattern: /^[0-9a-f]{16}$/ } },
    upstream: (user, params) => `${member(user, params)}/status`,
    response: { member: MEMBER_STATUS },
    serve: 'statusStream',
  },
  {
    method: 'GET',
    path: '/members/:member_guid/challenges',
    group: 'status',
    body: 'none',
    query: PAGINATION,
    upstream: (user, params) => `${member(user, params)}/challenges`,
    response: { challenges: listOf(CHALLENGE), pagination: PAGINATION_OUT },
  },
  {
    method: 'PUT',
    path: '/members/:member_guid/resume',
    group: 'write',
    body: 'resume',
    query: {},
    upstream: (user, params) => `${member(user, params)}/resume`,
    response: ONE_MEMBER,
    startsJob: true,
  },
  {
    method: 'POST',
    path: '/members/:member_guid/aggregate',
    group: 'write',
    body: 'none',
    query: { include_transactions: BOOLEAN, include_holdings: BOOLEAN },
    upstream: (user, params) => `${member(user, params)}/aggregate`,
    response: ONE_MEMBER,
    startsJob: true,
  },
  {
    // Verification mode (issue 15 §2). MX's verify takes no body; the job's account and routing numbers are read by the
    // partner's backend (`readAccountNumbers`): no `account_numbers` route exists here.
    method: 'POST',
    path: '/members/:member_guid/verify',
    group: 'write',
    body: 'none',
    query: {},
    upstream: (user, params) => `${member(user, params)}/verify`,
    response: ONE_MEMBER,
    startsJob: true,
  },
  {
    method: 'GET',
    path: '/members/:member_guid/oauth_window_uri',
    group: 'read',
    body: 'none',
    // Browser flows only: `APP` and its redirect parameters would send the user out of the browser (mx-platform §8).
    query: { referral_source: { pattern: /^BROWSER$/ }, skip_aggregation: BOOLEAN },
    upstream: (user, params) => `${member(user, params)}/oauth_window_uri`,
    response: { member: fields('guid', 'oauth_window_uri') },
  },
  {
    method: 'GET',
    path: '/members/:member_guid/accounts',
    group: 'read',
    body: 'none',
    query: PAGINATION,
    upstream: (user, params) => `${member(user, params)}/accounts`,
    response: { accounts: listOf(ACCOUNT), pagination: PAGINATION_OUT },
  },
];
