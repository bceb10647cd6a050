// Shared set-up for proxy tests against the real sandbox as MX (its status reads counted): users and members created
// through it, a proxy in front of it, and, for the status stream, MX's webhooks and a reader for Server-Sent Events.
import type { ConnectProxyOptions } from '../../../src/server/index.ts';
import { createConnectProxy } from '../../../src/server/index.ts';
import type { SandboxOptions } from '../../../src/server/sandbox/index.ts';
import {
  createSandbox,
  MX_MEDIA_TYPE,
  MXBANK_LOGIN_GUID,
  MXBANK_PASSWORD_GUID,
  SANDBOX_API_KEY,
  SANDBOX_CLIENT_ID,
} from '../../../src/server/sandbox/index.ts';

export const SANDBOX_URL = 'http://sandbox.test';
export const WEBHOOK = { username: 'mx-webhooks', password: 'webhook-password-0123456789' };
const BASIC = `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`;

/** The sandbox as MX, counting the status reads the proxy makes. */
export function createUpstream(options: SandboxOptions = {}) {
  const sandbox = createSandbox(options);
  const reads = { status: 0, all: 0 };
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    reads.all += 1;
    if (url.pathname.endsWith('/status')) reads.status += 1;
    return sandbox.request(input, init);
  };
  const mx = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await sandbox.request(`${SANDBOX_URL}${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: BASIC, Accept: MX_MEDIA_TYPE, 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return (text === '' ? {} : JSON.parse(text)) as Record<string, Record<string, unknown>>;
  };
  const createUser = async () =>
    (await mx('/users', { method: 'POST', body: { user: { id: `partner-${crypto.randomUUID()}` } } })).user!
      .guid as string;
  /** An MX Bank member; `password` picks the sandbox scenario. */
  const createMember = async (user: string, password = `pw-${crypto.randomUUID()}`) =>
    (
      await mx(`/users/${user}/members`, {
        method: 'POST',
        body: {
          member: {
            institution_code: 'mxbank',
            credentials: [
              { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
              { guid: MXBANK_PASSWORD_GUID, value: password },
            ],
          },
        },
      })
    ).member!.guid as string;
  return { sandbox, fetch, reads, mx, createUser, createMember };
}

/** A proxy in front of `upstream`, authenticating whoever `user()` names. */
export function createSandboxProxy(
  upstream: ReturnType<typeof createUpstream>,
  user: () => string,
  overrides: Partial<ConnectProxyOptions> = {},
) {
  const proxy = createConnectProxy({
    baseUrl: SANDBOX_URL,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    authenticate: () => user(),
    fetch: upstream.fetch,
    ...overrides,
  });
  const call = async (path: string, headers: Record<string, string> = {}, method = 'GET', body?: unknown) =>
    proxy.request(`http://proxy.test${path}`, {
      method,
      headers: {
        'X-Member-Connect': '1',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const stream = (member: string, headers: Record<string, string> = {}) =>
    call(`/members/${member}/status/stream`, { Accept: 'text/event-stream', ...headers });
  const webhook = async (
    body: unknown,
    auth: string | null = `Basic ${btoa(`${WEBHOOK.username}:${WEBHOOK.password}`)}`,
  ) =>
    proxy.request('http://proxy.test/webhooks/mx', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(auth === null ? {} : { Authorization: auth }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { proxy, call, stream, webhook };
}

/** The MEMBER webhook MX sends for a member. */
export const memberWebhook = (user: string, member: string, status = 'CONNECTED') => ({
  type: 'MEMBER',
  action: 'UPDATED',
  guid: member,
  user_guid: user,
  connection_status: status,
  is_being_aggregated: false,
});

export interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** Reads a text/event-stream body event by event (comments included); `null` once the stream has ended. */
export function readEvents(body: ReadableStream<Uint8Array> | null) {
  if (body === null) throw new Error('no body');
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  const parse = (block: string): SseEvent => {
    const event: SseEvent = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) event.comment = line.slice(1).trim();
      else {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon) as 'event' | 'id' | 'data';
        event[name] = line.slice(colon + 1).replace(/^ /, '');
      }
    }
    return event;
  };
  return {
    async next(): Promise<SseEvent | null> {
      for (;;) {
        const cut = buffer.indexOf('\n\n');
        if (cut !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          return parse(block);
        }
        if (ended) return null;
        const { value, done } = await reader.read();
        if (done) ended = true;
        else buffer += decoder.decode(value, { stream: true });
      }
    },
    /** The next `status` event's member, skipping heartbeats; `null` when the stream ends first. */
    async nextStatus(): Promise<{ id: string; member: Record<string, unknown> } | null> {
      for (;;) {
        const event = await this.next();
        if (event === null) return null;
        if (event.event === 'status') {
          return {
            id: event.id ?? '',
            member: (JSON.parse(event.data ?? '{}') as { member: Record<string, unknown> }).member,
          };
        }
      }
    },
    cancel: () => reader.cancel(),
  };
}

export async function until(ready: () => boolean, attempts = 400): Promise<void> {
  for (let attempt = 0; attempt < attempts && !ready(); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
