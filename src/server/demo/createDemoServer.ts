import { serveStatic } from '@hono/node-server/serve-static';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { parse as parseCookies } from 'hono/utils/cookie';

import type { ProxyLogEntry } from '../index.ts';
import {
  bearerAuthenticate,
  createConnectProxy,
  createMemoryRateLimitStore,
  createSessionTokens,
} from '../index.ts';
import { createSandbox, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../sandbox/index.ts';
import {
  DEMO_CONTENT_SECURITY_POLICY,
  DEMO_CONTENT_SECURITY_POLICY_WITH_REMOTE_IMAGES,
} from './contentSecurityPolicy.ts';
import { createMxUser } from './createMxUser.ts';
import type { MxUpstream } from './demoConfig.ts';

/** The cookie that ties a browser to its own MX user. */
export const DEMO_SESSION_COOKIE = 'member_connect_demo_session';

/** Sessions live in memory; the oldest are forgotten past this many so a long-running demo cannot grow unbounded. */
const MAX_SESSIONS = 10_000;
/** Distinct host names (127.0.0.1, localhost, a LAN address) that get a sandbox base URL of their own. */
const MAX_SANDBOX_ORIGINS = 8;
const PROXY_PATH = '/api/connect';

/** What a route added through `extend` can use. */
export interface DemoContext {
  /** The MX user guid of this browser's session; creates the session (and sets its cookie) when there is none. */
  sessionUser: (c: Context) => Promise<string>;
  /** A short-lived signed session token for this browser's user, as `GET /demo/session-token` returns. */
  issueSessionToken: (c: Context) => Promise<string>;
  /** The Content-Security-Policy header value every page of the demo is served with. */
  contentSecurityPolicy: string;
}

export interface DemoServerOptions {
  /** The origin browsers use to reach the demo, e.g. `http://127.0.0.1:3000`. The sandbox's OAuth links point here. */
  publicUrl: string;
  /** The built partner pages (`dist/demo`): served at `/`. */
  demoRoot: string;
  /** The built iframe bundle (`dist/frame`): served at `/frame/` when given. */
  frameRoot?: string;
  /** The static Storybook (`storybook-static`, from `npm run build-storybook`): served at `/storybook/` when given. */
  storybookRoot?: string;
  /** Talk to this MX environment instead of the built-in sandbox (which stays mounted at `/sandbox`, unused). */
  mx?: MxUpstream;
  /** Used to reach `mx.baseUrl`; the global `fetch` by default. */
  fetch?: typeof fetch;
  /** HMAC secret for session tokens; a random one per process by default (tokens then die with the process). */
  sessionSecret?: string;
  /** Receives the proxy's log line for each widget request (route pattern, status, timing; never bodies). */
  logger?: (entry: ProxyLogEntry) => void;
  /** Adds routes (for instance more partner pages) before the static files; they get the demo's CSP header too. */
  extend?: (app: Hono, context: DemoContext) => void;
}

/**
 * The demo partner site of `npm start` on one origin: the partner pages at `/`, the proxy at `/api/connect`, the
 * sandbox at `/sandbox` and `GET /demo/session-token`. Each browser gets its own MX user through a cookie session.
 */
export function createDemoServer(options: DemoServerOptions): Hono {
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const secureCookie = new URL(publicUrl).protocol === 'https:';
  const contentSecurityPolicy = options.mx
    ? DEMO_CONTENT_SECURITY_POLICY_WITH_REMOTE_IMAGES
    : DEMO_CONTENT_SECURITY_POLICY;

  const app = new Hono();
  const sandbox = createSandbox();

  // In sandbox mode the proxy reaches the sandbox through this same app, without a socket: the sandbox then sees
  // exactly the URLs it would over the network (its OAuth links are built from them).
  const upstream: MxUpstream & { fetch: typeof fetch } = options.mx
    ? { ...options.mx, fetch: options.fetch ?? fetch }
    : {
        baseUrl: `${publicUrl}/sandbox`,
        clientId: SANDBOX_CLIENT_ID,
        apiKey: SANDBOX_API_KEY,
        fetch: async (input, init) => app.fetch(new Request(input, init)),
      };

  const sessionTokens = createSessionTokens({
    secret: options.sessionSecret ?? crypto.randomUUID() + crypto.randomUUID(),
  });

  // session id -> MX user guid. Ids are random and unguessable; the user guid never reaches the browser.
  const sessions = new Map<string, string>();

  const userOfRequest = (request: Request): string | undefined => {
    const sessionId = parseCookies(request.headers.get('cookie') ?? '', DEMO_SESSION_COOKIE)[DEMO_SESSION_COOKIE];
    return sessionId === undefined ? undefined : sessions.get(sessionId);
  };

  const sessionUser = async (c: Context): Promise<string> => {
    const existing = userOfRequest(c.req.raw);
    if (existing !== undefined) return existing;
    let userGuid: string;
    try {
      userGuid = await createMxUser({
        baseUrl: upstream.baseUrl,
        clientId: upstream.clientId,
        apiKey: upstream.apiKey,
        fetch: upstream.fetch,
      });
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      throw new HTTPException(502, { message: 'The demo could not create a user at MX. See the server log.' });
    }
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
      secure: secureCookie,
    });
    return userGuid;
  };

  const issueSessionToken = async (c: Context): Promise<string> => sessionTokens.issue(await sessionUser(c));

  const verifyBearer = bearerAuthenticate(sessionTokens);
  const rateLimitStore = createMemoryRateLimitStore();
  const makeProxy = (baseUrl: string) =>
    createConnectProxy({
      baseUrl,
      clientId: upstream.clientId,
      apiKey: upstream.apiKey,
      fetch: upstream.fetch,
      logger: options.logger,
      basePath: PROXY_PATH,
      rateLimitStore,
      // A Bearer session token (the iframe) wins over the cookie; either way the user comes from the server side.
      authenticate: async (request: Request) =>
        request.headers.has('authorization') ? verifyBearer(request) : (userOfRequest(request) ?? null),
    });
  const defaultProxy = makeProxy(upstream.baseUrl);

  // The sandbox builds logo and OAuth URLs from its base URL. A visitor on http://localhost:3000 must get URLs on
  // that origin, not on the printed 127.0.0.1 one: the page's CSP (img-src 'self') would block the logos otherwise.
  const sandboxProxies = new Map<string, Hono>();
  const proxyFor = (requestUrl: string): Hono => {
    if (options.mx) return defaultProxy;
    const origin = new URL(requestUrl).origin;
    if (origin === new URL(publicUrl).origin) return defaultProxy;
    let proxy = sandboxProxies.get(origin);
    if (proxy === undefined) {
      if (sandboxProxies.size >= MAX_SANDBOX_ORIGINS) return defaultProxy;
      proxy = makeProxy(`${origin}/sandbox`);
      sandboxProxies.set(origin, proxy);
    }
    return proxy;
  };

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return c.json({ error: { message: error.message } }, error.status);
    }
    console.error(error);
    return c.json({ error: { message: 'Internal server error.' } }, 500);
  });

  app.use('*', async (c, next) => {
    await next();
    // Storybook's own pages rely on inline scripts; it is a catalogue for people, not part of what partners embed.
    if (!c.res.headers.has('Content-Security-Policy') && !isStorybookPath(c.req.path)) {
      c.res.headers.set('Content-Security-Policy', contentSecurityPolicy);
    }
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  });

  app.all(PROXY_PATH, (c) => proxyFor(c.req.url).fetch(c.req.raw));
  app.all(`${PROXY_PATH}/*`, (c) => proxyFor(c.req.url).fetch(c.req.raw));
  app.route('/sandbox', sandbox);

  app.get('/demo/session-token', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ sessionToken: await issueSessionToken(c) });
  });

  options.extend?.(app, { sessionUser, issueSessionToken, contentSecurityPolicy });

  // A page load is where a browser first shows up, so that is where its session (and MX user) is created.
  const ensureSession = async (c: Context, next: () => Promise<void>) => {
    await sessionUser(c);
    await next();
  };
  app.get('/', ensureSession);
  app.get('/:page{.+\\.html}', ensureSession);

  if (options.frameRoot !== undefined) {
    const frameRoot = options.frameRoot;
    app.get('/frame', (c) => c.redirect('/frame/'));
    app.use(
      '/frame/*',
      serveStatic({ root: frameRoot, rewriteRequestPath: (path) => path.slice('/frame'.length) || '/' }),
    );
  }
  if (options.storybookRoot !== undefined) {
    const storybookRoot = options.storybookRoot;
    app.get('/storybook', (c) => c.redirect('/storybook/'));
    app.use(
      '/storybook/*',
      serveStatic({ root: storybookRoot, rewriteRequestPath: (path) => path.slice('/storybook'.length) || '/' }),
    );
  }
  app.use('/*', serveStatic({ root: options.demoRoot }));

  app.notFound((c) => c.json({ error: { message: 'Not found.' } }, 404));
  return app;
}

function isStorybookPath(path: string): boolean {
  return path === '/storybook' || path.startsWith('/storybook/');
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}
