// Entry `member-connect/server`: the partner-side proxy and its session-token helper. Everything not listed is private.
export type { MemberFieldOptions } from './proxy/bodySchemas.ts';
export type { ProxyFetch, UpstreamRequest, UpstreamResponse, UpstreamTransport } from './proxy/callUpstream.ts';
export type { ConnectProxyOptions, ProxyLogEntry } from './proxy/createConnectProxy.ts';
export { createConnectProxy } from './proxy/createConnectProxy.ts';
export type { ClientKey } from './proxy/middleware/limitRate.ts';
export type { ProxyReason } from './proxy/proxyError.ts';
export type { RateLimitGroup } from './proxy/proxyRoutes.ts';
export type { RateLimitHit, RateLimitOptions, RateLimitRule, RateLimitStore } from './proxy/rateLimit.ts';
export { createMemoryRateLimitStore, DEFAULT_BANK_LOGINS_PER_CLIENT, DEFAULT_RATE_LIMITS } from './proxy/rateLimit.ts';
export type { RevokedToken, SessionTokenOptions, SessionTokens, TokenRevocationStore } from './proxy/sessionTokens.ts';
export {
  bearerAuthenticate,
  createMemoryRevocationStore,
  createSessionTokens,
  RevocationStoreError,
} from './proxy/sessionTokens.ts';
export type { StatusBus } from './proxy/statusBus.ts';
export { createMemoryStatusBus } from './proxy/statusBus.ts';
export type { StatusStreamOptions } from './proxy/statusStreamOptions.ts';
export type { WebhookCredentials } from './proxy/webhookReceiver.ts';
export { ensureMxUser, type EnsureMxUserOptions, MxUserError } from './users/ensureMxUser.ts';
export {
  type AccountNumbers,
  AccountNumbersError,
  readAccountNumbers,
  type ReadAccountNumbersOptions,
} from './verification/readAccountNumbers.ts';
// The JSON your token endpoint returns to the browser (`{ sessionToken }`), shared with `member-connect/sdk`.
export type { SessionTokenResponse } from '../contract/hostContract.ts';
