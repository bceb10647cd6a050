// `npm start`: serves the built demo partner site (dist/demo, dist/frame) with the proxy and the sandbox on one port.
// Built to dist/node/demo.js by vite.config.ts (--mode node); the page folders are found relative to that file.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { NodeEnv } from '../node.ts';
import { toNodeHandler } from '../node.ts';
import { createDemoServer } from './createDemoServer.ts';
import type { DemoConfig } from './demoConfig.ts';
import { DemoConfigError, readDemoConfig } from './demoConfig.ts';

const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demoRoot = path.join(distDir, 'demo');
const frameRoot = path.join(distDir, 'frame');
const storybookRoot = path.resolve(distDir, '..', 'storybook-static');

const config = loadConfig();

if (!existsSync(path.join(demoRoot, 'index.html'))) {
  console.error(
    `member-connect demo: ${demoRoot}/index.html is missing. Run \`npm run build\` first (npm start does).`,
  );
  process.exit(1);
}

// The app needs the URL browsers will use (the sandbox's OAuth links point at it), and with PORT=0 that is known only
// once the socket listens, so requests go to a handler that is set right after listening.
let handle: ((request: Request, env: NodeEnv) => Response | Promise<Response>) | undefined;
// On member-connect/node's bridge, as a partner's Node backend runs the proxy.
const server = createServer(
  toNodeHandler({
    // `env` carries the socket: the demo needs the client's address (sessions are bound to it and rate-limited by it).
    fetch: (request, env) =>
      handle ? handle(request, env) : new Response('Starting, try again in a moment.', { status: 503 }),
  }),
);

server.on('error', (error) => {
  console.error(`member-connect demo: cannot listen on ${config.host}:${config.port}: ${error.message}`);
  process.exit(1);
});

// The listen backlog: connections the kernel holds until Node takes them. At least the proxy's maxInFlight (1,024), so a
// burst reaches the proxy and is shed with a 503 rather than dropped by the kernel (Node's default is 511).
const LISTEN_BACKLOG = 1024;

server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => {
  const { port } = server.address() as AddressInfo;
  const browsableHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const hostInUrl = browsableHost.includes(':') ? `[${browsableHost}]` : browsableHost;
  const publicUrl = config.publicUrl ?? `http://${hostInUrl}:${port}`;
  const app = createDemoServer({
    publicUrl,
    // Besides the public URL's host and the loopback names: the bound address(es), as a browser on the LAN types them.
    hosts: [...boundAddresses(config.host), 'localhost', '127.0.0.1', '[::1]'].map((name) => `${name}:${port}`),
    trustProxy: config.trustProxy,
    demoRoot,
    frameRoot: existsSync(frameRoot) ? frameRoot : undefined,
    storybookRoot: existsSync(storybookRoot) ? storybookRoot : undefined,
    mx: config.mx,
    publicSandbox: config.publicSandbox,
    sandboxAggregationMs: config.sandboxAggregationMs,
    // The socket itself, never the public URL: webhooks stay on this machine whatever is in front of it.
    webhookOrigin: `http://${hostInUrl}:${port}`,
    logger: (entry) =>
      console.log(
        `proxy ${entry.method} ${entry.route} ${entry.status} ${entry.durationMs}ms` +
          (entry.reason === undefined ? '' : ` (${entry.reason})`),
      ),
  });
  handle = (request, env) => app.fetch(request, env);

  const lines = [
    `member-connect demo: ${publicUrl}/`,
    '',
    config.mx
      ? `Upstream: MX at ${config.mx.baseUrl} (client id ${config.mx.clientId}).`
      : 'Upstream: the built-in MX sandbox, in-process. Its API is not on the network (DEMO_PUBLIC_SANDBOX=1 serves it).',
    ...(config.publicSandbox ? publicSandboxWarning(publicUrl, config.host) : []),
    '',
    'Sandbox test credentials (search "MX Bank"):',
    '  username mxuser, any password       -> connects',
    '  username mxuser, password INVALID   -> the bank rejects the credentials',
    '  more scenario passwords (MFA, LOCKED, OAuth, ...): docs/sandbox.md',
  ];
  console.log(lines.join('\n'));
});

const stop = () => {
  server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/** The addresses a browser may use to reach HOST: every interface's when bound to all of them. */
function boundAddresses(host: string): string[] {
  const all = host === '0.0.0.0' || host === '::';
  const addresses = all
    ? Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address))
    : [host];
  return addresses.map((address) => (address.includes(':') ? `[${address}]` : address));
}

function publicSandboxWarning(publicUrl: string, host: string): string[] {
  return [
    '',
    '!!! DEMO_PUBLIC_SANDBOX=1: the sandbox MX API is PUBLIC at ' + `${publicUrl}/sandbox (bound to ${host}).`,
    "!!! Anyone who can reach this port can list, read, change and delete EVERY visitor's user and members with the",
    '!!! well-known client id sandbox-client-id and API key sandbox-api-key.',
  ];
}

function loadConfig(): DemoConfig {
  try {
    return readDemoConfig(process.env);
  } catch (error) {
    if (!(error instanceof DemoConfigError)) throw error;
    console.error(`member-connect demo: ${error.message}`);
    process.exit(1);
  }
}
