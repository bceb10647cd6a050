import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Why a request did not get an upstream answer, or what went wrong upstream. A fixed vocabulary: it goes to the
 * partner's log, so it can never carry request data.
 */
export type ProxyReason =
  | 'not_found'
  | 'method_not_allowed'
  | 'cors_preflight_refused'
  | 'foreign_origin'
  | 'missing_csrf_header'
  | 'unauthenticated'
  | 'authenticate_failed'
  | 'invalid_user_guid'
  | 'bad_path_param'
  | 'bad_query'
  | 'rate_limited'
  | 'rate_limit_store_failed'
  | 'revocation_store_failed'
  | 'too_many_streams'
  | 'bad_webhook'
  | 'status_bus_failed'
  | 'overloaded'
  | 'unsupported_media_type'
  | 'body_too_large'
  | 'body_timeout'
  | 'bad_body'
  | 'upstream_status'
  | 'upstream_timeout'
  | 'upstream_aborted'
  | 'upstream_unreachable'
  | 'upstream_malformed'
  | 'upstream_redirect'
  | 'upstream_refused_credentials'
  | 'internal_error';

/** An expected failure: a status, a message that is safe to show, a log reason and any extra response headers. */
export class ProxyError extends HTTPException {
  override readonly name = 'ProxyError';
  readonly reason: ProxyReason;
  readonly headers: Readonly<Record<string, string>>;
  readonly upstreamStatus: number | undefined;

  constructor(
    status: ContentfulStatusCode,
    message: string,
    reason: ProxyReason,
    extra: { headers?: Record<string, string>; upstreamStatus?: number } = {},
  ) {
    super(status, { message });
    this.reason = reason;
    this.headers = extra.headers ?? {};
    this.upstreamStatus = extra.upstreamStatus;
  }
}

/** Messages for failures whose details must stay on the server. */
export const GENERIC_MESSAGES = {
  unreachable: 'The bank connection service could not be reached. Please try again.',
  timeout: 'The bank connection service took too long to answer. Please try again.',
  unavailable: 'The bank connection service is temporarily unavailable. Please try again later.',
  busy: 'Too many people are connecting right now. Please try again in a moment.',
  internal: 'Something went wrong on our side. Please try again.',
} as const;
