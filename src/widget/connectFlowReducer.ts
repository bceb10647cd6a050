import { connectionOutcome } from '../api/connectionOutcome';
import type { MemberStatus } from '../api/schemas';
import type { ConnectExitReason, ConnectStepName } from '../contract/hostContract';
import { type ConnectionStatus, isConnectionStatus } from '../mx/mxEnums';

export type ConnectionErrorKind = 'rejected' | 'expired' | 'actionAtInstitution' | 'institutionProblem' | 'unavailable';

/**
 * Where the user is. Server data lives in React Query; the state only holds the ids it is keyed by. `attempt` grows
 * on every visit to a polling step so each visit gets its own status/challenge cache entry (api/queries.ts).
 */
export type ConnectState = { attempt: number } & (
  | { step: 'institutionSearch' }
  | { step: 'memberLookup'; memberGuid: string }
  | { step: 'credentials'; institutionCode: string; memberGuid: string | null; rejection: ConnectionStatus | null }
  | { step: 'oauth'; institutionCode: string; memberGuid: string | null }
  | { step: 'connectionStatus'; institutionCode: string; memberGuid: string; isResumed: boolean }
  | { step: 'mfa'; institutionCode: string; memberGuid: string; wasRejected: boolean }
  | {
      step: 'connectionError';
      institutionCode: string;
      memberGuid: string;
      kind: ConnectionErrorKind;
      status: ConnectionStatus | null;
    }
  | { step: 'connected'; institutionCode: string; memberGuid: string }
  | { step: 'closed'; reason: ConnectExitReason; institutionCode: string | null; memberGuid: string | null }
);

export type ConnectStep = ConnectState['step'];

export type ConnectFlowEvent =
  | { type: 'institutionSelected'; institutionCode: string; isOAuth: boolean }
  | { type: 'memberLookedUp'; institutionCode: string }
  | { type: 'oauthRequired' }
  | { type: 'backRequested' }
  | { type: 'memberSubmitted'; memberGuid: string }
  | { type: 'existingMemberChosen'; memberGuid: string }
  | { type: 'oauthStarted'; memberGuid: string }
  | { type: 'statusReceived'; status: Pick<MemberStatus, 'connection_status' | 'is_being_aggregated' | 'challenges'> }
  | { type: 'mfaSubmitted' }
  /** The resume was refused (405/409: no longer CHALLENGED, e.g. EXPIRED): re-read the status for the real outcome. */
  | { type: 'resumeRefused' }
  | { type: 'aggregationRestarted' }
  | { type: 'sessionExpired' }
  | { type: 'exitRequested' };

export interface ConnectFlowOptions {
  institutionCode?: string | undefined;
  memberGuid?: string | undefined;
}

export function initialConnectState({ institutionCode, memberGuid }: ConnectFlowOptions): ConnectState {
  // Deep-link priority: an existing member (update mode) wins over an institution.
  if (memberGuid !== undefined) return { step: 'memberLookup', memberGuid, attempt: 0 };
  if (institutionCode !== undefined) {
    return { step: 'credentials', institutionCode, memberGuid: null, rejection: null, attempt: 0 };
  }
  return { step: 'institutionSearch', attempt: 0 };
}

const EXIT_REASON_BY_ERROR: Record<ConnectionErrorKind, ConnectExitReason> = {
  rejected: 'userCancelled',
  expired: 'userCancelled',
  actionAtInstitution: 'actionRequired',
  institutionProblem: 'institutionError',
  unavailable: 'connectionUnavailable',
};

function close(state: ConnectState, reason: ConnectExitReason): ConnectState {
  return {
    step: 'closed',
    reason,
    institutionCode: 'institutionCode' in state ? state.institutionCode : null,
    memberGuid: 'memberGuid' in state ? state.memberGuid : null,
    attempt: state.attempt,
  };
}

