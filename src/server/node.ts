// Entry `member-connect/node`: Node-only pieces, kept apart from `member-connect/server` so that edge runtimes never
// load `node:http`: the bridge that mounts a fetch-style app on node:http/Express, and the proxy's lean upstream
// transport.
// `toNodeHandler` mounts any fetch-style app (the proxy, the sandbox: both are Hono apps) on Node's
// `http` server or on Express/Connect, with no dependency at all (issue 14: partners otherwise need
// `@hono/node-server`, which the package neither declared nor mentioned). It is also the lean one (issue 16): the app
// gets a Request built lazily over Node's (nodeRequest.ts), and answers whose body is a known string go straight to
// `writeHead` + `end` (rawAnswer.ts); only a real stream is read as one.
/// <reference types="node" />
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

import { nodeRequest } from './nodeRequest.ts';
import type { RawAnswerParts } from './rawAnswer.ts';
import { acceptRawAnswers, rawAnswerParts, settledResponse } from './rawAnswer.ts';

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

class BridgeEnv implements NodeEnv {
  constructor(
    readonly incoming: IncomingMessage,
    readonly outgoing: ServerResponse,
  ) {}
}
// The proxy's answers with a known body come back as their parts, written below without a Response in between.
acceptRawAnswers(BridgeEnv.prototype);

/**
 * Wraps a fetch-style app for `node:http` or Express. Under Express, `app.use('/api/connect', toNodeHandler(proxy))`
 * hands the app the path below the mount point (Express's `req.url`), which is what the proxy and sandbox expect.
 * @example
 * import { createServer } from 'node:http';
 * createServer(toNodeHandler(createSandbox())).listen(8089);
 */
export function toNodeHandler(app: FetchApp): NodeHandler {
  return (incoming, outgoing, next) => {
    const fail = (error: unknown): void => {
      // A client that went away mid-answer is not an error of the app.
      if (outgoing.destroyed) return;
      if (next) return next(error);
      if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      outgoing.end('Internal Server Error');
    };
    let answer: Response | Promise<Response>;
    try {
      answer = app.fetch(nodeRequest(incoming, outgoing), new BridgeEnv(incoming, outgoing));
    } catch (error) {
      fail(error);
      return;
    }
    if (answer instanceof Promise) answer.then((settled) => write(settled, incoming, outgoing)).catch(fail);
    else write(answer, incoming, outgoing)?.catch(fail);
  };
}

/** Writes the app's answer; a promise only while a body stream is still being read. */
function write(answer: Response, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> | undefined {
  const parts = rawAnswerParts(answer);
  if (parts !== undefined) {
    writeParts(parts, incoming, outgoing);
    return undefined;
  }
  return writeResponse(settledResponse(answer), incoming, outgoing);
}

function writeParts(parts: RawAnswerParts, incoming: IncomingMessage, outgoing: ServerResponse): void {
  const { status, headers, body } = parts;
  if (body === null || incoming.method === 'HEAD') {
    outgoing.writeHead(status, headers).end();
    return;
  }
  // Known at once, so the answer goes out with its length (not chunked), headers and body in one write.
  headers['Content-Length'] = String(Buffer.byteLength(body));
  outgoing.writeHead(status, headers).end(body);
}

async function writeResponse(answer: Response, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  answer.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  // Several cookies must stay several headers; `Headers` would join them with commas.
  const cookies = answer.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  const head = (): void => {
    if (answer.statusText === '') outgoing.writeHead(answer.status, headers);
    else outgoing.writeHead(answer.status, answer.statusText, headers);
  };

  const body = answer.body;
  if (body === null || incoming.method === 'HEAD') {
    head();
    outgoing.end();
    await body?.cancel();
    return;
  }
  const reader = body.getReader();
  // An event stream may say nothing for a while (the status stream, resumed with Last-Event-ID): its headers leave now
  // rather than with the first event, so the client knows at once that it is connected.
  if (String(headers['content-type']).startsWith('text/event-stream')) {
    head();
    outgoing.flushHeaders();
    return pump(reader, outgoing, reader.read());
  }
  // A body made from a string or bytes is all there after a read or two: it goes out whole, with its length.
  const first = await reader.read();
  if (first.done) {
    head();
    outgoing.end();
    return;
  }
  const next = reader.read();
  const second = await Promise.race([
    next,
    new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined))),
  ]);
  if (second?.done === true) {
    if (headers['content-length'] === undefined) headers['content-length'] = first.value.byteLength;
    head();
    outgoing.end(first.value);
    return;
  }
  head();
  outgoing.write(first.value);
  return pump(reader, outgoing, next);
}

/** The rest of a stream, with back-pressure; a client that goes away cancels it (and with it the app's work). */
function pump(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  outgoing: ServerResponse,
  pending: Promise<ReadableStreamReadResult<Uint8Array>>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let open = true;
    const onClose = (): void => {
      if (!open) return;
      open = false;
      reader.cancel().catch(() => undefined);
      resolve();
    };
    outgoing.once('close', onClose);
    const failed = (error: unknown): void => {
      if (!open) return;
      open = false;
      outgoing.off('close', onClose);
      // The headers are out: the client learns of the failure from a connection cut short.
      outgoing.destroy();
      reject(error);
    };
    const step = (result: ReadableStreamReadResult<Uint8Array>): void => {
      if (!open) return;
      if (result.done) {
        open = false;
        outgoing.off('close', onClose);
        outgoing.end();
        resolve();
      } else if (outgoing.write(result.value)) {
        reader.read().then(step, failed);
      } else {
        outgoing.once('drain', () => reader.read().then(step, failed));
      }
    };
    pending.then(step, failed);
  });
}
