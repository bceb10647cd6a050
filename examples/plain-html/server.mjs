// A plain HTML page with the classic-script SDK, served by Node's own http module: no framework, no other dependency.
// MX here is the package's own sandbox, mounted at /sandbox; set MX_BASE_URL, MX_CLIENT_ID and MX_API_KEY for MX.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createNodeTransport, toNodeHandler } from 'member-connect/node';
import { createSandbox, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from 'member-connect/sandbox';
import { bearerAuthenticate, createConnectProxy, createSessionTokens, ensureMxUser } from 'member-connect/server';

const port = Number(process.env.PORT ?? 3000);
const mx = {
  baseUrl: process.env.MX_BASE_URL ?? `http://127.0.0.1:${port}/sandbox`,
  clientId: process.env.MX_CLIENT_ID ?? SANDBOX_CLIENT_ID,
  apiKey: process.env.MX_API_KEY ?? SANDBOX_API_KEY,
};
const tokens = createSessionTokens({ secret: process.env.CONNECT_TOKEN_SECRET ?? 'example-secret-at-least-32-characters-long' });
const proxy = toNodeHandler(createConnectProxy({ ...mx, authenticate: bearerAuthenticate(tokens), transport: createNodeTransport() }));
const sandbox = toNodeHandler(createSandbox());
const frameDir = path.dirname(fileURLToPath(import.meta.resolve('member-connect/frame/index.html')));
const files = {
  '/': [path.join(import.meta.dirname, 'index.html'), 'text/html; charset=utf-8'],
  '/connect/sdk.js': [fileURLToPath(import.meta.resolve('member-connect/sdk/script')), 'text/javascript'],
};
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

/** Strips a mount prefix from the URL, the way Express's app.use does, and hands the request on. */
const mount = (prefix, handler) => (request, response) => {
  request.url = request.url.slice(prefix.length) || '/';
  handler(request, response);
};

createServer(async (request, response) => {
  const { pathname } = new URL(request.url, 'http://localhost');
  if (pathname.startsWith('/api/connect/')) return mount('/api/connect', proxy)(request, response);
  if (pathname.startsWith('/sandbox/') && !process.env.MX_BASE_URL) return mount('/sandbox', sandbox)(request, response);
  if (pathname === '/connect-token') {
    // Your signed-in user → their MX user (created once) → a short-lived token: `{ sessionToken }`.
    const userGuid = await ensureMxUser({ ...mx, id: 'example-user-1' }); // your own user id here
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    return response.end(JSON.stringify({ sessionToken: await tokens.issue(userGuid) }));
  }
  let file = files[pathname];
  if (!file && pathname.startsWith('/connect/frame/')) {
    const name = path.normalize(pathname.slice('/connect/frame/'.length) || 'index.html');
    if (!name.startsWith('..')) file = [path.join(frameDir, name), TYPES[path.extname(name)] ?? 'application/octet-stream'];
  }
  try {
    if (!file) throw new Error('not found');
    const body = await readFile(file[0]);
    response.writeHead(200, { 'content-type': file[1] }).end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  }
}).listen({ port, host: '127.0.0.1', backlog: 1024 }, () => console.log(`listening on http://127.0.0.1:${port}`)); // backlog ≥ the proxy's maxInFlight
