// The `Request` the Node bridge hands a fetch-style app: Node's own request seen through the Fetch API, built lazily.
// Building a real `Request` for every call (a parsed URL, a `Headers` object with each header validated again, an
// AbortController, a body stream) cost the proxy more than its own checks; most calls read the method, the URL and two
// or three headers. The rest (`signal`, `body`, anything else) is made on first use, with the same values a real
// Request would have.
/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

import { delegateMembers } from './delegateMembers.ts';

const INCOMING = Symbol('incoming');
const OUTGOING = Symbol('outgoing');
const URL_TEXT = Symbol('url');
const HEADERS = Symbol('headers');
const CONTROLLER = Symbol('controller');
const BODY = Symbol('body');
const BUILT = Symbol('built');
const BUILT_HEADERS = Symbol('builtHeaders');

interface NodeRequest extends Request {
  [INCOMING]: IncomingMessage;
  [OUTGOING]: ServerResponse;
  [URL_TEXT]: string | undefined;
  [HEADERS]: IncomingHeaders | undefined;
  [CONTROLLER]: AbortController | undefined;
  [BODY]: ReadableStream<Uint8Array> | null | undefined;
  [BUILT]: Request | undefined;
}

interface IncomingHeaders extends Headers {
  [INCOMING]: IncomingMessage;
  [BUILT_HEADERS]: Headers | undefined;
}

/** A `Request` (for `instanceof` and every member) over Node's `incoming`, which `outgoing` answers. */
export function nodeRequest(incoming: IncomingMessage, outgoing: ServerResponse): Request {
  const request = lazyRequest(incoming, outgoing);
  return LAZY_REQUESTS_WORK ? request : buildRequest(request);
}

function lazyRequest(incoming: IncomingMessage, outgoing: ServerResponse): NodeRequest {
  const request = Object.create(nodeRequestPrototype) as NodeRequest;
  request[INCOMING] = incoming;
  request[OUTGOING] = outgoing;
  request[URL_TEXT] = undefined;
  request[HEADERS] = undefined;
  request[CONTROLLER] = undefined;
  request[BODY] = undefined;
  request[BUILT] = undefined;
  return request;
}

/** Aborts the request's signal, if anyone asked for it, when the client went away before its answer was sent. */
function abortIfClientLeft(request: Request): void {
  const self = request as NodeRequest;
  const outgoing = self[OUTGOING];
  if (!outgoing.writableFinished) self[CONTROLLER]?.abort();
}

