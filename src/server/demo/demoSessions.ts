import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';

import type { DemoClientSettings } from './demoClient.ts';
import { clientAddress, isHttps } from './demoClient.ts';

/** The cookie that ties a browser to its own MX user; `__Host-` + this name when the page is HTTPS. */
export const DEMO_SESSION_COOKIE = 'member_connect_demo_session';
const HOST_PREFIXED_COOKIE = `__Host-${DEMO_SESSION_COOKIE}`;

/** Sessions kept in memory; past this many one is forgotten: never used again first, then least recently used. */
export const DEFAULT_MAX_SESSIONS = 10_000;
/**
 * New sessions (each one an MX user) one client address may start per window. One a second: a person opens a handful;
 * the e2e suite opens 30 browser contexts from one address within about a minute.
 */
export const DEFAULT_NEW_SESSION_LIMIT = { limit: 60, windowMs: 60_000 };
/** Client addresses whose new-session counts are remembered at once. */
const MAX_COUNTED_CLIENTS = 10_000;

interface Session {
  userGuid: string;
  /** The address that started it: a session id planted in another client's browser is not honoured there. */
  client: string;
}

export interface DemoSessionsOptions extends DemoClientSettings {
  /** Creates the MX user of a new session; throws an `HTTPException` (502, 504) when it cannot. */
  createUser: () => Promise<string>;
  /** @default DEFAULT_MAX_SESSIONS */
  maxSessions?: number;
  /** @default DEFAULT_NEW_SESSION_LIMIT */
  newSessionLimit?: { limit: number; windowMs: number };
  now?: () => number;
}

export interface DemoSessions {
  /** The MX user guid of the request's session, if it has one. 400 when the request carries two session cookies. */
  userOf: (c: Context) => string | undefined;
  /** The MX user guid of this browser's session; starts one (and sets its cookie) when there is none. 429 past the
   * per-client rate of new sessions. */
  ensure: (c: Context) => Promise<string>;
}

/**
 * Cookie sessions: a random, unguessable id in an httpOnly cookie, mapped in memory to the MX user guid, which never
 * reaches the browser. Bounded: least recently used sessions go first, and each client address may start only so
 * many, so a flood of anonymous requests cannot push out a session in use.
 */
export function createDemoSessions(options: DemoSessionsOptions): DemoSessions {
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const newSessionLimit = options.newSessionLimit ?? DEFAULT_NEW_SESSION_LIMIT;
  const now = options.now ?? Date.now;
  // Two tiers, each in recency order (a used session moves to the end; the first is the least recently used).
  // `fresh`: started and not seen since, as every session of a flood is. `returning`: used again since, as a person's
  // session is as soon as the widget makes its first call. A full store forgets fresh ones first, so no amount of
  // anonymous page loads can push out a session in use.
  const fresh = new Map<string, Session>();
  const returning = new Map<string, Session>();
  const newSessionCounts = new Map<string, { count: number; resetAt: number }>();

  const cookieName = (c: Context) => (isHttps(c.req.raw, options) ? HOST_PREFIXED_COOKIE : DEMO_SESSION_COOKIE);

  const userOf = (c: Context): string | undefined => {
    const ids = cookieValues(c.req.header('cookie'), cookieName(c));
    // Two cookies of one name: another page (a sibling subdomain setting Domain=, or a narrower Path) has added its
    // own. Which one the browser meant cannot be told, so neither is used.
    if (ids.length > 1) {
      throw new HTTPException(400, {
        message:
          "This request carries two demo session cookies (another site may have set one). Clear this site's cookies.",
      });
    }
    const id = ids[0];
    if (id === undefined) return undefined;
    const session = returning.get(id) ?? fresh.get(id);
    if (session === undefined || session.client !== clientAddress(c.req.raw, c.env, options)) return undefined;
    fresh.delete(id);
    returning.delete(id);
    returning.set(id, session);
    return session.userGuid;
  };

  const countNewSession = (client: string): void => {
    const at = now();
    let entry = newSessionCounts.get(client);
    if (entry === undefined || entry.resetAt <= at) {
      newSessionCounts.delete(client);
      entry = { count: 0, resetAt: at + newSessionLimit.windowMs };
      newSessionCounts.set(client, entry);
      if (newSessionCounts.size > MAX_COUNTED_CLIENTS)
        newSessionCounts.delete(newSessionCounts.keys().next().value ?? '');
    }
    if (entry.count >= newSessionLimit.limit) {
      const retryAfter = Math.max(1, Math.ceil((entry.resetAt - at) / 1000));
      throw new HTTPException(429, {
        message: 'Too many new demo sessions from this address. Try again shortly.',
        res: new Response(null, { headers: { 'Retry-After': String(retryAfter) } }),
      });
    }
    entry.count += 1;
  };

  const ensure = async (c: Context): Promise<string> => {
    const existing = userOf(c);
    if (existing !== undefined) return existing;
    const client = clientAddress(c.req.raw, c.env, options);
    countNewSession(client);
    const userGuid = await options.createUser();
    const id = randomId();
    while (fresh.size + returning.size >= maxSessions) {
      const tier = fresh.size > 0 ? fresh : returning;
      tier.delete(tier.keys().next().value ?? '');
    }
    fresh.set(id, { userGuid, client });
    const secure = isHttps(c.req.raw, options);
    // Lax, not Strict: with Strict a visitor arriving from a link on another site (or coming back from a bank's
    // OAuth redirect) would load the page without the cookie and silently start a new user. On HTTPS the __Host-
    // prefix makes browsers refuse this cookie from anywhere but this host (no Domain=, Path=/, Secure).
    setCookie(c, DEMO_SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure,
      ...(secure ? { prefix: 'host' as const } : {}),
    });
    return userGuid;
  };

  return { userOf, ensure };
}

/** Every value of the cookie `name` in a Cookie header, in order (a browser sends one per domain/path it matches). */
function cookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator !== -1 && pair.slice(0, separator).trim() === name) values.push(pair.slice(separator + 1).trim());
  }
  return values;
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replaceAll('=', '');
}
