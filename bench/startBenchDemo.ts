import path from 'node:path';

import { createDemoServer } from '../src/server/demo/createDemoServer.ts';
import { createSandbox } from '../src/server/sandbox/index.ts';
import type { Listening } from './listenOnLoopback.ts';
import { listenOnLoopback } from './listenOnLoopback.ts';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from './sandboxAccess.ts';

export interface BenchDemo {
  /** The demo partner site (built pages, proxy at /api/connect). */
  url: string;
  /** The sandbox, on its own loopback port; the demo's proxy and the naive client both reach it through the demo. */
  sandboxUrl: string;
  stop: () => Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const WEBHOOK_AUTH = { username: 'mx-webhooks', password: 'bench-webhook-password-0123' };

/**
 * The built demo partner site (dist/demo, dist/frame) served by the demo's own server code, pointed at a sandbox
 * with the given aggregation phase length. The demo server treats it as an MX environment (`mx` option), so the
 * browser, the proxy and the sandbox are wired exactly as in `npm start`, with a controllable sandbox.
 */
export async function startBenchDemo(options: {
  aggregationMs: number;
  builtInSandbox?: boolean;
  /**
   * The proxy's status stream: `off` (404: the widget polls), `webhooks` (the sandbox posts MX webhooks to the proxy's
   * receiver, which tells the stream at once). @default the proxy's default: on, reading the sandbox every 3 s
   */
  statusStream?: 'off' | 'webhooks';
}): Promise<BenchDemo> {
  // The demo app needs its own public URL, known only once the port is chosen.
  const late: { app?: { fetch: (request: Request) => Response | Promise<Response> } } = {};
  const demo = await listenOnLoopback({
    fetch: (request) => (late.app ? late.app.fetch(request) : new Response('starting', { status: 503 })),
  });
  const webhooks = options.statusStream === 'webhooks';
  const sandbox: Listening = await listenOnLoopback(
    createSandbox({
      aggregationMs: options.aggregationMs,
      ...(webhooks ? { webhookUrl: `${demo.url}/api/connect/webhooks/mx`, webhookAuth: WEBHOOK_AUTH } : {}),
    }),
  );
  late.app = createDemoServer({
    publicUrl: demo.url,
    demoRoot: path.join(ROOT, 'dist/demo'),
    frameRoot: path.join(ROOT, 'dist/frame'),
    // `builtInSandbox`: exactly `npm start` (its own sandbox, logos from the same origin), for page weight.
    ...(options.builtInSandbox
      ? {}
      : { mx: { baseUrl: sandbox.url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY } }),
    ...(options.statusStream === 'off' ? { statusStream: { enabled: false } } : {}),
    ...(webhooks ? { statusStream: { webhook: WEBHOOK_AUTH } } : {}),
  });
  return {
    url: demo.url,
    sandboxUrl: sandbox.url,
    stop: async () => {
      await demo.close();
      await sandbox.close();
    },
  };
}
