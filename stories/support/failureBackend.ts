// The network of a failure story: the same real proxy in front of the real sandbox as storyBackend.ts, plus what
// failure stories need and a per-story `parameters.backend` cannot express: faults switched while the story runs
// (the network comes back), faults that stop after a number of calls, the proxy's own `authenticate` (session tokens),
// and a record of the upstream calls so a story can check what the widget did on the wire.
import type { SetupWorker } from 'msw/browser';
import { http } from 'msw';

import { createConnectProxy } from '../../src/server/index';
import { createSandbox, FAULT_HEADER, MX_MEDIA_TYPE, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/server/sandbox/index';
import { PROXY_URL, type UpstreamFault } from './storyBackend';
import { SANDBOX_ORIGIN, sandboxAssetHandlers } from './sandboxAssets';

export interface SwitchableFault extends UpstreamFault {
  /** Applies to this many matching calls, then the route answers normally again (default: every call). */
  times?: number;
}

export interface UpstreamCallRecord {
  method: string;
  /** The upstream MX path, e.g. `/users/USR-…/members/MBR-…/status`. */
  path: string;
  /** The `X-Sandbox-Fault` value sent with this call, if any. */
  fault: string | null;
  /** `performance.now()` when the proxy made the call. */
  at: number;
}

export interface FailureBackendOptions {
  /** How long one sandbox aggregation phase takes. */
  aggregationMs?: number;
  /** Faults active from the start; `setFaults` replaces them. */
  faults?: SwitchableFault[];
  /** The proxy's `authenticate` (e.g. `bearerAuthenticate(tokens)`); by default every request is the story's user. */
  authenticate?: (request: Request) => string | null | Promise<string | null>;
}

export interface FailureBackend {
  /** The sandbox user the proxy acts for. */
  userGuid: string;
  /** Replaces the active faults; `[]` is the network coming back. */
  setFaults: (faults: SwitchableFault[]) => void;
  /** Every upstream call so far, oldest first. */
  calls: () => readonly UpstreamCallRecord[];
}


export async function installFailureBackend(msw: SetupWorker, options: FailureBackendOptions = {}): Promise<FailureBackend> {
  const sandbox = createSandbox({ aggregationMs: options.aggregationMs ?? 40 });
  const auth = `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`;
  const created = await sandbox.request(`${SANDBOX_ORIGIN}/users`, {
    method: 'POST',
    headers: { Authorization: auth, Accept: MX_MEDIA_TYPE, 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: { metadata: 'storybook' } }),
  });
  const { user } = (await created.json()) as { user: { guid: string } };

  let faults = (options.faults ?? []).map((rule) => ({ rule, used: 0 }));
  const calls: UpstreamCallRecord[] = [];

  const upstream: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const applied: string[] = [];
    for (const entry of faults) {
      const { rule } = entry;
      if (!rule.path.test(url.pathname)) continue;
      if (rule.method !== undefined && rule.method.toUpperCase() !== request.method) continue;
      if (rule.times !== undefined && entry.used >= rule.times) continue;
      entry.used += 1;
      applied.push(rule.fault);
    }
    const fault = applied.length > 0 ? applied.join(',') : null;
    if (fault !== null) request.headers.set(FAULT_HEADER, fault);
    calls.push({ method: request.method, path: url.pathname, fault, at: performance.now() });
    return sandbox.request(request);
  };
  const proxy = createConnectProxy({
    baseUrl: SANDBOX_ORIGIN,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    authenticate: options.authenticate ?? (() => user.guid),
    fetch: upstream,
    basePath: PROXY_URL,
    rateLimit: false,
  });

  msw.use(
    http.all(`*${PROXY_URL}/*`, ({ request }) => proxy.fetch(request)),
    ...sandboxAssetHandlers(sandbox),
  );
  return {
    userGuid: user.guid,
    setFaults: (next) => {
      faults = next.map((rule) => ({ rule, used: 0 }));
    },
    calls: () => calls,
  };
}
