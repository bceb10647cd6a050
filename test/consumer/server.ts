// The server entries as a partner types them: proxy, session tokens, sandbox and the Node adapter.
import { createServer } from 'node:http';

import { toNodeHandler } from 'member-connect/node';
import { createSandbox } from 'member-connect/sandbox';
import { createConnectProxy, createSessionTokens, type SessionTokenResponse } from 'member-connect/server';

const sandbox = createSandbox();
const tokens = createSessionTokens({ secret: 'a-secret-of-at-least-thirty-two-characters!!' });
const proxy = createConnectProxy({
  baseUrl: 'http://127.0.0.1:8089',
  clientId: 'sandbox-client-id',
  apiKey: 'sandbox-api-key',
  authenticate: async () => 'USR-1',
});

export async function tokenBody(): Promise<SessionTokenResponse> {
  return { sessionToken: await tokens.issue('USR-1') };
}

createServer(toNodeHandler(sandbox));
createServer(toNodeHandler(proxy));

// @ts-expect-error the proxy needs an apiKey
createConnectProxy({ baseUrl: 'http://127.0.0.1:8089', clientId: 'x', authenticate: async () => null });
