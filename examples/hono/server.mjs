// member-connect on Hono (Node): the proxy and sandbox are Hono apps, so they mount with app.route.
// MX here is the package's own sandbox, mounted at /sandbox; set MX_BASE_URL, MX_CLIENT_ID and MX_API_KEY for MX.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
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
const frameDir = path.dirname(fileURLToPath(import.meta.resolve('member-connect/frame/index.html')));
const sdkFile = fileURLToPath(import.meta.resolve('member-connect/sdk'));

const app = new Hono();
// On Node, the lean keep-alive transport to MX (edge runtimes keep the default fetch).
app.route('/api/connect', createConnectProxy({ ...mx, authenticate: bearerAuthenticate(tokens), transport: createNodeTransport() }));
if (!process.env.MX_BASE_URL) app.route('/sandbox', createSandbox());

// Your signed-in user → their MX user (created once) → a short-lived token: `{ sessionToken }`.
app.get('/connect-token', async (c) => {
  const userGuid = await ensureMxUser({ ...mx, id: 'example-user-1' }); // your own user id here
  c.header('Cache-Control', 'no-store');
  return c.json({ sessionToken: await tokens.issue(userGuid) });
});

app.use('/connect/frame/*', serveStatic({ root: path.relative(process.cwd(), frameDir), rewriteRequestPath: (p) => p.replace(/^\/connect\/frame/, '') }));
app.get('/connect/sdk.js', async (c) => c.body(await readFile(sdkFile), 200, { 'Content-Type': 'text/javascript' }));
app.get('/', async (c) => c.html(await readFile(path.join(import.meta.dirname, 'index.html'), 'utf8')));

// The whole Hono app on node:http through member-connect/node's bridge (@hono/node-server's `serve` works too).
createServer(toNodeHandler(app)).listen({ port, host: '127.0.0.1', backlog: 1024 }, () => console.log(`listening on http://127.0.0.1:${port}`));
