import type { Handler } from 'hono';
import * as v from 'valibot';

import type { ProxyEnv } from './middleware/proxyEnv.ts';
import { MEMBER_GUID_PATTERN, USER_GUID_PATTERN } from './patterns.ts';
import { GENERIC_MESSAGES, ProxyError } from './proxyError.ts';
import { readJsonBody } from './readJsonBody.ts';
import type { StatusBus } from './statusBus.ts';
import { statusTopic } from './statusBus.ts';

/** The HTTP Basic credentials you give MX for your webhook endpoint (MX's dashboard, or your MX contact). */
export interface WebhookCredentials {
  username: string;
  password: string;
}

export interface WebhookReceiverOptions {
  credentials: WebhookCredentials;
  path: string;
  bus: StatusBus;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
}

const USER_GUID = v.pipe(v.string(), v.regex(USER_GUID_PATTERN));
const MEMBER_GUID = v.pipe(v.string(), v.regex(MEMBER_GUID_PATTERN));
/**
 * The webhooks that say a member's status may have changed (mx-platform.md, docs/sandbox.md "Webhooks"). Loose objects:
 * MX adds fields over time, and only these are read. Anything else (another type, a missing or malformed guid) is
 * refused, so only these types should point at the receiver.
 */
const WEBHOOK = v.variant('type', [
  v.looseObject({ type: v.literal('MEMBER'), guid: MEMBER_GUID, user_guid: USER_GUID }),
  v.looseObject({
    type: v.picklist(['CONNECTION_STATUS', 'AGGREGATION', 'VERIFICATION']),
    member_guid: MEMBER_GUID,
    user_guid: USER_GUID,
  }),
]);

const UNAUTHENTICATED = (): ProxyError =>
  new ProxyError(401, 'Not authenticated.', 'unauthenticated', {
    headers: { 'WWW-Authenticate': 'Basic realm="member-connect webhooks", charset="UTF-8"' },
  });

/**
 * `POST {proxy}/webhooks/mx`: MX's member webhooks, server to server. It runs before the browser checks (Origin,
 * `X-Member-Connect`, `authenticate`), which a webhook cannot pass, and replaces them with MX's own authentication:
 * HTTP Basic with the credentials you gave MX, compared in constant time, checked before the body is read. Then a
 * bounded JSON body of a known shape, and a notice on the status bus for that user's member. Nothing of the payload
 * is logged or kept.
 */
export function webhookReceiver(options: WebhookReceiverOptions): Handler<ProxyEnv> {
  const { bus, maxBodyBytes, bodyTimeoutMs } = options;
  const expected = digest(`${options.credentials.username}:${options.credentials.password}`);
  return async (c) => {
    c.get('proxyState').route = options.path;
    const presented = basicCredentials(c.req.header('authorization'));
    // Both digests are 32 bytes whatever was sent, so the comparison takes the same time for every wrong guess.
    if (presented === null || !sameBytes(await digest(presented), await expected)) throw UNAUTHENTICATED();

    const raw = await readJsonBody(c.req.raw, maxBodyBytes, bodyTimeoutMs);
    const parsed = v.safeParse(WEBHOOK, raw);
    if (!parsed.success) throw new ProxyError(400, 'Not a member webhook this endpoint takes.', 'bad_webhook');
    const body = parsed.output;
    const memberGuid = body.type === 'MEMBER' ? body.guid : body.member_guid;
    try {
      await bus.publish(await statusTopic(body.user_guid, memberGuid));
    } catch {
      // This instance's streams have it already; other instances may not. A 5xx makes MX deliver it again.
      throw new ProxyError(503, GENERIC_MESSAGES.unavailable, 'status_bus_failed', { headers: { 'Retry-After': '5' } });
    }
    return c.json({}, 200);
  };
}

/** `user:password` from `Authorization: Basic …`, or `null` when the header is missing or malformed. */
function basicCredentials(header: string | undefined): string | null {
  const match = /^Basic ([A-Za-z0-9+/]{1,1024}={0,2})$/i.exec(header?.trim() ?? '');
  if (match === null) return null;
  try {
    const binary = atob(match[1] as string);
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
  } catch {
    return null;
  }
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i += 1) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}
