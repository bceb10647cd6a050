// Answers the Node bridge (`toNodeHandler`, member-connect/node) writes straight to the socket. A Web `Response` costs
// a proxy answer a `Headers` object (every header validated), a body `ReadableStream`, and, on the way out, reading
// that stream back: a good part of a request's CPU next to the proxy's own checks (issue 16). When the bridge says it
// takes them (its `env`), an answer whose body is a known string is a `RawAnswer` instead: a `Response` for every
// JavaScript reader (Hono, the envelope, a partner's middleware), built only when one of them asks for more than its
// status. Any other runtime (Bun, Deno, edge) gets a real `Response` as before: no native server could write a
// `RawAnswer`.
// No Node import here: the proxy that builds these answers runs everywhere.

import { delegateMembers } from './delegateMembers.ts';

// `Symbol.for`: two copies of the package (a partner's bundle and ours) still recognise each other's answers.
const ACCEPTS_RAW_ANSWERS = Symbol.for('member-connect.acceptsRawAnswers');
const PARTS = Symbol('parts');
const BUILT = Symbol('built');

/** What the bridge writes: the status, the header object as it is and the body text. */
export interface RawAnswerParts {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

interface RawAnswer extends Response {
  [PARTS]: RawAnswerParts | undefined;
  [BUILT]: Response | undefined;
}

/** Marks an `env` (the bridge's, on its prototype) as one whose server writes `RawAnswer`s itself. */
export function acceptRawAnswers(prototype: object): void {
  Object.defineProperty(prototype, ACCEPTS_RAW_ANSWERS, { value: true });
}

/**
 * An answer with a string body (or none) and all its headers in one plain object: a `RawAnswer` when the server behind
 * `env` writes those itself, a `Response` otherwise.
 */
export function answer(env: unknown, body: string | null, status: number, headers: Record<string, string>): Response {
  if (typeof env !== 'object' || env === null || (env as Record<symbol, unknown>)[ACCEPTS_RAW_ANSWERS] !== true) {
    return new Response(body, { status, headers });
  }
  const raw = Object.create(rawAnswerPrototype) as RawAnswer;
  raw[PARTS] = { status, headers, body };
  raw[BUILT] = undefined;
  return raw;
}

/**
 * For the bridge: the parts of a `RawAnswer` no reader has turned into a `Response` yet (then they are still what
 * goes out), or `undefined` for anything else, to be written as a `Response`.
 */
export function rawAnswerParts(response: Response): RawAnswerParts | undefined {
  return (response as Partial<RawAnswer>)[PARTS];
}

/** The real `Response` behind a `RawAnswer` (built once, on first need), or the response itself. */
export function settledResponse(response: Response): Response {
  return PARTS in response ? build(response as RawAnswer) : response;
}

function build(raw: RawAnswer): Response {
  const parts = raw[PARTS];
  if (parts !== undefined) {
    raw[BUILT] = new Response(parts.body, { status: parts.status, headers: parts.headers });
    // From now on the built one is the answer: a reader may change its headers or read its body.
    raw[PARTS] = undefined;
  }
  return raw[BUILT] as Response;
}

// Every member of Response.prototype is the built Response's, except the status, which never needs it.
const rawAnswerPrototype: object = Object.create(Response.prototype, {
  status: {
    get(this: RawAnswer) {
      return this[PARTS]?.status ?? build(this).status;
    },
  },
  ok: {
    get(this: RawAnswer) {
      const status = this[PARTS]?.status ?? build(this).status;
      return status >= 200 && status <= 299;
    },
  },
});
delegateMembers(Response.prototype, rawAnswerPrototype, ['status', 'ok'], (self: RawAnswer) => build(self));
