// The one definition of the postMessage protocol between the host page (SDK) and the frame bundle (issue 7).
// Every message is a flat envelope `{ protocol: 'member-connect', version: 2, type, ... }`.
//
// The two sides are not symmetric, because the SDK has a 1.5 kB gzip budget and the frame does not:
// - the frame builds every message it sends from the fields the host contract defines (`frameEnvelope`), so nothing
//   else (a password, a full account number) can cross, and it parses what it receives field by field
//   (`parseHostMessage`);
// - the SDK checks that a message comes from its own iframe's window at the frame's origin and carries this envelope,
//   and then takes the payload at its word: the sender is the frame it mounted, which built it.
// The parsers are hand-written type guards rather than valibot schemas: the SDK bundles this module with no runtime
// dependencies. The payloads are the host contract's types (contract/hostContract.ts).

import {
  CONNECT_COLOR_SCHEMES,
  CONNECT_DATA_SCOPES,
  CONNECT_LOCALES,
  CONNECT_MODES,
  type ConnectColorScheme,
  type ConnectDataScope,
  type ConnectEvent,
  type ConnectExitResult,
  type ConnectLocale,
  type ConnectMode,
  type ConnectPartner,
  type ConnectSuccessResult,
  type ConnectTheme,
} from '../contract/hostContract';

export const PROTOCOL = 'member-connect';
/** 2: message types are numbers (version 1 had names). A frame and an SDK of different versions ignore each other. */
export const PROTOCOL_VERSION = 2;

// Message types: small numbers rather than names, so that each costs the SDK one digit, and so that the SDK can find
// its handler by index in one table. Frame → host types are 0–7 (the index in the SDK's table); host → frame 8–11.
export const READY = 0;
export const STARTED = 1;
export const EVENT = 2;
export const RESIZE = 3;
export const SUCCESS = 4;
export const EXIT = 5;
export const TOKEN_REQUEST = 6;
export const DONE = 7;
export const HANDSHAKE = 8;
export const TOKEN = 9;
export const BACK = 10;
export const CLOSE = 11;

/** Widget configuration the host sends in the handshake (never in the URL). */
export interface FrameConfig {
  /** Proxy base URL, resolved against the frame's own URL. @default '/api/connect' */
  proxyUrl?: string;
  institutionCode?: string;
  memberGuid?: string;
  skipAggregation?: boolean;
  /** @default 'aggregation' */
  mode?: ConnectMode;
  locale?: ConnectLocale;
  colorScheme?: ConnectColorScheme;
  /** Theme tokens (CSS custom property values) keyed by token name. */
  theme?: Partial<ConnectTheme>;
  /** Copy overrides keyed by message id. */
  messages?: Record<string, string>;
  /** True when the SDK shows the frame in its modal: Escape inside the frame then asks the widget to close. */
  modal?: boolean;
  /** Shown on the consent screen. */
  partner?: ConnectPartner;
  /** Start without the consent screen (the host has already asked). @default false */
  skipConsent?: boolean;
  /** The data listed on the consent screen. @default ['accountDetails', 'balances', 'transactions'] */
  dataRequested?: ConnectDataScope[];
}

/** Host → frame. */
export type HostToFrameMessage =
  | {
      type: typeof HANDSHAKE;
      config: FrameConfig;
      sessionToken: string;
      /** The host can mint a fresh token on request (it was given `sessionToken` as a function). */
      refreshable: boolean;
    }
  /** Answer to `TOKEN_REQUEST` with the same id; no `sessionToken` means the host could not get one. */
  | { type: typeof TOKEN; id: number; sessionToken?: string }
  | { type: typeof BACK }
  /** `force`: end at once, without the widget's "Exit?" question. */
  | { type: typeof CLOSE; force?: boolean };

/** Frame → host. */
export type FrameToHostMessage =
  | { type: typeof READY }
  /** The frame accepted the handshake and rendered the widget; until then the host owns closing. */
  | { type: typeof STARTED }
  | { type: typeof EVENT; event: ConnectEvent }
  /** The content's height in whole CSS pixels. */
  | { type: typeof RESIZE; height: number }
  | { type: typeof SUCCESS; result: ConnectSuccessResult }
  | { type: typeof EXIT; result: ConnectExitResult }
  | { type: typeof TOKEN_REQUEST; id: number }
  /** The person pressed Done on the success screen: the host's `onDone`. */
  | { type: typeof DONE };

export type Envelope<M> = M & { protocol: typeof PROTOCOL; version: typeof PROTOCOL_VERSION };

/** Wraps a message in the protocol envelope, ready for `postMessage(…, explicitTargetOrigin)`. */
export function envelope<M extends HostToFrameMessage | FrameToHostMessage>(message: M): Envelope<M> {
  return { protocol: PROTOCOL, version: PROTOCOL_VERSION, ...message };
}

type Bag = Record<string, unknown>;

// A plain object, which is what a structured clone makes of one: null, arrays and anything with a prototype of its own
// are not bags.
const isBag = (value: unknown): value is Bag => (value as Bag | undefined)?.constructor === Object;
const isString = (value: unknown): value is string => typeof value === 'string';
const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isOptionalString = (value: unknown) => value === undefined || isString(value);
const isStringRecord = (value: unknown): value is Record<string, string> =>
  isBag(value) && Object.values(value).every(isString);

