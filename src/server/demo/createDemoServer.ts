import type { Context } from 'hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';

import type { ProxyLogEntry, StatusStreamOptions, UpstreamTransport } from '../index.ts';
import { bearerAuthenticate, createSessionTokens, ensureMxUser, MxUserError } from '../index.ts';
import { createNodeTransport } from '../node.ts';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../sandbox/index.ts';
import { clientAddress } from './demoClient.ts';
import type { MxUpstream } from './demoConfig.ts';
import { demoError, isPageLoad } from './demoErrors.ts';
import { defaultHosts, onlyOwnHosts } from './demoHosts.ts';
import { demoPages } from './demoPages.ts';
import { demoProxy, PROXY_PATH } from './demoProxy.ts';
import { createDemoSessions } from './demoSessions.ts';
import { createSandboxMount, SANDBOX_PATH } from './sandboxMount.ts';
import { demoSecurityHeaders } from './securityHeaders.ts';
import { sessionTokenRoute } from './sessionTokenRoute.ts';
import { verifiedAccountRoute } from './verifiedAccountRoute.ts';

export { DEMO_SESSION_COOKIE } from './demoSessions.ts';

/** The proxy's MX webhook receiver, under `/api/connect`. */
const WEBHOOK_PATH = '/webhooks/mx';

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
  /** More `host:port` names the demo answers for, besides `publicUrl`'s and localhost/127.0.0.1/[::1] on its port. */
  hosts?: string[];
  /** Honour `X-Forwarded-Proto` and `X-Forwarded-For` from a TLS-terminating reverse proxy in front. @default false */
  trustProxy?: boolean;
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
  /** One aggregation phase of the built-in sandbox, in ms. @default the sandbox's own */
  sandboxAggregationMs?: number;
  /**
   * The origin of this server's own socket (`http://127.0.0.1:3000`): the built-in sandbox then posts MX webhooks to the
   * proxy's receiver there, with HTTP Basic credentials made up at start (never printed), and status streams follow
   * them. Unset, no webhook is sent and streams poll the sandbox. @default none
   */
  webhookOrigin?: string;
  /**
   * Used to reach `mx.baseUrl`. By default the proxy's calls go through the lean Node transport (`createNodeTransport`:
   * keep-alive `node:http`, at most 256 connections) and the one user creation per visitor through the global `fetch`.
   */
  fetch?: typeof fetch;
  /** Deadline for creating a visitor's MX user; past it the page load answers 504. @default 10_000 */
  userCreationTimeoutMs?: number;
  /** Sessions kept in memory (least recently used go first). @default 10_000 */
  maxSessions?: number;
  /** New sessions one client address may start per window. @default 60 per minute */
  newSessionLimit?: { limit: number; windowMs: number };
  /** HMAC secret for session tokens; a random one per process by default (tokens then die with the process). */
  sessionSecret?: string;
  /** Receives the proxy's log line for each widget request (route pattern, status, timing; never bodies). */
  logger?: (entry: ProxyLogEntry) => void;
  /** Adds routes (for instance more partner pages) before the static files; they get the demo's headers too. */
  extend?: (app: Hono, context: DemoContext) => void;
  /** The proxy's status stream (`createConnectProxy({ statusStream })`); the bench turns it off or feeds it webhooks. */
  statusStream?: StatusStreamOptions;
}

/**
 * The demo partner site of `npm start` on one origin: the partner pages at `/`, the proxy at `/api/connect`, the
 * sandbox's browser pages at `/sandbox` and `GET /demo/session-token`. Each browser gets its own MX user through a
 * cookie session.
 */
