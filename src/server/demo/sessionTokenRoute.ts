import type { Context, Handler } from 'hono';

/**
 * `GET /demo/session-token`: a short-lived signed token for this browser's MX user, for the iframe page (the frame
 * cannot rely on the partner's cookies). Never cached: each answer is a fresh credential.
 */
export function sessionTokenRoute(issueSessionToken: (c: Context) => Promise<string>): Handler {
  return async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ sessionToken: await issueSessionToken(c) });
  };
}
