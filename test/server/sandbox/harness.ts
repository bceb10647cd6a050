// Test harness: a fresh sandbox mounted at /sandbox (as the demo mounts it), a movable clock, and MX-authenticated
// JSON requests whose successful responses are all checked against the spec.
import { Hono } from 'hono';
import { expect, vi } from 'vitest';

import type { SandboxOptions } from '../../../src/server/sandbox/index.ts';
import {
  createSandbox,
  MX_MEDIA_TYPE,
  MXBANK_LOGIN_GUID,
  MXBANK_PASSWORD_GUID,
} from '../../../src/server/sandbox/index.ts';
import { getSpecValidator, SANDBOX_EXTENSIONS } from '../../support/specValidator.ts';

// Compiling the spec's validators the first time an operation is seen takes a while on a busy machine; this is a
// timeout, not a speed assertion.
vi.setConfig({ testTimeout: 30_000 });

export const ORIGIN = 'http://sandbox.test';
export const PREFIX = '/sandbox';
export const MX_ACCEPT = MX_MEDIA_TYPE;
export const AUTH = `Basic ${btoa('sandbox-client-id:sandbox-api-key')}`;
export const AGGREGATION_MS = 1000;
export const EXPIRY_MS = 60_000;

export interface Reply {
  status: number;
  headers: Headers;
  // Bodies are MX JSON; tests read the fields they assert on.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

export function createHarness(options: SandboxOptions = {}) {
  let time = Date.UTC(2026, 0, 15, 12, 0, 0);
  const sandbox = createSandbox({
    aggregationMs: AGGREGATION_MS,
    challengeExpiryMs: EXPIRY_MS,
    now: () => time,
    ...options,
  });
  const app = new Hono().route(PREFIX, sandbox);

  /** Sends an MX request; every non-error response is validated against the spec (status, type, body, request body). */
  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const request = new Request(`${ORIGIN}${PREFIX}${path}`, {
      method,
      headers: {
        Authorization: AUTH,
        Accept: MX_ACCEPT,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const response = await app.request(request);
    // Closed schemas: an invented or misspelled field fails too; only the documented sandbox extras are allowed.
    const validator = await getSpecValidator({ closed: true, extensions: SANDBOX_EXTENSIONS });
    const problems = await validator.exchangeErrors(request, response.clone(), { prefix: PREFIX, requestBody: body });
    expect(problems, `${method} ${path}`).toEqual([]);
    const text = await response.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  async function createUser(): Promise<string> {
    const reply = await call('POST', '/users', { user: { metadata: 'test' } });
    expect(reply.status).toBe(200);
    return reply.body.user.guid as string;
  }

  /** Creates an mxbank member for `mxuser` with `password`; returns its guid. */
  async function createMxbankMember(
    userGuid: string,
    password: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const reply = await call('POST', `/users/${userGuid}/members`, {
      member: { institution_code: 'mxbank', credentials: mxbankCredentials('mxuser', password), ...extra },
    });
    expect(reply.status, reply.text).toBe(202);
    return reply.body.member.guid as string;
  }

  const status = async (userGuid: string, memberGuid: string) => {
    const reply = await call('GET', `/users/${userGuid}/members/${memberGuid}/status`);
    expect(reply.status).toBe(200);
    return reply.body.member;
  };

  return {
    app,
    sandbox,
    call,
    createUser,
    createMxbankMember,
    status,
    advance: (ms: number) => {
      time += ms;
    },
    now: () => time,
  };
}

export const mxbankCredentials = (username: string, password: string) => [
  { guid: MXBANK_LOGIN_GUID, value: username },
  { guid: MXBANK_PASSWORD_GUID, value: password },
];