export function createDemoServer(options: DemoServerOptions): Hono {
  const publicUrl = new URL(options.publicUrl.replace(/\/+$/, ''));
  const trustProxy = options.trustProxy === true;
  // Made up at every start and given only to the sandbox and the proxy: nothing else can post webhooks.
  const webhook =
    options.mx === undefined && options.webhookOrigin !== undefined
      ? { username: 'member-connect-demo', password: `${crypto.randomUUID()}${crypto.randomUUID()}` }
      : undefined;
  const sandbox = options.mx
    ? undefined
    : createSandboxMount({
        publicApi: options.publicSandbox === true,
        aggregationMs: options.sandboxAggregationMs,
        webhook:
          webhook === undefined
            ? undefined
            : { ...webhook, url: `${new URL(options.webhookOrigin!).origin}${PROXY_PATH}${WEBHOOK_PATH}` },
      });
  // The built-in sandbox is reached in-process (no socket at all); MX over the lean Node transport unless a fetch is
  // given.
  const upstream: MxUpstream & { fetch: typeof fetch; transport?: UpstreamTransport } = sandbox
    ? {
        baseUrl: `${publicUrl.origin}${SANDBOX_PATH}`,
        clientId: SANDBOX_CLIENT_ID,
        apiKey: SANDBOX_API_KEY,
        fetch: sandbox.fetch,
      }
    : {
        ...options.mx!,
        fetch: options.fetch ?? fetch,
        transport: options.fetch === undefined ? createNodeTransport() : undefined,
      };

  const sessions = createDemoSessions({
    publicUrl,
    trustProxy,
    maxSessions: options.maxSessions,
    newSessionLimit: options.newSessionLimit,
    createUser: () => createVisitorUser(upstream, options.userCreationTimeoutMs),
  });
  const sessionTokens = createSessionTokens({
    secret: options.sessionSecret ?? crypto.randomUUID() + crypto.randomUUID(),
  });
  const issueSessionToken = async (c: Context) => sessionTokens.issue(await sessions.ensure(c));

  const app = new Hono();
  app.onError(demoError);
  app.use('*', onlyOwnHosts([...defaultHosts(publicUrl), ...(options.hosts ?? [])]));
  app.use('*', demoSecurityHeaders({ remoteImages: options.mx !== undefined }));
  app.all(
    `${PROXY_PATH}/*`,
    demoProxy({
      upstream,
      sandboxPublicUrl: sandbox ? publicUrl : undefined,
      allowedOrigins: publicUrl.protocol === 'https:' ? [publicUrl.origin] : [],
      clientKey: (request, env) => clientAddress(request, env, { publicUrl, trustProxy }),
      sessions,
      verifyBearer: bearerAuthenticate(sessionTokens),
      logger: options.logger,
      // The bench chooses its own (off, or fed by its own sandbox's webhooks).
      statusStream:
        options.statusStream ?? (webhook === undefined ? {} : { webhook: { ...webhook, path: WEBHOOK_PATH } }),
    }),
  );
  if (sandbox) app.route(SANDBOX_PATH, sandbox.routes);
  app.get('/demo/session-token', sessionTokenRoute(issueSessionToken));
  // Verification mode's backend step: the chosen account's numbers, read from MX and shown masked.
  app.post('/demo/verified-account', verifiedAccountRoute({ upstream, userOf: sessions.userOf }));
  options.extend?.(app, { sessionUser: sessions.ensure, issueSessionToken });
  app.route(
    '/',
    demoPages({
      demoRoot: options.demoRoot,
      frameRoot: options.frameRoot,
      storybookRoot: options.storybookRoot,
      // A person's page load is where a browser first shows up, so that is where its session (and MX user) is created;
      // an image, a fetch or a frame pointing at the page gets the page without one.
      onPageLoad: async (c, next) => {
        if (isPageLoad(c)) await sessions.ensure(c);
        await next();
      },
    }),
  );
  app.notFound((c) => c.json({ error: { message: 'Not found.' } }, 404));
  return app;
}

/** One MX user per demo visitor, under a random id of the demo's own (a partner would use its user's id). */
async function createVisitorUser(upstream: MxUpstream & { fetch: typeof fetch }, timeoutMs = 10_000): Promise<string> {
  try {
    return await ensureMxUser({
      ...upstream,
      id: `member-connect-demo-${crypto.randomUUID()}`,
      metadata: 'member-connect demo visitor',
      timeoutMs,
    });
  } catch (error) {
    console.error(`member-connect demo: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof MxUserError && error.reason === 'timeout') {
      throw new HTTPException(504, { message: 'MX did not create a user for this visit in time. Try again shortly.' });
    }
    throw new HTTPException(502, { message: 'The demo could not create a user at MX. See the server log.' });
  }
}
