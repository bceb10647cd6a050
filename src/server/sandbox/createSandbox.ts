// The MX Platform API (v20111101) emulator as a Hono app. Web-standard APIs only: it answers in Node, jsdom and an
// MSW service worker alike. Facts it follows: ../shared/docs/mx-platform.md; contract: ../shared/spec/v20111101.yml.
// This file composes it: public browser routes, then MX's auth/Accept guard, the user and member loaders, and one
// sub-app per resource (routes/*), all over one store.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';

import { getCatalogue } from './catalogue.ts';
import type { SandboxDeps, SandboxEnv } from './context.ts';
import { applyFault, loadMember, loadUser, MX_MEDIA_TYPE } from './context.ts';
import { FAULT_HEADER, malformed, parseFaultHeader } from './faults.ts';
import { accountsRoutes } from './routes/accounts.ts';
import { challengesRoutes } from './routes/challenges.ts';
import { institutionAssetRoutes, institutionsRoutes } from './routes/institutions.ts';
import { membersRoutes } from './routes/members.ts';
import { oauthApiRoutes, oauthPageRoutes } from './routes/oauth.ts';
import { transactionsRoutes } from './routes/transactions.ts';
import { usersRoutes } from './routes/users.ts';
import type { SandboxLimits } from './store.ts';
import { SandboxStore } from './store.ts';
import type { WebhookOptions } from './webhooks.ts';
import { checkWebhookOptions, createMemberEvents, createWebhookSender, NO_EVENTS } from './webhooks.ts';

export interface SandboxOptions {
  /** Basic-auth user name. Defaults to `'sandbox-client-id'`. */
  clientId?: string;
  /** Basic-auth password. Defaults to `'sandbox-api-key'`. */
  apiKey?: string;
  /**
   * How long one aggregation phase takes, in ms (0 to 10 minutes; 0 connects at once). A plain connect takes two
   * phases. Defaults to 1500; try 8000 to see a slow bank and polling at MX's real pace.
   */
  aggregationMs?: number;
  /** An unanswered challenge ends EXPIRED after this many ms (1 ms to 24 hours). Defaults to 5 minutes. */
  challengeExpiryMs?: number;
  /** Injectable clock (ms since epoch). State is derived from it lazily on each request: no timers. */
  now?: () => number;
  /** How a delay fault waits. Defaults to `setTimeout`; tests inject their own. */
  sleep?: (ms: number) => Promise<void>;
  /** Bounds on what the sandbox keeps in memory (see docs/sandbox.md). */
  limits?: SandboxLimits;
  /**
   * Where browsers reach the sandbox, for the URLs it builds (logos, site-key pictures, `oauth_window_uri` and the
   * consent page's links). Not needed with Hono's `app.route('/mx', sandbox)`, which the sandbox sees; needed when
   * the prefix is stripped before the sandbox sees the request (`app.mount`, Express `app.use('/mx', …)`, a
   * path-rewriting reverse proxy). A path (`'/mx'`) keeps the request's origin; an absolute URL
   * (`'https://bank.example/mx'`) sets the origin too.
   * @example createSandbox({ basePath: '/mx' })
   */
  basePath?: string;
  /**
   * Where to POST MX-format webhooks (MEMBER, CONNECTION_STATUS, AGGREGATION, VERIFICATION) as members change. Off by
   * default. User info in the URL (`http://user:pass@host/path`) is sent as HTTP Basic instead, like `webhookAuth`.
   */
  webhookUrl?: string;
  /** HTTP Basic credentials for the webhook endpoint (MX's usual way to authenticate its webhooks). */
  webhookAuth?: { username: string; password: string };
  /** Delays before retrying a failed webhook delivery (network error, 429, 5xx). Defaults to `[1000, 5000]`. */
  webhookRetryDelaysMs?: readonly number[];
}

/** `basePath`, checked and without a trailing slash ('' for the root). */
function checkedBasePath(basePath: string | undefined): string | undefined {
  if (basePath === undefined) return undefined;
  const absolute = /^https?:\/\//.test(basePath);
  const path = absolute ? URL.canParse(basePath) && new URL(basePath).pathname : basePath;
  if (
    typeof path !== 'string' ||
    !path.startsWith('/') ||
    /[?#\s]/.test(basePath) ||
    path.includes('//') ||
    (absolute && new URL(basePath).username)
  ) {
    throw new TypeError(
      `createSandbox: basePath must be a path such as "/mx" or an absolute http(s) URL such as "https://bank.example/mx" (got "${basePath}").`,
    );
  }
  return basePath.replace(/\/+$/, '');
}

/** The webhook option, with credentials moved out of the URL (fetch refuses URLs that carry them). */
function webhookOptions(options: SandboxOptions): WebhookOptions | null {
  if (options.webhookUrl === undefined) return null;
  let url: URL;
  try {
    url = new URL(options.webhookUrl);
  } catch {
    throw new TypeError(`createSandbox: webhookUrl must be an absolute http(s) URL (got "${options.webhookUrl}").`);
  }
  const fromUrl = url.username
    ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
    : undefined;
  url.username = '';
  url.password = '';
  const auth = options.webhookAuth ?? fromUrl;
  const webhook: WebhookOptions = {
    url: url.href,
    ...auth,
    ...(options.webhookRetryDelaysMs ? { retryDelaysMs: options.webhookRetryDelaysMs } : {}),
  };
  checkWebhookOptions(webhook);
  return webhook;
}

export const SANDBOX_CLIENT_ID = 'sandbox-client-id';
export const SANDBOX_API_KEY = 'sandbox-api-key';

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A duration option, checked: a typo (NaN, a negative, seconds for ms) fails at startup instead of stalling members. */
function duration(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(
      `createSandbox: ${name} must be a number of milliseconds from ${min} to ${max} (got ${String(value)}).`,
    );
  }
  return value;
}

