// The one fake bank (docs/architecture.md): the real sandbox behind the real proxy, answered through MSW. Unit tests
// (MSW in Node) use it directly; stories (MSW's service worker) wrap it in stories/support/storyBackend.ts and
// failureBackend.ts. Browser-safe (no `node:` imports) for that reason.
import { http, type HttpHandler } from 'msw';

import { createConnectProxy } from '../../src/server/index.ts';
import {
  createSandbox,
  FAULT_HEADER,
  MX_MEDIA_TYPE,
  SANDBOX_API_KEY,
  SANDBOX_CLIENT_ID,
} from '../../src/server/sandbox/index.ts';

export const SANDBOX_BASE_URL = 'http://sandbox.test';
export const PROXY_PATH = '/api/connect';

/** Sandbox faults injected on the proxy's upstream calls that match (the proxy never forwards the header itself). */
export interface UpstreamFault {
  /** Matched against the upstream MX path, e.g. `/institutions$` or `/members/[^/]+/status`. */
  path: RegExp;
  /** Only for this method (default: any). */
  method?: string;
  /** An `X-Sandbox-Fault` value: `400`, `500`, `503`, `429;retry-after=1`, `delay=<ms>`, `drop`, `malformed`. */
  fault: string;
  /** Applies to this many matching calls, then the route answers normally again (default: every call). */
  times?: number;
}

/** One upstream call the proxy made, as the sandbox saw it. */
export interface UpstreamCallRecord {
  method: string;
  /** The upstream MX path, e.g. `/users/USR-…/members/MBR-…/status`. */
  path: string;
  /** The `X-Sandbox-Fault` value sent with this call, if any. */
  fault: string | null;
  /** `performance.now()` when the proxy made the call. */
  at: number;
}

export interface FakeBackendOptions {
  /** One sandbox aggregation phase, in ms. @default 25 */
  aggregationMs?: number;
  challengeExpiryMs?: number;
  now?: () => number;
  /** Where the sandbox pretends to live; its logo and site-key URLs point there. @default SANDBOX_BASE_URL */
  sandboxBaseUrl?: string;
  /** Where the widget's `proxyUrl` points (path only; any origin matches). @default '/api/connect' */
  proxyPath?: string;
  /** Passed to the proxy; `false` turns rate limiting off. @default the proxy's defaults */
  rateLimit?: Parameters<typeof createConnectProxy>[0]['rateLimit'];
  /** The proxy's `authenticate`. @default every request acts as this backend's sandbox user */
  authenticate?: (request: Request) => string | null | Promise<string | null>;
  /** Faults active from the start; `setFaults` replaces them. */
  faults?: UpstreamFault[];
  /** Upstream calls matching these never answer: the widget stays in its loading state. */
  hang?: { path: RegExp; method?: string }[];
  /**
   * Accounts of these MX types are left out of the sandbox's account lists, as for a person who has only a card and a
   * loan at the bank (verification mode's "no checking or savings account").
   */
  hideAccountTypes?: readonly string[];
  /**
   * The proxy's status stream. Off by default (the proxy then answers 404 and the widget polls, at the test's fast
   * pace); `true`: on, fed at once by the sandbox's MX webhooks posted to the proxy's receiver (through MSW, like every
   * request here), its watcher polling only as MX's safety net.
   */
  statusStream?: boolean;
  /** Answer as a proxy from before `X-Member-Connect-Stream`: the header is taken off every answer. */
  olderProxy?: boolean;
}

/** The HTTP Basic pair the sandbox signs its webhooks with and the proxy's receiver expects. */
const WEBHOOK_AUTH = { username: 'mx-webhooks', password: 'fake-backend-webhook-password' };

export interface FakeBackend {
  handlers: HttpHandler[];
  sandbox: ReturnType<typeof createSandbox>;
  proxy: ReturnType<typeof createConnectProxy>;
  /** The sandbox user every proxied request acts as (created on first use). */
  userGuid: () => Promise<string>;
  /** Calls the sandbox directly as the partner backend would (Basic auth; MX's Accept and JSON unless given). */
  sandboxRequest: (path: string, init?: RequestInit) => Promise<Response>;
  /** Replaces the active faults; `[]` is the network coming back. */
  setFaults: (faults: UpstreamFault[]) => void;
  /** Every upstream call so far, oldest first. */
  calls: () => readonly UpstreamCallRecord[];
}

