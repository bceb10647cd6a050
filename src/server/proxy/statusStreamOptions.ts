import type { StatusBus } from './statusBus.ts';
import type { WebhookCredentials } from './webhookReceiver.ts';

/** `createConnectProxy({ statusStream })`: the live member-status stream and MX's webhooks behind it. */
export interface StatusStreamOptions {
  /** Offer `GET /members/:member_guid/status/stream`; when `false` it answers 404 (the widget then polls). @default true */
  enabled?: boolean;
  /**
   * How often the one upstream read per watched member repeats while no webhook says anything. MX asks for no more
   * than one status read every 3 s, so less is refused. With `webhook` set (and the bus connected) polling is a safety
   * net ten times slower. @default 3_000
   */
  pollIntervalMs?: number;
  /** Longest a stream stays open; the browser then reconnects with `Last-Event-ID`. Also caps a long-poll's 25 s. @default 300_000 */
  maxStreamMs?: number;
  /** A `: ping` comment this often keeps idle connections from being cut by proxies and load balancers. @default 15_000 */
  heartbeatMs?: number;
  /** Members watched at once by this instance; past it a new stream gets 503 (the widget polls meanwhile). @default 10_000 */
  maxWatchers?: number;
  /**
   * Receive MX's member webhooks at `POST {proxy}{path}` with these HTTP Basic credentials (the ones you give MX).
   * Without it, watchers poll MX. @default no receiver
   */
  webhook?: WebhookCredentials & {
    /** Where the receiver is, under the proxy. @default '/webhooks/mx' */
    path?: string;
  };
  /** How a webhook on one instance reaches streams on the others. @default in-memory (one instance) */
  bus?: StatusBus;
}

export interface StatusStreamConfig {
  pollIntervalMs: number;
  maxStreamMs: number;
  heartbeatMs: number;
  maxWatchers: number;
  webhook: { username: string; password: string; path: string } | undefined;
  bus: StatusBus | undefined;
}

/** Streams of one user on one member at once, on one instance (tabs, reconnects overlapping a closing stream). */
export const MAX_STREAMS_PER_MEMBER = 10;

const fail = (message: string): never => {
  throw new TypeError(`createConnectProxy: option \`statusStream${message}`);
};
const CONTROL = /\p{Cc}/u;
// The receiver sits beside the widget's routes, so it must not shadow one of them.
const WIDGET_PREFIXES = ['/institutions', '/members'];

function integer(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    fail(`.${name}\` must be an integer from ${min} to ${max}.`);
  }
  return value as number;
}

/** Checks `statusStream` at creation; `undefined` when the stream is turned off. */
export function readStatusStreamOptions(option: StatusStreamOptions | undefined): StatusStreamConfig | undefined {
  const given = option ?? {};
  if (typeof given !== 'object' || given === null) fail('` must be an object.');
  if (given.enabled !== undefined && typeof given.enabled !== 'boolean') fail('.enabled` must be a boolean.');
  if (given.enabled === false) return undefined;
  const config: StatusStreamConfig = {
    pollIntervalMs: integer(given.pollIntervalMs, 'pollIntervalMs', 3_000, 600_000, 3_000),
    maxStreamMs: integer(given.maxStreamMs, 'maxStreamMs', 1_000, 3_600_000, 300_000),
    heartbeatMs: integer(given.heartbeatMs, 'heartbeatMs', 1_000, 600_000, 15_000),
    maxWatchers: integer(given.maxWatchers, 'maxWatchers', 1, 1_000_000, 10_000),
    webhook: undefined,
    bus: given.bus,
  };
  const bus = given.bus;
  if (
    bus !== undefined &&
    (typeof bus?.publish !== 'function' || typeof bus.subscribe !== 'function' || typeof bus.isConnected !== 'function')
  ) {
    fail('.bus` must have `publish`, `subscribe` and `isConnected` (a StatusBus).');
  }
  const webhook = given.webhook;
  if (webhook !== undefined) {
    const { username, password } = webhook ?? {};
    if (typeof username !== 'string' || username === '' || username.includes(':') || CONTROL.test(username)) {
      fail('.webhook.username` is required: the HTTP Basic user name you give MX (no colon or control character).');
    }
    // A guessable password would let anyone make the proxy poll MX: ask for what a generator gives.
    if (typeof password !== 'string' || password.length < 16 || CONTROL.test(password)) {
      fail('.webhook.password` must be at least 16 characters (the HTTP Basic password you give MX).');
    }
    const path = webhook.path ?? '/webhooks/mx';
    if (
      typeof path !== 'string' ||
      !/^(\/[A-Za-z0-9._~-]+)+$/.test(path) ||
      WIDGET_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))
    ) {
      fail('.webhook.path` must look like /webhooks/mx and not be under /institutions or /members.');
    }
    config.webhook = { username, password, path };
  }
  return config;
}
