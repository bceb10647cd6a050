// `npm run sandbox` and the `member-connect-sandbox` bin: the sandbox as a standalone MX-compatible server for any MX
// client. Honours PORT and HOST, and the flags in cli.ts (`npm run sandbox -- --help`).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// Our own zero-dependency adapter, so the published `npx member-connect-sandbox` bin needs nothing else installed.
import { toNodeHandler } from '../node.ts';
import { parseSandboxArgs, SANDBOX_USAGE } from './cli.ts';
import type { SandboxOptions } from './index.ts';
import { createSandbox, MX_MEDIA_TYPE, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from './index.ts';

let options: SandboxOptions;
let sandbox: ReturnType<typeof createSandbox>;
try {
  const parsed = parseSandboxArgs(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(SANDBOX_USAGE);
    process.exit(0);
  }
  options = parsed;
  sandbox = createSandbox(options);
} catch (error) {
  console.error(`sandbox: ${error instanceof Error ? error.message : String(error)}\n${SANDBOX_USAGE}`);
  process.exit(2);
}

const port = Number(process.env.PORT ?? 8089);
const hostname = process.env.HOST ?? '127.0.0.1';

const server = createServer(toNodeHandler(sandbox));
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
  console.log(
    `  timing:    aggregation phase ${options.aggregationMs ?? 1500} ms, challenge expiry ${options.challengeExpiryMs ?? 300_000} ms`,
  );
  if (options.webhookUrl !== undefined) {
    // Never print the credentials a webhook URL may carry.
    const target = new URL(options.webhookUrl);
    console.log(`  webhooks:  POST to ${target.origin}${target.pathname}${target.username ? ' (HTTP Basic)' : ''}`);
  }
  console.log('  State is kept in memory and lost when the server stops.');
});

const stop = (): void => {
  server.close(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