// What of a result or an account crosses to the host: the contract's fields (a success's and an exit's together).
const RESULT_KEYS = ['memberGuid', 'institutionCode', 'accounts', 'account', 'reason', 'message'];
const ACCOUNT_KEYS = ['guid', 'name', 'type', 'lastFour'];

/** A copy with the listed fields that are defined; accounts are copied the same way, with their own fields. */
const copy = (from: Bag, keys: string[]): Bag => {
  const out: Bag = {};
  for (const key of keys) {
    const value = from[key];
    if (value !== undefined)
      out[key] =
        key === 'accounts'
          ? (value as Bag[]).map((account) => copy(account, ACCOUNT_KEYS))
          : key === 'account'
            ? copy(value as Bag, ACCOUNT_KEYS)
            : value;
  }
  return out;
};

/**
 * The frame's side of sending: the envelope around a message whose result is rebuilt from the fields the contract
 * defines, so that whatever else it carries at run time (a password, a full account number) never reaches the host.
 * The SDK relies on this: it checks who sent a message, not its shape. (Events need no rebuild: the widget makes each
 * one with `toConnectEvent`, from its name and its metadata only.)
 */
export function frameEnvelope(message: FrameToHostMessage): Envelope<FrameToHostMessage> {
  const sent = { ...message };
  if ('result' in sent) sent.result = copy(sent.result as unknown as Bag, RESULT_KEYS) as never;
  return envelope(sent);
}

const isBoolean = (value: unknown) => typeof value === 'boolean';
const oneOf = (list: readonly unknown[]) => (value: unknown) => list.includes(value);
const PARTNER_KEYS = ['name', 'logoUrl', 'privacyPolicyUrl'];

/**
 * Every option the handshake may carry, with the check its value must pass; anything else is left behind. (The
 * `@__PURE__` marks let bundlers drop this table from the SDK, which imports this module but never parses a config.)
 */
const CONFIG_CHECKS: Record<keyof FrameConfig, (value: unknown) => boolean> = {
  proxyUrl: isString,
  institutionCode: isString,
  memberGuid: isString,
  skipAggregation: isBoolean,
  mode: /* @__PURE__ */ oneOf(CONNECT_MODES),
  locale: /* @__PURE__ */ oneOf(CONNECT_LOCALES),
  colorScheme: /* @__PURE__ */ oneOf(CONNECT_COLOR_SCHEMES),
  theme: isStringRecord,
  messages: isStringRecord,
  modal: isBoolean,
  partner: (value) =>
    isBag(value) && PARTNER_KEYS.every((key) => (key === 'name' ? isString : isOptionalString)(value[key])),
  skipConsent: isBoolean,
  dataRequested: (value) => Array.isArray(value) && value.every(oneOf(CONNECT_DATA_SCOPES)),
};

/** The configuration rebuilt from the options it knows, or what is wrong with it, said for the partner's developer. */
function parseConfig(value: unknown): FrameConfig | string {
  const config: Bag = {};
  for (const [key, check] of Object.entries(CONFIG_CHECKS)) {
    const field = isBag(value) ? value[key] : undefined;
    if (field === undefined) continue;
    if (!check(field)) return `the option ${key} is ${JSON.stringify(field)}, which the widget does not accept`;
    // A partner is rebuilt from its three fields, like every message: nothing unknown crosses.
    config[key] = key === 'partner' ? copy(field as Bag, PARTNER_KEYS) : field;
  }
  return isBag(value) ? config : 'the handshake has no configuration';
}

/**
 * Parses a message the frame received from the host; `undefined` for anything unknown or malformed, and for a
 * handshake whose options the widget does not accept, a string that says which (the frame answers with it).
 */
export function parseHostMessage(data: unknown): HostToFrameMessage | string | undefined {
  const bag = isBag(data) && data.protocol === PROTOCOL && data.version === PROTOCOL_VERSION ? data : undefined;
  switch (bag?.type) {
    case HANDSHAKE: {
      const config = parseConfig(bag.config);
      if (isString(config)) return config;
      return isString(bag.sessionToken) && isBoolean(bag.refreshable)
        ? ({ ...copy(bag, ['type', 'sessionToken', 'refreshable']), config } as HostToFrameMessage)
        : undefined;
    }
    case TOKEN: {
      return isId(bag.id) && isOptionalString(bag.sessionToken)
        ? (copy(bag, ['type', 'id', 'sessionToken']) as HostToFrameMessage)
        : undefined;
    }
    case BACK: {
      return { type: BACK };
    }
    case CLOSE: {
      return { type: CLOSE, force: bag.force === true };
    }
    default: {
      return undefined;
    }
  }
}

/**
 * The parent origin the frame trusts for the handshake, read from its URL fragment (`#origin=<origin>`). The origin
 * is not secret; the SDK puts it there so the frame can check `event.origin` of the very first message.
 */
export function readParentOrigin(hash: string): string | undefined {
  // `location.hash` is empty or starts with '#'.
  const value = new URLSearchParams(hash.slice(1)).get('origin');
  if (!value) return undefined;
  try {
    const { origin, protocol } = new URL(value);
    return origin === value && (protocol === 'https:' || protocol === 'http:') ? origin : undefined;
  } catch {
    return undefined;
  }
}
