// member-connect on Express 5: the proxy, a token endpoint, the frame bundle and a page that opens it with the SDK.
// MX here is the package's own sandbox, mounted at /sandbox; set MX_BASE_URL, MX_CLIENT_ID and MX_API_KEY for MX.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import express from 'express';
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
// On Node, the lean keep-alive transport to MX (edge runtimes keep the default fetch).
const proxy = createConnectProxy({ ...mx, authenticate: bearerAuthenticate(tokens), transport: createNodeTransport() });
const frameDir = path.dirname(fileURLToPath(import.meta.resolve('member-connect/frame/index.html')));
const sdkFile = fileURLToPath(import.meta.resolve('member-connect/sdk'));

const app = express();
// The proxy reads and checks the request body itself: mount it before any body parser.
app.use('/api/connect', toNodeHandler(proxy));
if (!process.env.MX_BASE_URL) app.use('/sandbox', toNodeHandler(createSandbox()));

// Your signed-in user → their MX user (created once) → a short-lived token: `{ sessionToken }`.
app.get('/connect-token', async (_request, response) => {
  const userGuid = await ensureMxUser({ ...mx, id: 'example-user-1' }); // your own user id here
  response.set('Cache-Control', 'no-store').json({ sessionToken: await tokens.issue(userGuid) });
});

app.use('/connect/frame', express.static(frameDir));
app.get('/connect/sdk.js', (_request, response) => response.sendFile(sdkFile));
app.use(express.static(path.join(import.meta.dirname, 'public')));

app.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
