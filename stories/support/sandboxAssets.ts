// The in-page sandbox builds absolute URLs (institution logos, site-key pictures) on its own origin, which exists only
// inside the story's page: MSW answers them from the sandbox app so the pictures render as they do in the demo.
import { http } from 'msw';

import type { createSandbox } from '../../src/server/sandbox/index';

/** The made-up origin every story's sandbox answers on. */
export const SANDBOX_ORIGIN = 'http://sandbox.story';

export function sandboxAssetHandlers(sandbox: ReturnType<typeof createSandbox>) {
  return [
    http.get(`${SANDBOX_ORIGIN}/logos/*`, ({ request }) => sandbox.request(request)),
    http.get(`${SANDBOX_ORIGIN}/sitekeys/*`, ({ request }) => sandbox.request(request)),
  ];
}