// The request URL's fast path: a target WHATWG URL parsing would leave as it is (no character it percent-encodes, no
// dot segment, `%2e` included, which it also resolves), behind a plain host name with a port. Anything else is parsed.
const PLAIN_TARGET = /^\/[!$%&(-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/(?:\.|%2e)/i;
const PLAIN_HOST = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::[1-9]\d{0,4})?$/;

function requestUrl(incoming: IncomingMessage): string {
  // The URL the browser used, as far as this server can see it: its Host header and whether the socket is TLS. A
  // TLS-terminating proxy in front changes that; the connect proxy's own options say how to trust it.
  const scheme = 'encrypted' in incoming.socket && incoming.socket.encrypted === true ? 'https' : 'http';
  const host = incoming.headers.host ?? (incoming.headers[':authority'] as string | undefined) ?? 'localhost';
  const target = incoming.url ?? '/';
  const path = target.indexOf('?') === -1 ? target : target.slice(0, target.indexOf('?'));
  if (PLAIN_HOST.test(host) && PLAIN_TARGET.test(target) && !DOT_SEGMENT.test(path) && !isDefaultPort(host, scheme)) {
    return `${scheme}://${host}${target}`;
  }
  return new URL(target, `${scheme}://${host}`).href;
}

// `http://host:80/` is `http://host/` once parsed.
const isDefaultPort = (host: string, scheme: string): boolean => host.endsWith(scheme === 'https' ? ':443' : ':80');

function incomingHeaders(incoming: IncomingMessage): IncomingHeaders {
  const headers = Object.create(incomingHeadersPrototype) as IncomingHeaders;
  headers[INCOMING] = incoming;
  headers[BUILT_HEADERS] = undefined;
  return headers;
}

/** The same `Headers` the bridge always built: Node's header object (duplicates as Node joins or drops them). */
function buildHeaders(self: IncomingHeaders): Headers {
  if (self[BUILT_HEADERS] !== undefined) return self[BUILT_HEADERS];
  const headers = new Headers();
  const source = self[INCOMING].headers;
  for (const name in source) {
    // HTTP/2 pseudo-headers (`:path`) are not headers a Request may carry.
    if (name.startsWith(':')) continue;
    const value = source[name];
    if (value === undefined) continue;
    if (typeof value === 'string') headers.append(name, value);
    else for (const item of value) headers.append(name, item);
  }
  self[BUILT_HEADERS] = headers;
  return headers;
}

/** A header as `Headers#get` gives it, read from Node's header object without building one. */
function readHeader(self: IncomingHeaders, name: string): string | null {
  const built = self[BUILT_HEADERS];
  if (built !== undefined) return built.get(name);
  const lower = name.toLowerCase();
  if (lower.startsWith(':')) return null;
  const value = self[INCOMING].headers[lower];
  if (value === undefined) return null;
  return typeof value === 'string' ? value : value.join(', ');
}

const incomingHeadersPrototype: object = Object.create(Headers.prototype, {
  get: {
    value(this: IncomingHeaders, name: string) {
      return readHeader(this, String(name));
    },
  },
  has: {
    value(this: IncomingHeaders, name: string) {
      return readHeader(this, String(name)) !== null;
    },
  },
});
delegateMembers(Headers.prototype, incomingHeadersPrototype, ['get', 'has'], buildHeaders);

function body(self: NodeRequest): ReadableStream<Uint8Array> | null {
  if (self[BODY] === undefined) {
    const method = self[INCOMING].method;
    // Streamed, not buffered: the app applies its own body limits while reading.
    self[BODY] =
      method === 'GET' || method === 'HEAD' ? null : (Readable.toWeb(self[INCOMING]) as ReadableStream<Uint8Array>);
  }
  return self[BODY];
}

function signal(self: NodeRequest): AbortSignal {
  if (self[CONTROLLER] === undefined) {
    const controller = new AbortController();
    self[CONTROLLER] = controller;
    // The app sees the client going away (a closed tab mid-poll) as an aborted request.
    const outgoing = self[OUTGOING];
    if (outgoing.closed) abortIfClientLeft(self);
    else outgoing.once('close', () => abortIfClientLeft(self));
  }
  return self[CONTROLLER].signal;
}

/** The real `Request`, for the members read rarely; built once, over the same body stream and signal. */
function buildRequest(self: NodeRequest): Request {
  if (self[BUILT] === undefined) {
    const stream = body(self);
    // A body someone is reading already (Hono's `bodyLimit` reads it, then makes a Request of it with the bytes it
    // read) cannot be a new Request's: the built one gets a used, empty body instead, as the lazy one has.
    const taken = stream?.locked === true;
    const built = new Request(self.url, {
      method: self.method,
      headers: buildHeaders(self.headers as IncomingHeaders),
      signal: signal(self),
      body: taken ? new ReadableStream({ start: (controller) => controller.close() }) : stream,
      ...(stream === null ? {} : { duplex: 'half' }),
    } as RequestInit);
    if (taken) void built.body?.getReader().read();
    self[BUILT] = built;
  }
  return self[BUILT];
}

const nodeRequestPrototype: object = Object.create(Request.prototype, {
  method: {
    get(this: NodeRequest) {
      return this[INCOMING].method ?? 'GET';
    },
  },
  url: {
    get(this: NodeRequest) {
      return (this[URL_TEXT] ??= requestUrl(this[INCOMING]));
    },
  },
  headers: {
    get(this: NodeRequest) {
      return (this[HEADERS] ??= incomingHeaders(this[INCOMING]));
    },
  },
  signal: {
    get(this: NodeRequest) {
      return signal(this);
    },
  },
  body: {
    get(this: NodeRequest) {
      return this[BUILT]?.body ?? body(this);
    },
  },
  bodyUsed: {
    get(this: NodeRequest) {
      return this[BUILT]?.bodyUsed ?? (this[BODY]?.locked === true || this[INCOMING].readableDidRead);
    },
  },
});
delegateMembers(
  Request.prototype,
  nodeRequestPrototype,
  ['method', 'url', 'headers', 'signal', 'body', 'bodyUsed'],
  (self) => buildRequest(self as NodeRequest),
);
// `new Request(request, init)` (Hono's `bodyLimit` makes one) reads the runtime's own state of `request`, kept under
// symbols of its own on every instance (undici's): the lazy request hands over its built request's.
for (const key of Object.getOwnPropertySymbols(new Request('http://localhost/'))) {
  Object.defineProperty(nodeRequestPrototype, key, {
    get(this: NodeRequest) {
      return (buildRequest(this) as unknown as Record<symbol, unknown>)[key];
    },
  });
}

/**
 * Whether this runtime takes the lazy request wherever it takes a Request (`new Request(request, init)` included); a
 * runtime that keeps a Request's state where the lazy one cannot reach it gets real Requests, built at once.
 */
const LAZY_REQUESTS_WORK = ((): boolean => {
  try {
    const incoming = {
      method: 'PUT',
      url: '/check?lazy=1',
      headers: { host: 'localhost', 'x-check': '1' },
      socket: {},
    };
    const outgoing = { closed: false, writableFinished: false, once: () => outgoing };
    const lazy = lazyRequest(incoming as unknown as IncomingMessage, outgoing as unknown as ServerResponse);
    // A body of its own, as `bodyLimit` gives it: the check never reads the stand-in `incoming` above.
    (lazy as NodeRequest)[BODY] = null;
    const copy = new Request(lazy, { body: 'x' });
    return copy.url === 'http://localhost/check?lazy=1' && copy.method === 'PUT' && copy.headers.get('x-check') === '1';
  } catch {
    return false;
  }
})();