export function createSandbox(options: SandboxOptions = {}): Hono<SandboxEnv> {
  const expectedAuth = `Basic ${btoa(`${options.clientId ?? SANDBOX_CLIENT_ID}:${options.apiKey ?? SANDBOX_API_KEY}`)}`;
  const store = new SandboxStore(options.limits);
  const timing = {
    // 0 connects at the first status read: what tests and a demo without waiting want.
    aggregationMs: duration('aggregationMs', options.aggregationMs, 1500, 0, 10 * 60 * 1000),
    challengeExpiryMs: duration('challengeExpiryMs', options.challengeExpiryMs, 5 * 60 * 1000, 1, 24 * 60 * 60 * 1000),
  };
  const now = options.now ?? Date.now;
  const webhook = webhookOptions(options);
  const deps: SandboxDeps = {
    store,
    catalogue: getCatalogue(),
    timing,
    now,
    sleep: options.sleep ?? defaultSleep,
    basePath: checkedBasePath(options.basePath),
    events: webhook ? createMemberEvents(createWebhookSender(webhook, now), { store, now, timing }) : NO_EVENTS,
  };

  const app = new Hono<SandboxEnv>();

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const headers = new Headers(error.res?.headers);
      headers.set('Content-Type', MX_MEDIA_TYPE);
      return new Response(JSON.stringify({ error: { message: error.message } }), { status: error.status, headers });
    }
    console.error('sandbox: unexpected error', error instanceof Error ? error.message : 'unknown');
    return c.body(JSON.stringify({ error: { message: 'Internal server error.' } }), 500, {
      'Content-Type': MX_MEDIA_TYPE,
    });
  });

  // Every route, the unauthenticated consent form included, refuses a large body with 413 instead of buffering it
  // (Content-Length is checked up front; a chunked body is counted as it streams in).
  app.use(
    '*',
    bodyLimit({
      maxSize: store.limits.maxBodyBytes,
      onError: () => {
        throw new HTTPException(413, {
          message: `The request body is larger than ${store.limits.maxBodyBytes} bytes.`,
        });
      },
    }),
  );

  // Public browser routes first (no Basic auth: a browser opens them); they answer before the guard below runs.
  app.route('/', oauthPageRoutes(deps));
  app.route('/', institutionAssetRoutes(deps));

  // Everything else is the MX API: faults, Basic auth, the versioned Accept header, X-CALLBACK-PAYLOAD.
  app.use('*', async (c, next) => {
    for (const fault of parseFaultHeader(c.req.header(FAULT_HEADER))) {
      const response = await applyFault(c, deps, fault);
      if (response) return response;
    }
    if (c.req.header('Authorization') !== expectedAuth) {
      throw new HTTPException(401, {
        message: 'Unauthorized: the client_id and api_key (HTTP Basic) are missing or invalid.',
        res: new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="MX Platform API"' } }),
      });
    }
    const accept = c.req.header('Accept') ?? '';
    if (!accept.split(',').some((part) => part.split(';')[0]?.trim().toLowerCase() === MX_MEDIA_TYPE)) {
      throw new HTTPException(406, {
        message: `Not Acceptable: no valid API version was requested; send the header "Accept: ${MX_MEDIA_TYPE}".`,
      });
    }
    const callback = c.req.header('X-CALLBACK-PAYLOAD');
    if (callback !== undefined && (callback.length > 1024 || !/^[A-Za-z0-9+/]*={0,2}$/.test(callback))) {
      throw new HTTPException(400, {
        message: 'X-CALLBACK-PAYLOAD must be a base64 string of at most 1024 characters.',
      });
    }
    await next();
    if (c.get('malformed')) c.res = await malformed(c.res);
  });

  // One user lookup and one member lookup (settled to now, institution fault applied) for every route below them.
  app.use('/users/:user_guid/*', loadUser(deps));
  app.use('/users/:user_guid/members/:member_guid/*', loadMember(deps));

  app.route('/', usersRoutes(deps));
  app.route('/', institutionsRoutes(deps));
  app.route('/', membersRoutes(deps));
  app.route('/', challengesRoutes(deps));
  app.route('/', oauthApiRoutes(deps));
  app.route('/', accountsRoutes(deps));
  app.route('/', transactionsRoutes(deps));

  // A catch-all instead of notFound(): a parent app that mounts the sandbox keeps its own notFound handler.
  app.all('*', () => {
    throw new HTTPException(404, { message: 'The requested resource was not found.' });
  });

  return app;
}
