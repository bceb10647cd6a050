import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';

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

/** The static partner pages, the iframe bundle and the Storybook catalogue. */
export function demoPages(options: DemoPagesOptions): Hono {
  const pages = new Hono();
  pages.get('/', options.onPageLoad);
  pages.get('/:page{.+\\.html}', options.onPageLoad);
  mountFolder(pages, '/frame', options.frameRoot);
  mountFolder(pages, '/storybook', options.storybookRoot);
  pages.use('/*', serveStatic({ root: options.demoRoot }));
  return pages;
}

function mountFolder(pages: Hono, prefix: string, root: string | undefined): void {
  if (root === undefined) return;
  pages.get(prefix, (c) => c.redirect(`${prefix}/`));
  pages.use(`${prefix}/*`, serveStatic({ root, rewriteRequestPath: (path) => path.slice(prefix.length) || '/' }));
}
