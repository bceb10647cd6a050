// One proxy instance as its own process, as a partner deploys it behind a load balancer: the real sandbox as MX,
// Redis for the shared stores, a sign-out route that revokes the caller's token. Prints "listening <port>" when ready.
import { createServer } from 'node:http';

import { createClient } from 'redis';

import { bearerAuthenticate, createConnectProxy, createSessionTokens } from '../../../src/server/index.ts';
import { toNodeHandler } from '../../../src/server/node.ts';
import { createRedisRateLimitStore, createRedisRevocationStore } from '../../../src/server/redis/index.ts';
import { createSandbox, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../../src/server/sandbox/index.ts';

const redis = createClient({
  url: process.env.REDIS_URL,
  disableOfflineQueue: true,
  socket: { reconnectStrategy: () => 50 },
});
redis.on('error', () => {}); // the stores report failures per request
await redis.connect();

const sandbox = createSandbox({ aggregationMs: 10 });
const tokens = createSessionTokens({
  secret: process.env.TOKEN_SECRET!,
  revocationStore: createRedisRevocationStore(redis),
});
const proxy = createConnectProxy({
  baseUrl: 'http://sandbox.test',
  clientId: SANDBOX_CLIENT_ID,
  apiKey: SANDBOX_API_KEY,
  fetch: sandbox.request,
  authenticate: bearerAuthenticate(tokens),
  rateLimit: { search: { limit: Number(process.env.SEARCH_LIMIT), windowMs: 60_000 } },
  rateLimitStore: createRedisRateLimitStore(redis),
});
const proxyHandler = toNodeHandler(proxy);

const server = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/signout') {
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    tokens.revoke(token).then(
      (revoked) => response.writeHead(revoked ? 204 : 400).end(),
      () => response.writeHead(503).end(),
    );
    return;
  }
  proxyHandler(request, response);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address !== null ? address.port : 0}`);
});
