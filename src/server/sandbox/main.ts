// `npm run sandbox`: the sandbox as a standalone MX-compatible server for any MX client. Honours PORT and HOST.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// Our own zero-dependency adapter, so the published `npx member-connect-sandbox` bin needs nothing else installed.
import { toNodeHandler } from '../node.ts';
import { createSandbox, MX_MEDIA_TYPE, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from './index.ts';

const port = Number(process.env.PORT ?? 8089);
const hostname = process.env.HOST ?? '127.0.0.1';

const server = createServer(toNodeHandler(createSandbox()));
server.listen(port, hostname, () => {
  const info = server.address() as AddressInfo;
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  const baseUrl = `http://${host}:${info.port}`;
  console.log(`MX sandbox (v20111101) listening at ${baseUrl}`);
  console.log(`  base URL:  ${baseUrl}`);
  console.log(`  client id: ${SANDBOX_CLIENT_ID}`);
  console.log(`  API key:   ${SANDBOX_API_KEY}`);
  console.log(`  Accept:    ${MX_MEDIA_TYPE}`);
  console.log('  MX Bank:   institution "mxbank", username "mxuser" (see docs/sandbox.md for the scenario passwords)');
  console.log('  State is kept in memory and lost when the server stops.');
});

const stop = (): void => {
  server.close(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
