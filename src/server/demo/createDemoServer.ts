import type { Context } from 'hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';

import type { ProxyLogEntry } from '../index.ts';
import { bearerAuthenticate, createSessionTokens } from '../index.ts';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../sandbox/index.ts';
import { createMxUser } from './createMxUser.ts';
import type { MxUpstream } from './demoConfig.ts';
import { demoPages } from './demoPages.ts';
import { demoProxy, PROXY_PATH } from './demoProxy.ts';
import { createDemoSessions } from './demoSessions.ts';
import { createSandboxMount, SANDBOX_PATH } from './sandboxMount.ts';
import { demoSecurityHeaders } from './securityHeaders.ts';
import { sessionTokenRoute } from './sessionTokenRoute.ts';

export { DEMO_SESSION_COOKIE } from './demoSessions.ts';

/** What a route added through `extend` can use. */
export interface DemoContext {
  /** The MX user guid of this browser's session; creates the session (and sets its cookie) when there is none. */
  sessionUser: (c: Context) => Promise<string>;
  /** A short-lived signed session token for this browser's user, as `GET /demo/session-token` returns. */
  issueSessionToken: (c: Context) => Promise<string>;
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
  /** Talk to this MX environment instead of the built-in sandbox (then nothing is served at `/sandbox`). */
  mx?: MxUpstream;
  /**
   * Serve the built-in sandbox's whole MX API at `/sandbox` (anyone who can reach the port can then read and change
   * every visitor's user and members). Off by default: only the consent page, logos and site-key pictures are served.
   */
  publicSandbox?: boolean;
  /** Used to reach `mx.baseUrl`; the global `fetch` by default. */
  fetch?: typeof fetch;
  /** HMAC secret for session tokens; a random one per process by default (tokens then die with the process). */
  sessionSecret?: string;
  /** Receives the proxy's log line for each widget request (route pattern, status, timing; never bodies). */
  logger?: (entry: ProxyLogEntry) => void;
  /** Adds routes (for instance more partner pages) before the static files; they get the demo's headers too. */
  extend?: (app: Hono, context: DemoContext) => void;
}

/**
 * The demo partner site of `npm start` on one origin: the partner pages at `/`, the proxy at `/api/connect`, the
 * sandbox's browser pages at `/sandbox` and `GET /demo/session-token`. Each browser gets its own MX user through a
 * cookie session.
 */
export function createDemoServer(options: DemoServerOptions): Hono {
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const sandbox = options.mx ? undefined : createSandboxMount({ publicApi: options.publicSandbox === true });
  const upstream: MxUpstream & { fetch: typeof fetch } = sandbox
    ? { baseUrl: `${publicUrl}${SANDBOX_PATH}`, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, fetch: sandbox.fetch }
    : { ...options.mx!, fetch: options.fetch ?? fetch };

  const sessions = createDemoSessions({
    secureCookie: new URL(publicUrl).protocol === 'https:',
    createUser: () => createUserOrFail(upstream),
  });
  const sessionTokens = createSessionTokens({
    secret: options.sessionSecret ?? crypto.randomUUID() + crypto.randomUUID(),
  });
  const issueSessionToken = async (c: Context) => sessionTokens.issue(await sessions.ensure(c));
  const verifyBearer = bearerAuthenticate(sessionTokens);

  const app = new Hono();
  app.onError(jsonError);
  app.use('*', demoSecurityHeaders({ remoteImages: options.mx !== undefined }));
  app.all(`${PROXY_PATH}/*`, demoProxy({
    upstream,
    sandboxOrigin: sandbox ? new URL(publicUrl).origin : undefined,
    logger: options.logger,
    // A Bearer session token (the iframe) wins over the cookie; either way the user comes from the server side.
    authenticate: (request) =>
      request.headers.has('authorization') ? verifyBearer(request) : (sessions.userOf(request) ?? null),
  }));
  if (sandbox) app.route(SANDBOX_PATH, sandbox.routes);
  app.get('/demo/session-token', sessionTokenRoute(issueSessionToken));
  options.extend?.(app, { sessionUser: sessions.ensure, issueSessionToken });
  app.route('/', demoPages({
    demoRoot: options.demoRoot,
    frameRoot: options.frameRoot,
    storybookRoot: options.storybookRoot,
    // A page load is where a browser first shows up, so that is where its session (and MX user) is created.
    onPageLoad: async (c, next) => {
      await sessions.ensure(c);
      await next();
    },
  }));
  app.notFound((c) => c.json({ error: { message: 'Not found.' } }, 404));
  return app;
}

async function createUserOrFail(upstream: MxUpstream & { fetch: typeof fetch }): Promise<string> {
  try {
    return await createMxUser(upstream);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    throw new HTTPException(502, { message: 'The demo could not create a user at MX. See the server log.' });
  }
}

function jsonError(error: Error, c: Context): Response {
  if (error instanceof HTTPException) return c.json({ error: { message: error.message } }, error.status);
  console.error(error);
  return c.json({ error: { message: 'Internal server error.' } }, 500);
}
