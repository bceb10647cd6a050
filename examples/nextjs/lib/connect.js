// Shared by the route handlers: MX settings, the session-token signer and the proxy. MX here is the package's own
// sandbox (app/sandbox/[...path]/route.js); set MX_BASE_URL, MX_CLIENT_ID and MX_API_KEY for MX.
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from 'member-connect/sandbox';
import { bearerAuthenticate, createConnectProxy, createSessionTokens } from 'member-connect/server';

export const mx = {
  baseUrl: process.env.MX_BASE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}/sandbox`,
  clientId: process.env.MX_CLIENT_ID ?? SANDBOX_CLIENT_ID,
  apiKey: process.env.MX_API_KEY ?? SANDBOX_API_KEY,
};
export const tokens = createSessionTokens({
  secret: process.env.CONNECT_TOKEN_SECRET ?? 'example-secret-at-least-32-characters-long',
});
// Next.js hands route handlers the full URL, hence basePath.
export const proxy = createConnectProxy({ ...mx, authenticate: bearerAuthenticate(tokens), basePath: '/api/connect' });
