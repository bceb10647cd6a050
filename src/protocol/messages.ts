// The one definition of the postMessage protocol between the host page (SDK) and the frame bundle (issue 7).
// Every message is a flat envelope `{ protocol: 'member-connect', version: 1, type, ... }`. Parsing rebuilds each
// message from the fields it knows, so nothing unknown (or of the wrong type) crosses the boundary.
//
// The parsers are hand-written type guards rather than valibot schemas on purpose: the SDK bundles this module and has
// a 2 KB gzip budget with no runtime dependencies. The payloads are the host contract's types (contract/hostContract.ts).

import {
  CONNECT_COLOR_SCHEMES,
  CONNECT_DATA_SCOPES,
  CONNECT_LOCALES,
  CONNECT_MODES,
  type ConnectColorScheme,
  type ConnectDataScope,
  type ConnectedAccount,
  type ConnectEvent,
  type ConnectExitResult,
  type ConnectLocale,
  type ConnectMode,
  type ConnectPartner,
  type ConnectSuccessResult,
  type ConnectTheme,
} from '../contract/hostContract';

export const PROTOCOL = 'member-connect';
export const PROTOCOL_VERSION = 1;

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
      type: 'handshake';
      config: FrameConfig;
      sessionToken: string;
      /** The host can mint a fresh token on request (it was given `sessionToken` as a function). */
      refreshable: boolean;
    }
  /** Answer to `tokenRequest` with the same id; no `sessionToken` means the host could not get one. */
  | { type: 'token'; id: number; sessionToken?: string }
  | { type: 'back' }
  /** `force`: end at once, without the widget's "Exit?" question. */
  | { type: 'close'; force?: boolean };

/** Frame → host. */
export type FrameToHostMessage =
  | { type: 'ready' }
  /** The frame accepted the handshake and rendered the widget; until then the host owns closing. */
  | { type: 'started' }
  | { type: 'event'; event: ConnectEvent }
  | { type: 'resize'; height: number }
  | { type: 'success'; result: ConnectSuccessResult }
  | { type: 'exit'; result: ConnectExitResult }
  | { type: 'tokenRequest'; id: number };

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
const isOptional = (value: unknown, guard: (value: unknown) => boolean) => value === undefined || guard(value);
const isStringRecord = (value: unknown): value is Record<string, string> =>
  isBag(value) && Object.values(value).every(isString);

function open(data: unknown): Bag | undefined {
  // No check on `type`: the parsers' switch matches known string types only.
  return isBag(data) && data.protocol === PROTOCOL && data.version === PROTOCOL_VERSION ? data : undefined;
}

/** Copies the listed optional string fields that are present; `undefined` when one has the wrong type. */
function pickStrings(bag: Bag, keys: readonly string[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = bag[key];
    if (value === undefined) continue;
    if (!isString(value)) return undefined;
    out[key] = value;
  }
  return out;
}

const toAccount = ({ guid, name, type, lastFour }: Bag) => ({ guid, name, type, lastFour }) as ConnectedAccount;

const EXIT_KEYS = ['memberGuid', 'institutionCode', 'message', 'reason'];

/**
 * Parses a message the host received from the frame; `undefined` for anything unknown or malformed.
 * The `as` casts below are where the frame is taken at its word: the shapes are checked, but an event's metadata and
 * an exit reason are not checked against the contract's lists. The SDK has already checked the sender (the iframe's
 * window at the frame's origin, built from the same package version), and the lists would cost the SDK's 2 kB budget.
 */
