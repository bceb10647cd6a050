import { Hono } from 'hono';

import { createSandbox } from '../sandbox/index.ts';

export const SANDBOX_PATH = '/sandbox';

export interface SandboxMount {
  /** The routes the demo serves at `/sandbox`. */
  routes: Hono;
  /** The sandbox reached in-process, as the proxy's upstream `fetch`: no socket, and no demo middleware on the way. */
  fetch: typeof fetch;
}

/** The built-in MX emulator of `npm start`, at `/sandbox`. */
export function createSandboxMount(): SandboxMount {
  // Rooted at /sandbox so the sandbox sees the same URLs in-process as over the network (it builds its logo and OAuth
  // links from them).
  const host = new Hono().route(SANDBOX_PATH, createSandbox());
  const routes = new Hono().all('*', (c) => host.fetch(c.req.raw));
  return {
    routes,
    fetch: async (input, init) => host.fetch(new Request(input, init)),
  };
}
