import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';

import { compressOnce } from './compressOnce.ts';

export interface DemoPagesOptions {
  /** The built partner pages (`dist/demo`): served at `/`. */
  demoRoot: string;
  /** The built iframe bundle (`dist/frame`): served at `/frame/` when given. */
  frameRoot?: string;
  /** The static Storybook: served at `/storybook/` when given. */
  storybookRoot?: string;
  /** Runs before a partner page (HTML) is served: where a browser first shows up. */
  onPageLoad: MiddlewareHandler;
}

/** Vite's output: files under `assets/` are named by a content hash (`main-CIWOn-Kd.js`), so they never change. */
const HASHED_ASSET = /\/assets\/[^/]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;

/** The static partner pages, the iframe bundle and the Storybook catalogue, compressed and cached as a CDN would. */
export function demoPages(options: DemoPagesOptions): Hono {
  const pages = new Hono();
  pages.use('*', cacheControl);
  pages.use('*', compressOnce());
  pages.get('/', options.onPageLoad);
  pages.get('/:page{.+\\.html}', options.onPageLoad);
  mountFolder(pages, '/frame', options.frameRoot);
  mountFolder(pages, '/storybook', options.storybookRoot);
  pages.use('/*', serveStatic({ root: options.demoRoot }));
  return pages;
}

/**
 * Hashed assets are cached for a year without revalidation; everything else (the HTML that names them) is revalidated
 * on every load, so a new build is picked up at once. A response that starts a session is `private`: no shared cache
 * may hand its cookie to someone else.
 */
const cacheControl: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.status !== 200 || c.res.headers.has('cache-control')) return;
  if (HASHED_ASSET.test(c.req.path)) {
    c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
  } else {
    c.res.headers.set('Cache-Control', c.res.headers.has('set-cookie') ? 'private, no-cache' : 'no-cache');
  }
};

function mountFolder(pages: Hono, prefix: string, root: string | undefined): void {
  if (root === undefined) return;
  pages.get(prefix, (c) => c.redirect(`${prefix}/`));
  pages.use(`${prefix}/*`, serveStatic({ root, rewriteRequestPath: (path) => path.slice(prefix.length) || '/' }));
}
