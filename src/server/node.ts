// Entry `member-connect/node`: Node-only pieces, kept apart from `member-connect/server` so that edge runtimes never
// load `node:http`: the bridge that mounts a fetch-style app on node:http/Express, and the proxy's lean upstream
// transport.
// `toNodeHandler` mounts any fetch-style app (the proxy, the sandbox: both are Hono apps) on Node's
// `http` server or on Express/Connect, with no dependency at all (issue 14: partners otherwise need
// `@hono/node-server`, which the package neither declared nor mentioned). Node 20+ has Request, Response and
// web streams built in, so the bridge is only the translation below.
/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type { NodeTransport, NodeTransportOptions } from './proxy/nodeTransport.ts';
export { createNodeTransport } from './proxy/nodeTransport.ts';

/** Anything with a Web-standard `fetch(request)`: a Hono app, `createConnectProxy()`, `createSandbox()`. */
export interface FetchApp {
  fetch: (request: Request, env: NodeEnv) => Response | Promise<Response>;
}

/**
 * What the app gets as its `env`, the same shape `@hono/node-server` passes: the proxy's default `clientKey` reads the
 * client's address from `incoming.socket` for its per-client bank-login limit.
 */
export interface NodeEnv {
  incoming: IncomingMessage;
  outgoing: ServerResponse;
}

/** A Node `request` listener that is also Express/Connect middleware (errors go to `next` when there is one). */
export type NodeHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/**
 * Wraps a fetch-style app for `node:http` or Express. Under Express, `app.use('/api/connect', toNodeHandler(proxy))`
 * hands the app the path below the mount point (Express's `req.url`), which is what the proxy and sandbox expect.
 * @example
 * import { createServer } from 'node:http';
 * createServer(toNodeHandler(createSandbox())).listen(8089);
 */
export function toNodeHandler(app: FetchApp): NodeHandler {
  return (request, response, next) => {
    forward(app, request, response).catch((error: unknown) => {
      // A client that went away mid-answer is not an error of the app.
      if (response.destroyed) return;
      if (next) return next(error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Internal Server Error');
    });
  };
}

async function forward(app: FetchApp, request: IncomingMessage, response: ServerResponse): Promise<void> {
  // The URL the browser used, as far as this server can see it: its Host header and whether the socket is TLS. A
  // TLS-terminating proxy in front changes that; the connect proxy's own options say how to trust it.
  const scheme = 'encrypted' in request.socket && request.socket.encrypted ? 'https' : 'http';
  const url = new URL(request.url ?? '/', `${scheme}://${request.headers.host ?? 'localhost'}`);

  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    // HTTP/2 pseudo-headers (`:path`) are not headers a Request may carry.
    if (value === undefined || name.startsWith(':')) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }

  // The app sees the client going away (a closed tab mid-poll) as an aborted request.
  const controller = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) controller.abort();
  });

  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const answer = await app.fetch(
    new Request(url, {
      method: request.method,
      headers,
      signal: controller.signal,
      // Streamed, not buffered: the app applies its own body limits while reading.
      body: hasBody ? (Readable.toWeb(request) as ReadableStream<Uint8Array>) : undefined,
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit),
    { incoming: request, outgoing: response },
  );

  const outgoing: Record<string, string | string[]> = {};
  answer.headers.forEach((value, name) => {
    if (name !== 'set-cookie') outgoing[name] = value;
  });
  // Several cookies must stay several headers; `Headers` would join them with commas.
  const cookies = answer.headers.getSetCookie();
  if (cookies.length) outgoing['set-cookie'] = cookies;
  response.writeHead(answer.status, answer.statusText, outgoing);
  // An event stream may say nothing for a while (the status stream, resumed with Last-Event-ID): its headers leave now
  // rather than with the first event, so the client knows at once that it is connected.
  if (answer.headers.get('content-type')?.startsWith('text/event-stream') === true) response.flushHeaders();

  if (!answer.body || request.method === 'HEAD') {
    response.end();
    return;
  }
  // pipeline keeps back-pressure and cancels the app's stream when the client goes away.
  await pipeline(Readable.fromWeb(answer.body as Parameters<typeof Readable.fromWeb>[0]), response);
}
