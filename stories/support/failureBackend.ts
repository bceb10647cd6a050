// The network of a failure story: the one fake bank (test/support/fakeBackend.ts), as storyBackend.ts installs it,
// plus what failure stories need and a per-story `parameters.backend` cannot express: faults switched while the story
// runs (the network comes back), faults that stop after a number of calls, the proxy's own `authenticate` (session
// tokens), and a record of the upstream calls so a story can check what the widget did on the wire.
import type { SetupWorker } from 'msw/browser';

import { createFakeBackend, type FakeBackend, type UpstreamFault } from '../../test/support/fakeBackend';
import { SANDBOX_ORIGIN, sandboxAssetHandlers } from './sandboxAssets';

/** A fault that can be switched while the story runs, optionally for a number of calls only. */
export type SwitchableFault = UpstreamFault;

export interface FailureBackendOptions {
  /** How long one sandbox aggregation phase takes. */
  aggregationMs?: number;
  /** Faults active from the start; `setFaults` replaces them. */
  faults?: SwitchableFault[];
  /** The proxy's `authenticate` (e.g. `bearerAuthenticate(tokens)`); by default every request is the story's user. */
  authenticate?: (request: Request) => string | null | Promise<string | null>;
}

export interface FailureBackend extends Pick<FakeBackend, 'setFaults' | 'calls'> {
  /** The sandbox user the proxy acts for. */
  userGuid: string;
}

export async function installFailureBackend(
  msw: SetupWorker,
  options: FailureBackendOptions = {},
): Promise<FailureBackend> {
  const backend = createFakeBackend({
    ...options,
    aggregationMs: options.aggregationMs ?? 40,
    sandboxBaseUrl: SANDBOX_ORIGIN,
    rateLimit: false,
  });
  const userGuid = await backend.userGuid();
  msw.use(...backend.handlers, ...sandboxAssetHandlers(backend.sandbox));
  return { userGuid, setFaults: backend.setFaults, calls: backend.calls };
}
