import type { Context, Handler } from 'hono';

import type { SessionTokenResponse } from '../index.ts';

/**
 * `GET /demo/session-token`: a short-lived signed token for this browser's MX user, for the iframe page (the frame
 * cannot rely on the partner's cookies). Never cached: each answer is a fresh credential.
 */
export function sessionTokenRoute(issueSessionToken: (c: Context) => Promise<string>): Handler {
  return async (c) => {
    c.header('Cache-Control', 'no-store');
    const body: SessionTokenResponse = { sessionToken: await issueSessionToken(c) };
    return c.json(body);
  };
}
