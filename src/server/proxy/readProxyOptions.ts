import type { MemberFieldOptions } from './bodySchemas.ts';
import type { ProxyFetch } from './callUpstream.ts';
import type { ConnectProxyOptions } from './createConnectProxy.ts';

/** The validated, normalised configuration the proxy runs on. */
export interface ProxyConfig {
  baseUrl: string;
  clientId: string;
  apiKey: string;
  authenticate: ConnectProxyOptions['authenticate'];
  fetch: ProxyFetch;
  timeoutMs: number;
  allowedOrigins: ReadonlySet<string>;
  trustProxy: boolean;
  memberFields: MemberFieldOptions;
  basePath: string | undefined;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  maxInFlight: number;
}

/**
 * Requests one proxy serves at once before it answers 503. Above the 1,000 people connecting at the same moment the
 * bench holds it to (each waits on one request at a time), and within MX's 2,000 concurrent connections per client.
 */
export const DEFAULT_MAX_IN_FLIGHT = 1024;

const fail = (message: string): never => {
  throw new TypeError(`createConnectProxy: ${message}`);
};
// Control characters would corrupt the Authorization header; a colon in the client id would split Basic auth wrongly.
const CONTROL = /\p{Cc}/u;

/**
 * Checks every option at creation, so a misconfigured proxy fails at start-up with a message naming the option,
 * never on the first user's request.
 */
export function readProxyOptions(options: ConnectProxyOptions): ProxyConfig {
  if (typeof options !== 'object' || options === null) {
    fail('options are required ({ baseUrl, clientId, apiKey, authenticate }).');
  }
  const { baseUrl, clientId, apiKey, authenticate } = options;

  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') {
    fail('option `baseUrl` is required (the MX base URL, e.g. https://int-api.mx.com).');
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(baseUrl);
  } catch {
    fail(`option \`baseUrl\` must be an absolute http(s) URL, e.g. https://int-api.mx.com.`);
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    return fail('option `baseUrl` must be an absolute http(s) URL, e.g. https://int-api.mx.com.');
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '') {
    fail('option `baseUrl` must not contain credentials, a query or a fragment.');
  }
  if (typeof clientId !== 'string' || clientId === '' || CONTROL.test(clientId) || clientId.includes(':')) {
    fail('option `clientId` is required (your MX client id, without colons or control characters).');
  }
  if (typeof apiKey !== 'string' || apiKey === '' || CONTROL.test(apiKey)) {
    fail('option `apiKey` is required (your MX API key; keep it in server-side configuration).');
  }
  if (typeof authenticate !== 'function') {
    fail('option `authenticate` is required: a function (request) => MX user_guid, or null to refuse.');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') fail('option `fetch` must be a function.');
  if (options.transport !== undefined && typeof options.transport !== 'function')
    fail('option `transport` must be a function.');
  if (options.transport !== undefined && options.fetch !== undefined) {
    fail('options `fetch` and `transport` exclude each other: a transport makes the upstream calls itself.');
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 120_000) {
    fail('option `timeoutMs` must be an integer from 1 to 120000.');
  }
  const maxBodyBytes = options.maxBodyBytes ?? 16_384;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 256 || maxBodyBytes > 1_048_576) {
    fail('option `maxBodyBytes` must be an integer from 256 to 1048576.');
  }
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
  if (!Number.isInteger(bodyTimeoutMs) || bodyTimeoutMs < 1 || bodyTimeoutMs > 120_000) {
    fail('option `bodyTimeoutMs` must be an integer from 1 to 120000.');
  }
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 1_000_000) {
    fail('option `maxInFlight` must be an integer from 1 to 1000000.');
  }
  if (options.trustProxy !== undefined && typeof options.trustProxy !== 'boolean')
    fail('option `trustProxy` must be a boolean.');
  if (options.clientKey !== undefined && typeof options.clientKey !== 'function') {
    fail('option `clientKey` must be a function (request, env) => string | null.');
  }
  const allowedOrigins = new Set<string>();
  if (options.allowedOrigins !== undefined) {
    if (!Array.isArray(options.allowedOrigins)) fail('option `allowedOrigins` must be an array of origins.');
    for (const origin of options.allowedOrigins) {
      let normal: string | undefined;
      try {
        normal = typeof origin === 'string' ? new URL(origin).origin : undefined;
      } catch {
        normal = undefined;
      }
      // Exact origins only: a wildcard would let any site drive the proxy with a signed-in user's session.
      if (normal === undefined || normal === 'null' || normal !== origin) {
        fail(
          `option \`allowedOrigins\` must list exact origins such as https://app.example.com (got ${JSON.stringify(origin)}).`,
        );
      }
      allowedOrigins.add(origin);
    }
  }
  if (options.logger !== undefined && typeof options.logger !== 'function') fail('option `logger` must be a function.');
  if (options.now !== undefined && typeof options.now !== 'function') fail('option `now` must be a function.');
  if (options.rateLimitStore !== undefined && typeof options.rateLimitStore?.hit !== 'function') {
    fail('option `rateLimitStore` must have a `hit(key, windowMs, now)` method.');
  }
  const memberFields = options.memberFields ?? {};
  if (
    typeof memberFields !== 'object' ||
    memberFields === null ||
    Object.keys(memberFields).some((key) => key !== 'id' && key !== 'metadata') ||
    Object.values(memberFields).some((value) => value !== undefined && typeof value !== 'boolean')
  ) {
    fail('option `memberFields` must be { id?: boolean; metadata?: boolean }.');
  }
  const basePath = options.basePath;
  if (basePath !== undefined && (typeof basePath !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath))) {
    fail('option `basePath` must look like /api/connect (leading slash, no trailing slash).');
  }

  return {
    baseUrl: `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`,
    clientId,
    apiKey,
    authenticate,
    // Bound so a fetch that relies on `this === globalThis` (browsers, some runtimes) keeps working.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs,
    allowedOrigins,
    trustProxy: options.trustProxy === true,
    memberFields: { id: memberFields.id === true, metadata: memberFields.metadata === true },
    basePath,
    maxBodyBytes,
    bodyTimeoutMs,
    maxInFlight,
  };
}
