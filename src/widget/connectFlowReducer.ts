import type { MemberStatus } from '../api/schemas';
import type { ConnectedAccount, ConnectExitReason, ConnectMode, ConnectStepName } from '../contract/hostContract';
import { connectionOutcome } from '../mx/connectionOutcome';
import { type ConnectionStatus, isConnectionStatus } from '../mx/mxEnums';
import { type ConnectionErrorKind, errorScreen, isConnectionError, OUTCOME_SCREENS } from './connectionOutcomes';

/**
 * Where an OAuth step is. `opening`: the window is open on about:blank while the URL is fetched; `waiting`: the bank's
 * page is in it; `blocked`: the browser refused the window (a link is offered); `windowClosed`: the person closed it
 * before finishing; `denied`: the bank reported no consent; `failed`: we could not get a URL.
 */
export type OAuthPhase = 'idle' | 'opening' | 'waiting' | 'blocked' | 'windowClosed' | 'denied' | 'failed';

/**
 * Where the user is. Server data lives in React Query, keyed by the ids held here; a polling step acts only on answers
 * fetched after it appeared (useMemberStatus), so no counter is needed to keep one round's status out of the next.
 */
export type ConnectState =
  /** Who asks and what they will see, before anything else; `deepLink` is where Continue leads. */
  | { step: 'consent'; deepLink: ConnectFlowOptions }
  | { step: 'institutionSearch' }
  | { step: 'memberLookup'; memberGuid: string }
  | { step: 'credentials'; institutionCode: string; memberGuid: string | null; rejection: ConnectionStatus | null }
  | {
      step: 'oauth';
      institutionCode: string;
      memberGuid: string | null;
      phase: OAuthPhase;
      windowUri: string | null;
      /**
       * The member left PENDING/DENIED (or was created) since this window opened. A member denied in an earlier
       * window stays DENIED until the new consent, which must not read as a second denial.
       */
      isDenialFresh: boolean;
    }
  | {
      step: 'connectionStatus';
      institutionCode: string;
      memberGuid: string;
      isResumed: boolean;
      /** Verification mode: the step starts the verification job (`POST …/verify`) before it reads the status. */
      startsVerification?: true;
    }
  | { step: 'mfa'; institutionCode: string; memberGuid: string; wasRejected: boolean }
  | {
      step: 'connectionError';
      institutionCode: string;
      memberGuid: string;
      kind: ConnectionErrorKind;
      status: ConnectionStatus | null;
    }
  /** Verification mode, once the job has ended CONNECTED: the person picks the checking or savings account to verify. */
  | { step: 'accountSelect'; institutionCode: string; memberGuid: string }
  /**
   * `accounts` is null until they were read (or failed to be): `onSuccess` carries them, so it waits for that.
   * `account`: the one chosen in verification mode.
   */
  | {
      step: 'connected';
      institutionCode: string;
      memberGuid: string;
      accounts: ConnectedAccount[] | null;
      account?: ConnectedAccount;
    }
  | { step: 'closed'; reason: ConnectExitReason; institutionCode: string | null; memberGuid: string | null };

export type ConnectStep = ConnectState['step'];

export type ConnectFlowEvent =
  | { type: 'institutionSelected'; institutionCode: string; isOAuth: boolean }
  | { type: 'memberLookedUp'; institutionCode: string }
  | { type: 'oauthRequired' }
  | { type: 'backRequested' }
  | { type: 'memberSubmitted'; memberGuid: string }
  | { type: 'existingMemberChosen'; memberGuid: string }
  /** The window is open (on about:blank) and a URL is being fetched. */
  | { type: 'oauthOpening' }
  /** The member for this window is known; `isNew`: it was just created (PENDING), so any denial is this window's. */
  | { type: 'oauthStarted'; memberGuid: string; isNew: boolean }
  | { type: 'oauthWindowReady'; windowUri: string; isBlocked: boolean }
  | { type: 'oauthFailed' }
  | { type: 'oauthWindowClosed' }
  | { type: 'statusReceived'; status: Pick<MemberStatus, 'connection_status' | 'is_being_aggregated' | 'challenges'> }
  | { type: 'mfaSubmitted' }
  /** The resume was refused (405/409: no longer CHALLENGED, e.g. EXPIRED): re-read the status for the real outcome. */
  | { type: 'resumeRefused' }
  /** While the MFA step was shown, the member's status moved on (the question expired): act on the new status. */
  | { type: 'statusChanged' }
  | { type: 'aggregationRestarted' }
  | { type: 'sessionExpired' }
  | { type: 'exitRequested' }
  | { type: 'consentGiven' }
  /** "My bank isn't listed": the session ends so the host can offer another way (e.g. manual entry). */
  | { type: 'notListedChosen' }
  | { type: 'accountsLoaded'; accounts: ConnectedAccount[] }
  /** Verification mode: MX refused to start the verification job for this member's institution. */
  | { type: 'verificationRefused' }
  /** Verification mode: the account to verify, with every account of the member (`onSuccess` carries both). */
  | { type: 'accountChosen'; account: ConnectedAccount; accounts: ConnectedAccount[] }
  /** A new session in the same widget ("Connect another account"), from a finished one. */
  | { type: 'restartRequested' };

