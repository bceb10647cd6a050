import type { Context } from 'hono';
import { Hono } from 'hono';

import { createSandbox } from '../sandbox/index.ts';

export const SANDBOX_PATH = '/sandbox';

/**
 * The sandbox routes a browser opens itself: the OAuth consent page, its decision form and assets, institution logos and
 * site-key pictures. They carry no MX credentials and reach no user by guid. Everything else under `/sandbox` is the
 * MX API, which the proxy reaches in-process.
 */
const BROWSER_ROUTES = [
  ['GET', '/oauth/consent.js'],
  ['GET', '/oauth/complete.js'],
  ['GET', '/oauth/consent.css'],
  ['GET', '/oauth/authorize/:token'],
  ['POST', '/oauth/decision'],
  ['GET', '/logos/:file'],
  ['GET', '/sitekeys/:file'],
] as const;

export interface SandboxMount {
  /** The routes the demo serves at `/sandbox`. */
  routes: Hono;
  /** The sandbox reached in-process, as the proxy's upstream `fetch`: no socket, and no demo middleware on the way. */
  fetch: typeof fetch;
}

/**
 * The built-in MX emulator of `npm start`. Its API holds every visitor's user and members behind one well-known
 * Basic-auth pair, so it is on the network only when `publicApi` is set; the browser routes always are.
 */
export function createSandboxMount(options: {
  publicApi: boolean;
  aggregationMs?: number;
  /** Where the sandbox posts its MX webhooks, with HTTP Basic credentials: the proxy's receiver. */
  webhook?: { url: string; username: string; password: string };
}): SandboxMount {
  const { webhook } = options;
  // Rooted at /sandbox so the sandbox sees the same URLs in-process as over the network (it builds its logo and OAuth
  // links from them).
  const host = new Hono().route(
    SANDBOX_PATH,
    createSandbox({
      aggregationMs: options.aggregationMs,
      ...(webhook === undefined
        ? {}
        : { webhookUrl: webhook.url, webhookAuth: { username: webhook.username, password: webhook.password } }),
    }),
  );
  const forward = (c: Context) => host.fetch(c.req.raw);
  const routes = new Hono();
  if (options.publicApi) routes.all('*', forward);
  else for (const [method, path] of BROWSER_ROUTES) routes.on(method, path, forward);
  return {
    routes,
    fetch: async (input, init) => host.fetch(new Request(input, init)),
  };
}