function applyStatus(
  state: Extract<ConnectState, { step: 'connectionStatus' | 'oauth' }>,
  memberGuid: string,
  status: Extract<ConnectFlowEvent, { type: 'statusReceived' }>['status'],
): ConnectState {
  const { institutionCode } = state;
  const attempt = state.attempt + 1;
  const raw = status.connection_status ?? null;
  const known = raw !== null && isConnectionStatus(raw) ? raw : null;
  const toError = (kind: ConnectionErrorKind): ConnectState => ({
    step: 'connectionError',
    institutionCode,
    memberGuid,
    kind,
    status: known,
    attempt,
  });
  const outcome = connectionOutcome(status);
  switch (outcome) {
    case 'pending':
      return state;
    case 'connected':
      return { step: 'connected', institutionCode, memberGuid, attempt };
    case 'challenged':
      return { step: 'mfa', institutionCode, memberGuid, wasRejected: false, attempt };
    case 'rejected':
      // A wrong answer may be followed by a new challenge (product.md); otherwise offer to start again.
      return (status.challenges?.length ?? 0) > 0
        ? { step: 'mfa', institutionCode, memberGuid, wasRejected: true, attempt }
        : toError('rejected');
    case 'credentialsNeeded':
      // An OAuth denial is shown by the OAuth step itself (retry with a fresh URL, or cancel): there is no form.
      if (state.step === 'oauth') return state;
      return { step: 'credentials', institutionCode, memberGuid, rejection: known, attempt };
    case 'oauth':
      return state.step === 'oauth' ? state : { step: 'oauth', institutionCode, memberGuid, attempt };
    case 'expired':
    case 'actionAtInstitution':
    case 'institutionProblem':
    case 'unavailable':
      return toError(outcome);
    default:
      return outcome satisfies never;
  }
}

/** The step machine. Events that do not apply to the current step leave the state unchanged. */
export function connectFlowReducer(state: ConnectState, event: ConnectFlowEvent): ConnectState {
  // Terminal states ignore everything: the host has had its one callback.
  if (state.step === 'closed' || state.step === 'connected') return state;
  if (event.type === 'sessionExpired') return close(state, 'sessionExpired');
  if (event.type === 'exitRequested') {
    return close(state, state.step === 'connectionError' ? EXIT_REASON_BY_ERROR[state.kind] : 'userCancelled');
  }

  switch (state.step) {
    case 'institutionSearch': {
      if (event.type !== 'institutionSelected') return state;
      return event.isOAuth
        ? { step: 'oauth', institutionCode: event.institutionCode, memberGuid: null, attempt: state.attempt + 1 }
        : { step: 'credentials', institutionCode: event.institutionCode, memberGuid: null, rejection: null, attempt: state.attempt };
    }
    case 'memberLookup': {
      if (event.type !== 'memberLookedUp') return state;
      return { step: 'credentials', institutionCode: event.institutionCode, memberGuid: state.memberGuid, rejection: null, attempt: state.attempt };
    }
    case 'credentials': {
      switch (event.type) {
        case 'backRequested':
          return { step: 'institutionSearch', attempt: state.attempt };
        case 'oauthRequired':
          return { step: 'oauth', institutionCode: state.institutionCode, memberGuid: state.memberGuid, attempt: state.attempt + 1 };
        case 'memberSubmitted':
        case 'existingMemberChosen':
          return {
            step: 'connectionStatus',
            institutionCode: state.institutionCode,
            memberGuid: event.memberGuid,
            isResumed: false,
            attempt: state.attempt + 1,
          };
        default:
          return state;
      }
    }
    case 'oauth': {
      switch (event.type) {
        case 'backRequested':
          return { step: 'institutionSearch', attempt: state.attempt };
        case 'oauthStarted':
          // Every opened window gets a fresh status query (its own attempt), so a previous denial cannot end it.
          return { ...state, memberGuid: event.memberGuid, attempt: state.attempt + 1 };
        case 'statusReceived':
          return state.memberGuid === null ? state : applyStatus(state, state.memberGuid, event.status);
        default:
          return state;
      }
    }
    case 'connectionStatus': {
      if (event.type !== 'statusReceived') return state;
      return applyStatus(state, state.memberGuid, event.status);
    }
    case 'mfa': {
      if (event.type !== 'mfaSubmitted' && event.type !== 'resumeRefused') return state;
      return {
        step: 'connectionStatus',
        institutionCode: state.institutionCode,
        memberGuid: state.memberGuid,
        isResumed: event.type === 'mfaSubmitted',
        attempt: state.attempt + 1,
      };
    }
    case 'connectionError': {
      switch (event.type) {
        case 'aggregationRestarted':
          return {
            step: 'connectionStatus',
            institutionCode: state.institutionCode,
            memberGuid: state.memberGuid,
            isResumed: false,
            attempt: state.attempt + 1,
          };
        case 'backRequested':
          return { step: 'institutionSearch', attempt: state.attempt };
        default:
          return state;
      }
    }
    default:
      return state satisfies never;
  }
}

/** The stable step names reported to the host. */
export const STEP_NAMES: Record<ConnectStep, ConnectStepName> = {
  institutionSearch: 'search',
  memberLookup: 'loadingMember',
  credentials: 'enterCreds',
  oauth: 'oauth',
  connectionStatus: 'connecting',
  mfa: 'mfa',
  connectionError: 'error',
  connected: 'connected',
  closed: 'closed',
};