export interface ConnectFlowOptions {
  institutionCode?: string | undefined;
  memberGuid?: string | undefined;
  /** @default 'aggregation' */
  mode?: ConnectMode | undefined;
  /** Start without the consent screen. */
  skipConsent?: boolean | undefined;
}

export function initialConnectState({ institutionCode, memberGuid, skipConsent }: ConnectFlowOptions): ConnectState {
  if (skipConsent !== true) return { step: 'consent', deepLink: { institutionCode, memberGuid } };
  // Deep-link priority: an existing member (update mode) wins over an institution.
  if (memberGuid !== undefined) return { step: 'memberLookup', memberGuid };
  if (institutionCode !== undefined) return { step: 'credentials', institutionCode, memberGuid: null, rejection: null };
  return { step: 'institutionSearch' };
}

function close(state: ConnectState, reason: ConnectExitReason): ConnectState {
  return {
    step: 'closed',
    reason,
    institutionCode: 'institutionCode' in state ? state.institutionCode : null,
    memberGuid: 'memberGuid' in state ? state.memberGuid : null,
  };
}

const oauthState = (institutionCode: string, memberGuid: string | null): ConnectState => ({
  step: 'oauth',
  institutionCode,
  memberGuid,
  phase: 'idle',
  windowUri: null,
  isDenialFresh: false,
});

/** OAuth while a window is out: PENDING waits, a fresh DENIED is this window's denial, consent moves on to polling. */
function applyOAuthStatus(
  state: Extract<ConnectState, { step: 'oauth' }>,
  memberGuid: string,
  status: Extract<ConnectFlowEvent, { type: 'statusReceived' }>['status'],
  mode: ConnectMode,
): ConnectState {
  const outcome = connectionOutcome(status);
  if (outcome === 'oauth') return state.isDenialFresh ? state : { ...state, isDenialFresh: true };
  if (outcome === 'credentialsNeeded') {
    if (!state.isDenialFresh || state.phase === 'opening' || state.phase === 'idle') return state;
    return state.phase === 'denied' ? state : { ...state, phase: 'denied' };
  }
  // Consent was given and the bank is now aggregating: the rest is the ordinary connecting step. In verification mode
  // the consent ran no job (skip_aggregation): the connecting step starts the verification.
  if (outcome === 'pending' || (outcome === 'connected' && mode === 'verification'))
    return connecting(state.institutionCode, memberGuid, mode);
  return applyStatus(state, memberGuid, status, mode);
}

const connecting = (institutionCode: string, memberGuid: string, mode: ConnectMode): ConnectState => ({
  step: 'connectionStatus',
  institutionCode,
  memberGuid,
  isResumed: false,
  ...(mode === 'verification' ? { startsVerification: true } : {}),
});

/** Where a status leads from the connecting (or OAuth) step: the `step` column of `OUTCOME_SCREENS`. */
function applyStatus(
  state: Extract<ConnectState, { step: 'connectionStatus' | 'oauth' }>,
  memberGuid: string,
  status: Extract<ConnectFlowEvent, { type: 'statusReceived' }>['status'],
  mode: ConnectMode,
): ConnectState {
  const { institutionCode } = state;
  const raw = status.connection_status ?? null;
  const known = raw !== null && isConnectionStatus(raw) ? raw : null;
  const outcome = connectionOutcome(status);
  if (isConnectionError(outcome)) {
    // A wrong answer may be followed by a new challenge (product.md); otherwise offer to start again.
    if (outcome === 'rejected' && (status.challenges?.length ?? 0) > 0)
      return { step: 'mfa', institutionCode, memberGuid, wasRejected: true };
    return { step: 'connectionError', institutionCode, memberGuid, kind: outcome, status: known };
  }
  const { step } = OUTCOME_SCREENS[outcome];
  switch (step) {
    case 'connectionStatus':
      return state;
    case 'connected':
      // Verification ends with the person's choice of account, not on the connected status itself.
      return mode === 'verification'
        ? { step: 'accountSelect', institutionCode, memberGuid }
        : { step, institutionCode, memberGuid, accounts: null };
    case 'mfa':
      return { step, institutionCode, memberGuid, wasRejected: false };
    case 'credentials':
      // An OAuth denial is shown by the OAuth step itself (applyOAuthStatus): there is no form.
      if (state.step === 'oauth') return state;
      return { step, institutionCode, memberGuid, rejection: known };
    case 'oauth':
      return state.step === 'oauth' ? state : oauthState(institutionCode, memberGuid);
    default:
      return step satisfies never;
  }
}

