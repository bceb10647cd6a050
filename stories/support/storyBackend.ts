// The network of a story: the one fake bank (test/support/fakeBackend.ts), the real proxy in front of the real
// sandbox, running in the Storybook page and answered through MSW's service worker. No hand-written JSON: every state
// comes from the sandbox's scenario passwords, fault institutions and fault header.
import type { SetupWorker } from 'msw/browser';

import { createFakeBackend, PROXY_PATH, type UpstreamFault } from '../../test/support/fakeBackend';
import { SANDBOX_ORIGIN, sandboxAssetHandlers } from './sandboxAssets';

/** Where the widget finds the proxy in every story. */
export const PROXY_URL = PROXY_PATH;

export type { UpstreamFault };

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
  /** Accounts of these MX types are left out of the sandbox's account lists. */
  hideAccountTypes?: readonly string[];
}

export interface StoryBackend {
  /** The sandbox user this story's proxy acts for. */
  userGuid: string;
  /** Calls the sandbox directly (Basic auth and Accept added), e.g. to create a member before the story starts. */
  sandboxFetch: (path: string, init?: RequestInit) => Promise<Response>;
}

/** Builds a fresh sandbox + proxy for one story and makes MSW forward `<origin>/api/connect/...` to it. */
export async function installStoryBackend(msw: SetupWorker, options: StoryBackendOptions = {}): Promise<StoryBackend> {
  const { members = [], ...rest } = options;
  const backend = createFakeBackend({
    ...rest,
    aggregationMs: options.aggregationMs ?? 40,
    sandboxBaseUrl: SANDBOX_ORIGIN,
    // A story drives the UI faster than a person; limits are tested with the proxy, not here.
    rateLimit: false,
  });
  const userGuid = await backend.userGuid();
  for (const member of members) {
    const seeded = await backend.sandboxRequest(`/users/${userGuid}/members`, {
      method: 'POST',
      body: JSON.stringify({ member }),
    });
    if (!seeded.ok) throw new Error(`Could not seed a ${member.institution_code} member: HTTP ${seeded.status}`);
  }
  msw.use(...backend.handlers, ...sandboxAssetHandlers(backend.sandbox));
  return { userGuid, sandboxFetch: backend.sandboxRequest };
}
