import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';

/**
 * The demo's one error handler: `{ error: { message } }` like the proxy, or a small HTML page when a person's page
 * load failed (a JSON body in the browser window would read as a crash). Headers an `HTTPException` brings along
 * (`Retry-After`) are kept.
 */
export function demoError(error: Error, c: Context): Response {
  if (!(error instanceof HTTPException)) {
    console.error(error);
    return respond(c, 500, 'Internal server error.');
  }
  const response = respond(c, error.status, error.message);
  error.res?.headers.forEach((value, name) => {
    if (name.toLowerCase() !== 'content-type') response.headers.set(name, value);
  });
  return response;
}

/** A top-level page load (not a fetch, an image or a frame). Old clients without `Sec-Fetch-Dest` say so by `Accept`. */
export function isPageLoad(c: Context): boolean {
  if (c.req.method !== 'GET') return false;
  const destination = c.req.header('sec-fetch-dest');
  if (destination !== undefined) return destination === 'document';
  return (c.req.header('accept') ?? '').includes('text/html');
}

function respond(c: Context, status: HTTPException['status'], message: string): Response {
  if (!isPageLoad(c)) return c.json({ error: { message } }, status);
  const text = escapeHtml(message);
  return c.html(
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>member-connect demo</title><h1>${status}</h1><p>${text}</p></html>`,
    status,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