/**
 * The step machine. Events that do not apply to the current step leave the state unchanged. `mode` is the widget's
 * (fixed for its lifetime): verification starts its job from the connecting step and ends with the account choice.
 */
export function connectFlowReducer(
  state: ConnectState,
  event: ConnectFlowEvent,
  mode: ConnectMode = 'aggregation',
): ConnectState {
  // Finished sessions ignore everything but a fresh start (once the host has had its one callback) and, on success, the
  // accounts that callback carries.
  if (state.step === 'closed' || state.step === 'connected') {
    if (state.step === 'connected' && state.accounts === null) {
      return event.type === 'accountsLoaded' ? { ...state, accounts: event.accounts } : state;
    }
    return event.type === 'restartRequested' ? { step: 'institutionSearch' } : state;
  }
  if (event.type === 'sessionExpired') return close(state, 'sessionExpired');
  if (event.type === 'exitRequested') {
    return close(state, state.step === 'connectionError' ? errorScreen(state.kind).exitReason : 'userCancelled');
  }

  switch (state.step) {
    case 'consent': {
      return event.type === 'consentGiven' ? initialConnectState({ ...state.deepLink, skipConsent: true }) : state;
    }
    case 'institutionSearch': {
      if (event.type === 'notListedChosen') return close(state, 'institutionNotListed');
      if (event.type !== 'institutionSelected') return state;
      return event.isOAuth
        ? oauthState(event.institutionCode, null)
        : { step: 'credentials', institutionCode: event.institutionCode, memberGuid: null, rejection: null };
    }
    case 'memberLookup': {
      if (event.type !== 'memberLookedUp') return state;
      return {
        step: 'credentials',
        institutionCode: event.institutionCode,
        memberGuid: state.memberGuid,
        rejection: null,
      };
    }
    case 'credentials': {
      switch (event.type) {
        case 'backRequested':
          return { step: 'institutionSearch' };
        case 'oauthRequired':
          return oauthState(state.institutionCode, state.memberGuid);
        case 'memberSubmitted':
        case 'existingMemberChosen':
          return connecting(state.institutionCode, event.memberGuid, mode);
        default:
          return state;
      }
    }
    case 'oauth': {
      switch (event.type) {
        case 'backRequested':
          return { step: 'institutionSearch' };
        case 'oauthOpening':
          return { ...state, phase: 'opening', isDenialFresh: false };
        case 'oauthStarted':
          return { ...state, memberGuid: event.memberGuid, isDenialFresh: event.isNew };
        case 'oauthWindowReady':
          return state.phase === 'opening'
            ? { ...state, windowUri: event.windowUri, phase: event.isBlocked ? 'blocked' : 'waiting' }
            : state;
        case 'oauthFailed':
          return { ...state, phase: 'failed' };
        case 'oauthWindowClosed':
          return state.phase === 'waiting' ? { ...state, phase: 'windowClosed' } : state;
        case 'statusReceived':
          return state.memberGuid === null ? state : applyOAuthStatus(state, state.memberGuid, event.status, mode);
        default:
          return state;
      }
    }
    case 'connectionStatus': {
      if (event.type === 'verificationRefused') {
        const { institutionCode, memberGuid } = state;
        return { step: 'connectionError', institutionCode, memberGuid, kind: 'verificationUnavailable', status: null };
      }
      if (event.type !== 'statusReceived') return state;
      return applyStatus(state, state.memberGuid, event.status, mode);
    }
    case 'mfa': {
      if (event.type !== 'mfaSubmitted' && event.type !== 'resumeRefused' && event.type !== 'statusChanged')
        return state;
      return {
        step: 'connectionStatus',
        institutionCode: state.institutionCode,
        memberGuid: state.memberGuid,
        isResumed: event.type === 'mfaSubmitted',
      };
    }
    case 'connectionError': {
      switch (event.type) {
        case 'aggregationRestarted':
          return connecting(state.institutionCode, state.memberGuid, mode);
        case 'backRequested':
          return { step: 'institutionSearch' };
        default:
          return state;
      }
    }
    case 'accountSelect': {
      switch (event.type) {
        case 'accountChosen': {
          const { institutionCode, memberGuid } = state;
          return { step: 'connected', institutionCode, memberGuid, accounts: event.accounts, account: event.account };
        }
        case 'backRequested':
          return { step: 'institutionSearch' };
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
  consent: 'consent',
  institutionSearch: 'search',
  memberLookup: 'loadingMember',
  credentials: 'enterCreds',
  oauth: 'oauth',
  connectionStatus: 'connecting',
  mfa: 'mfa',
  connectionError: 'error',
  accountSelect: 'accountSelect',
  connected: 'connected',
  closed: 'closed',
};
