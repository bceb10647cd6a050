// One proxy instance as its own process for the status-stream fan-out test: MX is a sandbox served over loopback by
// the test (SANDBOX_URL), Redis carries the status bus, MX's webhooks are received with WEBHOOK_USER/PASSWORD. Prints
// "listening <port>" when ready.
import { createServer } from 'node:http';

import { createClient } from 'redis';

import { bearerAuthenticate, createConnectProxy, createSessionTokens } from '../../../src/server/index.ts';
import { toNodeHandler } from '../../../src/server/node.ts';
import { createRedisStatusBus } from '../../../src/server/redis/index.ts';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../../src/server/sandbox/index.ts';

const redis = createClient({
  url: process.env.REDIS_URL,
  disableOfflineQueue: true,
  socket: { reconnectStrategy: () => 50 },
});
redis.on('error', () => {}); // the bus reports an outage through isConnected() and failed publishes
await redis.connect();
const subscriber = redis.duplicate();
subscriber.on('error', () => {});
await subscriber.connect();

const proxy = createConnectProxy({
  baseUrl: process.env.SANDBOX_URL!,
  clientId: SANDBOX_CLIENT_ID,
  apiKey: SANDBOX_API_KEY,
  authenticate: bearerAuthenticate(createSessionTokens({ secret: process.env.TOKEN_SECRET! })),
  statusStream: {
    webhook: { username: process.env.WEBHOOK_USER!, password: process.env.WEBHOOK_PASSWORD! },
    bus: createRedisStatusBus({ publisher: redis, subscriber }, { timeoutMs: 500 }),
  },
});

const server = createServer(toNodeHandler(proxy));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address !== null ? address.port : 0}`);
});
