// The demo (`npm start`) with the status stream on: its built-in sandbox posts MX webhooks to the proxy's receiver
// on the demo's own socket, with credentials made up at start, and a widget's stream follows them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDemoServer, DEMO_SESSION_COOKIE } from '../../../src/server/demo/createDemoServer.ts';
import type { ProxyLogEntry } from '../../../src/server/index.ts';
import { toNodeHandler } from '../../../src/server/node.ts';
import { MXBANK_LOGIN_GUID, MXBANK_PASSWORD_GUID } from '../../../src/server/sandbox/index.ts';
import { readEvents } from '../proxy/sandboxProxyKit.ts';

let root: string;
let server: Server;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'demo-stream-test-'));
  mkdirSync(path.join(root, 'demo'));
  writeFileSync(path.join(root, 'demo', 'index.html'), '<!doctype html><title>partner page</title>');
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe('the demo server’s status stream', () => {
  it('follows the built-in sandbox’s webhooks, received by the proxy with credentials made up at start', async () => {
    const handler: { handle?: ReturnType<typeof toNodeHandler> } = {};
    server = createServer((request, response) => handler.handle?.(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const logs: ProxyLogEntry[] = [];
    const app = createDemoServer({
      publicUrl: origin,
      demoRoot: path.join(root, 'demo'),
      webhookOrigin: origin,
      sandboxAggregationMs: 300,
      logger: (entry) => logs.push(entry),
    });
    handler.handle = toNodeHandler(app);

    const page = await fetch(`${origin}/`, {
      headers: { Accept: 'text/html', 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' },
    });
    const cookie = new RegExp(`${DEMO_SESSION_COOKIE}=[^;]+`).exec(page.headers.get('set-cookie') ?? '')?.[0] ?? '';
    expect(cookie).not.toBe('');
    const widget = { 'X-Member-Connect': '1', Cookie: cookie };
    const created = await fetch(`${origin}/api/connect/members`, {
      method: 'POST',
      headers: { ...widget, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        member: {
          institution_code: 'mxbank',
          credentials: [
            { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
            { guid: MXBANK_PASSWORD_GUID, value: `pw-${crypto.randomUUID()}` },
          ],
        },
      }),
    });
    expect(created.status).toBe(202);
    const guid = ((await created.json()) as { member: { guid: string } }).member.guid;

    const response = await fetch(`${origin}/api/connect/members/${guid}/status/stream`, {
      headers: { ...widget, Accept: 'text/event-stream' },
    });
    expect(response.status).toBe(200);
    const events = readEvents(response.body);
    const seen: Record<string, unknown>[] = [];
    for (let event = await events.nextStatus(); event !== null; event = await events.nextStatus()) {
      seen.push(event.member);
    }
    // With webhooks the watcher polls only every 30 s: the end of a 600 ms job arrived through a webhook.
    expect(seen.at(-1)).toMatchObject({ guid, connection_status: 'CONNECTED', is_being_aggregated: false });
    const received = logs.filter((entry) => entry.route === '/webhooks/mx');
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((entry) => entry.status === 200)).toBe(true);
  }, 20_000);
});