const matches = (rule: { path: RegExp; method?: string }, url: URL, method: string) =>
  rule.path.test(url.pathname) && (rule.method === undefined || rule.method.toUpperCase() === method);

export function createFakeBackend(options: FakeBackendOptions = {}): FakeBackend {
  const proxyPath = options.proxyPath ?? PROXY_PATH;
  const baseUrl = options.sandboxBaseUrl ?? SANDBOX_BASE_URL;
  const sandbox = createSandbox({
    aggregationMs: options.aggregationMs ?? 25,
    // Posted with the global fetch, which MSW hands to the proxy below, like every widget request.
    ...(options.statusStream === true
      ? {
          webhookUrl: `${new URL(baseUrl).origin}${proxyPath}/webhooks/mx`,
          webhookAuth: WEBHOOK_AUTH,
          webhookRetryDelaysMs: [50],
        }
      : {}),
    ...(options.challengeExpiryMs !== undefined ? { challengeExpiryMs: options.challengeExpiryMs } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const basic = `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`;
  const sandboxRequest = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', basic);
    // A caller may ask for something else (the OAuth consent page is HTML, its form is urlencoded).
    if (!headers.has('Accept')) headers.set('Accept', MX_MEDIA_TYPE);
    if (init.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
    return Promise.resolve(sandbox.request(`${baseUrl}${path}`, { ...init, headers }));
  };

  let user: Promise<string> | undefined;
  const userGuid = () =>
    (user ??= sandboxRequest('/users', {
      method: 'POST',
      body: JSON.stringify({ user: { id: `fake-${crypto.randomUUID()}` } }),
    })
      .then((response) => response.json() as Promise<{ user: { guid: string } }>)
      .then((body) => body.user.guid));

  let faults = (options.faults ?? []).map((rule) => ({ rule, used: 0 }));
  const calls: UpstreamCallRecord[] = [];
  const upstream: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (options.hang?.some((rule) => matches(rule, url, request.method))) return new Promise<Response>(() => {});
    const applied: string[] = [];
    for (const entry of faults) {
      if (!matches(entry.rule, url, request.method)) continue;
      if (entry.rule.times !== undefined && entry.used >= entry.rule.times) continue;
      entry.used += 1;
      applied.push(entry.rule.fault);
    }
    const fault = applied.length > 0 ? applied.join(',') : null;
    if (fault !== null) request.headers.set(FAULT_HEADER, fault);
    calls.push({ method: request.method, path: url.pathname, fault, at: performance.now() });
    const response = await sandbox.request(request);
    const hidden = options.hideAccountTypes ?? [];
    if (hidden.length === 0 || !response.ok || !/\/accounts$/.test(url.pathname)) return response;
    const body = (await response.json()) as { accounts: { type?: string | null }[] };
    const accounts = body.accounts.filter((account) => !hidden.includes(account.type ?? ''));
    return Response.json({ ...body, accounts }, { status: response.status, headers: response.headers });
  };

  const proxy = createConnectProxy({
    baseUrl,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    fetch: upstream,
    authenticate: options.authenticate ?? (() => userGuid()),
    basePath: proxyPath,
    ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
    statusStream: options.statusStream === true ? { webhook: WEBHOOK_AUTH } : { enabled: false },
  });

  const handlers = [
    http.all(`*${proxyPath}/*`, async ({ request }) => {
      const response = await proxy.fetch(request);
      if (options.olderProxy !== true) return response;
      const headers = new Headers(response.headers);
      headers.delete('X-Member-Connect-Stream');
      return new Response(response.body, { status: response.status, headers });
    }),
  ];
  return {
    handlers,
    sandbox,
    proxy,
    userGuid,
    sandboxRequest,
    setFaults: (next) => {
      faults = next.map((rule) => ({ rule, used: 0 }));
    },
    calls: () => calls,
  };
}
