// The host contract: MX-named events with typed metadata (product.md "Host interface"). Metadata never carries
// credential values or MFA answers; it names things by guid/code only.
import type { ConnectedAccount } from '../protocol/messages';

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
  /** The person did not find their bank in search and chose "My bank isn't listed": offer manual entry. */
  | 'institutionNotListed';

export type { ConnectedAccount, ConnectDataScope, ConnectPartner } from '../protocol/messages';

export interface ConnectSuccessResult {
  memberGuid: string;
  institutionCode: string;
  /**
   * The member's accounts: name, MX type and the last four digits only. Empty when they could not be read (the
   * connection itself succeeded).
   */
  accounts: ConnectedAccount[];
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