export function parseFrameMessage(data: unknown): FrameToHostMessage | undefined {
  const bag = open(data);
  switch (bag?.type) {
    case 'ready':
    case 'started': {
      return { type: bag.type };
    }
    case 'event': {
      const event = bag.event;
      // Rebuilt in MX's shape from its two fields; the name is one of ours (the sender is checked), so only its type.
      return isBag(event) && isString(event.type) && isBag(event.metadata)
        ? { type: 'event', event: { mx: true, type: event.type, metadata: event.metadata } as ConnectEvent }
        : undefined;
    }
    case 'resize': {
      const height = bag.height;
      return typeof height === 'number' && height >= 0 && height <= 100_000
        ? { type: 'resize', height: Math.ceil(height) }
        : undefined;
    }
    case 'success': {
      // A frame from before accounts were reported sends none: still a success. Like event metadata, an account's
      // values are taken at the frame's word (its origin and window are checked): only its four fields cross. The
      // chosen `account` of verification mode is checked and copied the same way.
      const { memberGuid, institutionCode, accounts = [], account } = isBag(bag.result) ? bag.result : ({} as Bag);
      return isString(memberGuid) &&
        isString(institutionCode) &&
        Array.isArray(accounts) &&
        accounts.every(isBag) &&
        isBag(account ?? {})
        ? {
            type: 'success',
            result: {
              memberGuid,
              institutionCode,
              accounts: accounts.map(toAccount),
              // `undefined` rather than a missing key when there is none: the smaller check in a 2 kB budget.
              account: (account && toAccount(account as Bag)) as ConnectedAccount | undefined,
            },
          }
        : undefined;
    }
    case 'exit': {
      // A flat bag of these strings with a reason.
      const result = pickStrings(isBag(bag.result) ? bag.result : {}, EXIT_KEYS);
      return result?.reason ? { type: 'exit', result: result as unknown as ConnectExitResult } : undefined;
    }
    case 'tokenRequest': {
      // The id only goes back to the frame in its answer: any number will do on this side.
      return typeof bag.id === 'number' ? { type: 'tokenRequest', id: bag.id } : undefined;
    }
    default: {
      return undefined;
    }
  }
}

const LOCALES: readonly unknown[] = CONNECT_LOCALES;
const COLOR_SCHEMES: readonly unknown[] = CONNECT_COLOR_SCHEMES;
const DATA_SCOPES: readonly unknown[] = CONNECT_DATA_SCOPES;
const MODES: readonly unknown[] = CONNECT_MODES;

function parsePartner(value: unknown): ConnectPartner | undefined {
  if (!isBag(value) || !isString(value.name)) return undefined;
  const rest = pickStrings(value, ['logoUrl', 'privacyPolicyUrl']);
  return rest && { ...rest, name: value.name };
}

function parseConfig(value: unknown): FrameConfig | undefined {
  if (!isBag(value)) return undefined;
  const strings = pickStrings(value, ['proxyUrl', 'institutionCode', 'memberGuid']);
  const { skipAggregation, mode, locale, colorScheme, theme, messages, modal, skipConsent, dataRequested } = value;
  const partner = value.partner === undefined ? undefined : parsePartner(value.partner);
  const valid =
    strings &&
    (value.partner === undefined || partner !== undefined) &&
    isOptional(skipConsent, (v) => typeof v === 'boolean') &&
    isOptional(dataRequested, (v) => Array.isArray(v) && v.every((scope) => DATA_SCOPES.includes(scope))) &&
    isOptional(skipAggregation, (v) => typeof v === 'boolean') &&
    isOptional(mode, (v) => MODES.includes(v)) &&
    isOptional(modal, (v) => typeof v === 'boolean') &&
    isOptional(locale, (v) => LOCALES.includes(v)) &&
    isOptional(colorScheme, (v) => COLOR_SCHEMES.includes(v)) &&
    isOptional(theme, isStringRecord) &&
    isOptional(messages, isStringRecord);
  if (!valid) return undefined;
  const config: Bag = {
    ...strings,
    skipAggregation,
    mode,
    locale,
    colorScheme,
    theme,
    messages,
    modal,
    partner,
    skipConsent,
    dataRequested,
  };
  for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
  return config as FrameConfig;
}

/** Parses a message the frame received from the host; `undefined` for anything unknown or malformed. */
export function parseHostMessage(data: unknown): HostToFrameMessage | undefined {
  const bag = open(data);
  switch (bag?.type) {
    case 'handshake': {
      const config = parseConfig(bag.config);
      return config && isString(bag.sessionToken) && typeof bag.refreshable === 'boolean'
        ? { type: 'handshake', config, sessionToken: bag.sessionToken, refreshable: bag.refreshable }
        : undefined;
    }
    case 'token': {
      if (!isId(bag.id) || !isOptional(bag.sessionToken, isString)) return undefined;
      return bag.sessionToken === undefined
        ? { type: 'token', id: bag.id }
        : { type: 'token', id: bag.id, sessionToken: bag.sessionToken as string };
    }
    case 'back': {
      return { type: 'back' };
    }
    case 'close': {
      return bag.force === true ? { type: 'close', force: true } : { type: 'close' };
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
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('origin');
  if (!value) return undefined;
  try {
    const { origin, protocol } = new URL(value);
    return origin === value && (protocol === 'https:' || protocol === 'http:') ? origin : undefined;
  } catch {
    return undefined;
  }
}
