// The watcher's upstream status read is aborted when the last browser leaves: MX's connection closes then, not at the
// proxy's deadline. MX is the real sandbox behind a real loopback HTTP server that can hold status reads unanswered,
// with both transports (the default over `fetch`, and the lean Node one).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { UpstreamTransport } from '../../../src/server/index.ts';
import { createNodeTransport } from '../../../src/server/node.ts';
import { createSandboxProxy, createUpstream, memberWebhook, readEvents, WEBHOOK } from './sandboxProxyKit.ts';

const upstream = createUpstream({ aggregationMs: 60_000 });

/** Status reads are held (never answered) while `holding`; each held one is kept with a promise of its closing. */
let holding = false;
const held: { closed: Promise<void> }[] = [];

async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  const answer = await upstream.sandbox.request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers,
    body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
  });
  res.writeHead(answer.status, Object.fromEntries(answer.headers));
  res.end(Buffer.from(await answer.arrayBuffer()));
}

const server = createServer((req, res) => {
  if (holding && req.url?.endsWith('/status')) {
    // Closed by the client before any answer: the only way this response ends, as it is never answered.
    held.push({ closed: new Promise((resolve) => res.on('close', () => resolve())) });
    return;
  }
  void forward(req, res);
});
let origin = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the watcher’s upstream read when the last stream leaves', () => {
  const nodeTransport = createNodeTransport();
  afterAll(() => nodeTransport.close());

  it.each<[string, UpstreamTransport | undefined]>([
    ['the default fetch transport', undefined],
    ['createNodeTransport', nodeTransport],
  ])(
    'is aborted, closing the upstream request (%s)',
    async (_name, transport) => {
      holding = false;
      held.length = 0;
      const alice = await upstream.createUser();
      const member = await upstream.createMember(alice);
      const proxy = createSandboxProxy(upstream, () => alice, {
        baseUrl: origin,
        // The kit's in-process fetch is replaced by the network: the global fetch, or the transport.
        ...(transport === undefined ? { fetch: globalThis.fetch } : { fetch: undefined, transport }),
        // Far past the test's own timeout: only the abort can close the held read in time.
        timeoutMs: 120_000,
        statusStream: { webhook: WEBHOOK },
      });

      const events = readEvents((await proxy.stream(member)).body);
      expect((await events.nextStatus())?.member.connection_status).toBe('CREATED');

      // A webhook makes the watcher read at once; MX holds that read.
      holding = true;
      expect((await proxy.webhook(memberWebhook(alice, member))).status).toBe(200);
      while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));

      await events.cancel();
      await held[0]!.closed;
      expect(held).toHaveLength(1);

      // The next stream starts from a fresh read, answered.
      holding = false;
      const again = readEvents((await proxy.stream(member)).body);
      expect((await again.nextStatus())?.member.connection_status).toBe('CREATED');
      await again.cancel();
    },
    20_000,
  );
});
