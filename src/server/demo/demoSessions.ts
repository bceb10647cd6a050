import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { parse as parseCookies } from 'hono/utils/cookie';

/** The cookie that ties a browser to its own MX user. */
export const DEMO_SESSION_COOKIE = 'member_connect_demo_session';

/** Sessions live in memory; the oldest are forgotten past this many so a long-running demo cannot grow unbounded. */
const MAX_SESSIONS = 10_000;

export interface DemoSessions {
  /** The MX user guid of the request's session, if it has one. */
  userOf: (request: Request) => string | undefined;
  /** The MX user guid of this browser's session; creates the session (and sets its cookie) when there is none. */
  ensure: (c: Context) => Promise<string>;
}

/**
 * Cookie sessions: a random, unguessable id in an httpOnly cookie, mapped in memory to the MX user guid, which never
 * reaches the browser.
 */
export function createDemoSessions(options: { secureCookie: boolean; createUser: () => Promise<string> }): DemoSessions {
  const sessions = new Map<string, string>();

  const userOf = (request: Request): string | undefined => {
    const sessionId = parseCookies(request.headers.get('cookie') ?? '', DEMO_SESSION_COOKIE)[DEMO_SESSION_COOKIE];
    return sessionId === undefined ? undefined : sessions.get(sessionId);
  };

  const ensure = async (c: Context): Promise<string> => {
    const existing = userOf(c.req.raw);
    if (existing !== undefined) return existing;
    const userGuid = await options.createUser();
    const sessionId = randomId();
    sessions.set(sessionId, userGuid);
    if (sessions.size > MAX_SESSIONS) {
      const oldest = sessions.keys().next().value;
      if (oldest !== undefined) sessions.delete(oldest);
    }
    // Lax, not Strict: with Strict a visitor arriving from a link on another site (or coming back from a bank's
    // OAuth redirect) would load the page without the cookie and silently start a new user.
    setCookie(c, DEMO_SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: options.secureCookie,
    });
    return userGuid;
  };

  return { userOf, ensure };
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}
