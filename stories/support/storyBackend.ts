// The network of a story: the real proxy in front of the real sandbox, both running in the Storybook page, answered
// through MSW's service worker. No hand-written JSON: every state comes from the sandbox's scenario passwords, fault
// institutions and fault header. (test/support/fakeBackend.ts is the same idea for the unit tests.)
import type { SetupWorker } from 'msw/browser';
import { http } from 'msw';

import { createConnectProxy } from '../../src/server/index';
import { createSandbox, FAULT_HEADER, MX_MEDIA_TYPE, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/server/sandbox/index';
import { SANDBOX_ORIGIN, sandboxAssetHandlers } from './sandboxAssets';

/** Where the widget finds the proxy in every story. */
export const PROXY_URL = '/api/connect';

export interface UpstreamFault {
  /** Matched against the upstream MX path, e.g. `/institutions$` or `/members/[^/]+/status`. */
  path: RegExp;
  /** Only for this method (default: any). */
  method?: string;
  /** An `X-Sandbox-Fault` value: `500`, `503`, `429;retry-after=1`, `delay=<ms>`, `drop`, `malformed`. */
  fault: string;
}

export interface StoryBackendOptions {
  /** How long one sandbox aggregation phase takes. Tiny by default so stories run fast. */
  aggregationMs?: number;
  /** An unanswered MFA challenge ends EXPIRED after this many ms. */
  challengeExpiryMs?: number;
  /** Sandbox faults to inject on matching upstream calls (the proxy never forwards the header from the browser). */
  faults?: UpstreamFault[];
  /** Calls matching these never answer: the widget stays in its loading state. */
  hang?: { path: RegExp; method?: string }[];
  /** Members the user already has before the story starts (created straight on the sandbox). */
  members?: { institution_code: string; credentials: { guid: string; value: string }[] }[];
  /** Sandbox clock; the default is the real one. */
  now?: () => number;
}

export interface StoryBackend {
  /** The sandbox user this story's proxy acts for. */
  userGuid: string;
  /** Calls the sandbox directly (Basic auth and Accept added), e.g. to create a member before the story starts. */
  sandboxFetch: (path: string, init?: RequestInit) => Promise<Response>;
}

const matches = (rule: { path: RegExp; method?: string }, url: URL, method: string) =>
  rule.path.test(url.pathname) && (rule.method === undefined || rule.method.toUpperCase() === method);

/** Builds a fresh sandbox + proxy for one story and makes MSW forward `<origin>/api/connect/...` to it. */
export async function installStoryBackend(msw: SetupWorker, options: StoryBackendOptions = {}): Promise<StoryBackend> {
  const sandbox = createSandbox({
    aggregationMs: options.aggregationMs ?? 40,
    ...(options.challengeExpiryMs !== undefined ? { challengeExpiryMs: options.challengeExpiryMs } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const auth = `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`;
  const sandboxFetch = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', auth);
    if (!headers.has('Accept')) headers.set('Accept', MX_MEDIA_TYPE);
    if (init.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
    return Promise.resolve(sandbox.request(`${SANDBOX_ORIGIN}${path}`, { ...init, headers }));
  };

  const created = await sandboxFetch('/users', { method: 'POST', body: JSON.stringify({ user: { metadata: 'storybook' } }) });
  const { user } = (await created.json()) as { user: { guid: string } };

  for (const member of options.members ?? []) {
    const seeded = await sandboxFetch(`/users/${user.guid}/members`, { method: 'POST', body: JSON.stringify({ member }) });
    if (!seeded.ok) throw new Error(`Could not seed a ${member.institution_code} member: HTTP ${seeded.status}`);
  }

  const upstream: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (options.hang?.some((rule) => matches(rule, url, request.method))) return new Promise<Response>(() => {});
    const faults = (options.faults ?? []).filter((rule) => matches(rule, url, request.method)).map((rule) => rule.fault);
    if (faults.length > 0) request.headers.set(FAULT_HEADER, faults.join(','));
    return sandbox.request(request);
  };
  const proxy = createConnectProxy({
    baseUrl: SANDBOX_ORIGIN,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    authenticate: () => user.guid,
    fetch: upstream,
    basePath: PROXY_URL,
    // A story drives the UI faster than a person; limits are tested with the proxy, not here.
    rateLimit: false,
  });

  msw.use(
    http.all(`*${PROXY_URL}/*`, ({ request }) => proxy.fetch(request)),
    ...sandboxAssetHandlers(sandbox),
  );
  return { userGuid: user.guid, sandboxFetch };
}
