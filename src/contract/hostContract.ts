// The host contract (product.md "Host interface"): what a partner page configures and hears back, the same for the
// React widget and the SDK's iframe. Declared once here and imported by the widget, the postMessage protocol, the SDK
// and the frame. Dependency-free and type-first: the SDK bundles what it uses from here against a 2 kB budget.
// Event metadata never carries credential values or MFA answers; it names things by guid/code only.

/** Languages the widget ships copy for. Non-English copy loads lazily. */
export const CONNECT_LOCALES = ['en', 'es', 'fr-CA'] as const;
export type ConnectLocale = (typeof CONNECT_LOCALES)[number];

/** `system` follows the user's `prefers-color-scheme`. */
export const CONNECT_COLOR_SCHEMES = ['light', 'dark', 'system'] as const;
export type ConnectColorScheme = (typeof CONNECT_COLOR_SCHEMES)[number];

/**
 * `aggregation` (the default) connects a bank and reads its accounts. `verification` runs MX's verification job
 * (account and routing numbers, read by the partner's backend) and ends with the person choosing one checking or
 * savings account, which `onSuccess` names in `account`.
 */
export const CONNECT_MODES = ['aggregation', 'verification'] as const;
export type ConnectMode = (typeof CONNECT_MODES)[number];

/** Theme tokens, applied as CSS custom properties on the widget root (never on :root, so widgets stay isolated). */
export interface ConnectTheme {
  colorPrimary: string;
  colorOnPrimary: string;
  colorBackground: string;
  colorSurface: string;
  colorText: string;
  colorTextMuted: string;
  colorBorder: string;
  colorError: string;
  colorSuccess: string;
  colorFocus: string;
  fontFamily: string;
  fontSize: string;
  radius: string;
  spacing: string;
}

/** What the host will read from the connected accounts, listed on the consent screen. */
export type ConnectDataScope = 'accountDetails' | 'balances' | 'transactions' | 'accountNumbers';
export const CONNECT_DATA_SCOPES = [
  'accountDetails',
  'balances',
  'transactions',
  'accountNumbers',
] as const satisfies readonly ConnectDataScope[];

/** Who is asking for the connection, named on the consent and success screens. */
export interface ConnectPartner {
  name: string;
  /** An absolute http(s) or data:image URL; anything else is not shown. */
  logoUrl?: string;
  privacyPolicyUrl?: string;
}

/** One connected account as the host hears about it: never more than the last four digits of its number. */
export interface ConnectedAccount {
  guid: string;
  name: string;
  /** MX's account type (`CHECKING`, `SAVINGS`, `CREDIT_CARD`, …); `null` when MX does not say. */
  type: string | null;
  /** The last four digits of the account number, when MX has them. */
  lastFour: string | null;
}

export interface ConnectEventMetadata {
  loaded: { initial_step: ConnectStepName };
  stepChange: { previous: ConnectStepName; current: ConnectStepName };
  institutionSearch: { query: string };
  selectedInstitution: { code: string; name: string };
  enterCredentials: { institution: { code: string } };
  updateCredentials: { institution: { code: string }; member_guid: string };
  submitMFA: { member_guid: string };
  memberStatusUpdate: { member_guid: string; connection_status: string | null };
  memberConnected: { member_guid: string; institution_code: string };
  createMemberError: { institution_code: string; status: number; message: string };
  oauthRequested: { member_guid: string; url: string };
  oauthError: { member_guid: string; reason: string };
  backToSearch: Record<string, never>;
  invalidData: { code: string; type: string; field_type?: string };
  memberDeleted: { member_guid: string };
  'connected/primaryAction': { member_guid: string };
}

export type ConnectEventName = keyof ConnectEventMetadata;

/** One event as the host receives it, in MX's wire shape. */
export type ConnectEvent = {
  [K in ConnectEventName]: { mx: true; type: `mx/connect/${K}`; metadata: ConnectEventMetadata[K] };
}[ConnectEventName];

export const CONNECT_EVENT_NAMES = [
  'loaded',
  'stepChange',
  'institutionSearch',
  'selectedInstitution',
  'enterCredentials',
  'updateCredentials',
  'submitMFA',
  'memberStatusUpdate',
  'memberConnected',
  'createMemberError',
  'oauthRequested',
  'oauthError',
  'backToSearch',
  'invalidData',
  'memberDeleted',
  'connected/primaryAction',
] as const satisfies readonly ConnectEventName[];

/** Step names as reported in `stepChange` (stable, for analytics). */
export type ConnectStepName =
  | 'consent'
  | 'search'
  | 'loadingMember'
  | 'enterCreds'
  | 'oauth'
  | 'connecting'
  | 'mfa'
  | 'error'
  | 'connected'
  /** Verification mode: the person chooses the account to verify. */
  | 'accountSelect'
  | 'closed';

/** Why the widget ended without a connection (`onExit`). */
export type ConnectExitReason =
  | 'userCancelled'
  | 'sessionExpired'
  | 'actionRequired'
  | 'institutionError'
  | 'connectionUnavailable'
  | 'unmounted'
  | 'widgetError'
  /**
   * SDK only: the frame never started (wrong `frameUrl`, an error page, a frame of another version), or refused an
   * option it does not accept (then `message` names it).
   */
  | 'frameError'
  /** The person did not find their bank in search and chose "My bank isn't listed": offer manual entry. */
  | 'institutionNotListed';

export interface ConnectSuccessResult {
  memberGuid: string;
  institutionCode: string;
  /**
   * The member's accounts: name, MX type and the last four digits only. Empty when they could not be read (the
   * connection itself succeeded).
   */
  accounts: ConnectedAccount[];
  /**
   * Verification mode only: the checking or savings account the person chose. Your backend reads its account and
   * routing numbers from MX with `memberGuid` and `account.guid` (`readAccountNumbers` in `member-connect/server`).
   */
  account?: ConnectedAccount;
}
/**
 * What a partner's token endpoint returns to the browser: `{ sessionToken }`, the string from
 * `createSessionTokens().issue(userGuid)`. The SDK's `sessionToken` option (or function) gives that string.
 * @example
 * sessionToken: () => fetch('/connect-token').then((r) => r.json() as Promise<SessionTokenResponse>).then((b) => b.sessionToken)
 */
export interface SessionTokenResponse {
  sessionToken: string;
}

export interface ConnectExitResult {
  reason: ConnectExitReason;
  memberGuid?: string;
  institutionCode?: string;
  message?: string;
}

export type EmitEvent = <K extends ConnectEventName>(name: K, metadata: ConnectEventMetadata[K]) => void;

export const toConnectEvent = <K extends ConnectEventName>(name: K, metadata: ConnectEventMetadata[K]): ConnectEvent =>
  ({ mx: true, type: `mx/connect/${name}`, metadata }) as ConnectEvent;
