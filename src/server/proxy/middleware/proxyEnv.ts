import type { ProxyReason } from '../proxyError.ts';
import type { RateLimitGroup } from '../proxyRoutes.ts';

/**
 * Everything one request accumulates on its way through the chain, in one object (one allocation per request):
 * each middleware fills in its part, the envelope writes the log line from it.
 */
export interface RequestState {
  requestId: string;
  startedAt: number;
  /** The matched route pattern, or `unmatched`. */
  route: string;
  userGuid: string | null;
  /** SHA-256 hex of the user guid: rate-limit keys and the log's `userHash`. */
  userKey: string | null;
  /** The allowed cross-origin caller, when there is one (CORS headers go out for it). */
  corsOrigin: string | null;
  /** Filled by the validator: the upstream path and query, and the re-serialised body. */
  upstreamPath: string;
  upstreamQuery: string;
  upstreamBody: string | undefined;
  /** The rate-limit group the request counts in (a PUT with credentials counts as a bank login). */
  group: RateLimitGroup | null;
  /** Filled by the upstream call: MX's status and body text (2xx only). */
  upstreamStatus?: number;
  upstreamText?: string;
  reason?: ProxyReason;
  /** The answer was built with the common headers (`envelopeHeaders`), so the envelope need not add them. */
  headersSet: boolean;
  /**
   * Stops counting this request against `maxInFlight`: for a request that will be held open waiting (a long-poll), which
   * has caps of its own (`maxWatchers`, streams per member). Idempotent.
   */
  leaveInFlight: () => void;
}

export type ProxyEnv = { Variables: { proxyState: RequestState } };
