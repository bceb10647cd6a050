import { describe, expect, it } from 'vitest';

import { CONNECTION_OUTCOMES, connectionOutcome } from '../../src/mx/connectionOutcome';
import { CONNECTION_STATUSES } from '../../src/mx/mxEnums';
import {
  type ConnectFlowEvent,
  connectFlowReducer,
  type ConnectState,
  initialConnectState,
} from '../../src/widget/connectFlowReducer';
import { errorScreen, isPollingDone, OUTCOME_SCREENS, rejectionCopy } from '../../src/widget/connectionOutcomes';

const search: ConnectState = { step: 'institutionSearch' };
const credentials: ConnectState = { step: 'credentials', institutionCode: 'mxbank', memberGuid: null, rejection: null };
const status: ConnectState = {
  step: 'connectionStatus',
  institutionCode: 'mxbank',
  memberGuid: 'MBR-1',
  isResumed: false,
};
const mfa: ConnectState = { step: 'mfa', institutionCode: 'mxbank', memberGuid: 'MBR-1', wasRejected: false };
const oauthIdle: ConnectState = {
  step: 'oauth',
  institutionCode: 'mx_bank_oauth',
  memberGuid: null,
  phase: 'idle',
  windowUri: null,
  isDenialFresh: false,
};
const oauth: ConnectState = {
  step: 'oauth',
  institutionCode: 'mx_bank_oauth',
  memberGuid: 'MBR-9',
  phase: 'waiting',
  windowUri: 'https://bank.example/oauth',
  isDenialFresh: true,
};
/** A retry on a member an earlier window left DENIED: it stays DENIED until the new consent. */
const oauthRetry: ConnectState = { ...oauth, isDenialFresh: false };
const failed: ConnectState = {
  step: 'connectionError',
  institutionCode: 'mxbank',
  memberGuid: 'MBR-1',
  kind: 'institutionProblem',
  status: 'FAILED',
};
const connected: ConnectState = { step: 'connected', institutionCode: 'mxbank', memberGuid: 'MBR-1', accounts: [] };
const connectedReading: ConnectState = {
  step: 'connected',
  institutionCode: 'mxbank',
  memberGuid: 'MBR-1',
  accounts: null,
};
const closed: ConnectState = { step: 'closed', reason: 'userCancelled', institutionCode: null, memberGuid: null };

const statusEvent = (
  connection_status: string,
  is_being_aggregated = false,
  challenges?: unknown[],
): ConnectFlowEvent => ({
  type: 'statusReceived',
  status: { connection_status, is_being_aggregated, challenges: challenges as never },
});

describe('initialConnectState', () => {
  it.each([
    [{}, 'consent'],
    [{ institutionCode: 'mxbank' }, 'consent'],
    [{ skipConsent: true }, 'institutionSearch'],
    [{ skipConsent: true, institutionCode: 'mxbank' }, 'credentials'],
    [{ skipConsent: true, memberGuid: 'MBR-1' }, 'memberLookup'],
    [{ skipConsent: true, memberGuid: 'MBR-1', institutionCode: 'mxbank' }, 'memberLookup'],
  ] as const)('starts %j at %s', (options, step) => {
    expect(initialConnectState(options).step).toBe(step);
  });

  it.each([
    [{}, 'institutionSearch'],
    [{ institutionCode: 'mxbank' }, 'credentials'],
    [{ memberGuid: 'MBR-1', institutionCode: 'mxbank' }, 'memberLookup'],
  ] as const)('goes from consent for %j to %s on Continue', (options, step) => {
    expect(connectFlowReducer(initialConnectState(options), { type: 'consentGiven' }).step).toBe(step);
  });
});

describe('connectFlowReducer', () => {
  const cases: [string, ConnectState, ConnectFlowEvent, Partial<ConnectState> & { step: ConnectState['step'] }][] = [
    [
      'selecting an institution opens its form',
      search,
      { type: 'institutionSelected', institutionCode: 'mxbank', isOAuth: false },
      { step: 'credentials', institutionCode: 'mxbank', memberGuid: null },
    ],
    [
      'selecting an OAuth institution opens the OAuth step',
      search,
      { type: 'institutionSelected', institutionCode: 'mx_bank_oauth', isOAuth: true },
      { step: 'oauth', memberGuid: null },
    ],
    ['back from credentials returns to search', credentials, { type: 'backRequested' }, { step: 'institutionSearch' }],
    [
      'an OAuth institution found on the form switches to OAuth',
      credentials,
      { type: 'oauthRequired' },
      { step: 'oauth' },
    ],
    [
      'a submitted member starts polling',
      credentials,
      { type: 'memberSubmitted', memberGuid: 'MBR-1' },
      { step: 'connectionStatus', memberGuid: 'MBR-1' },
    ],
    [
      'choosing the existing member polls it',
      credentials,
      { type: 'existingMemberChosen', memberGuid: 'MBR-0' },
      { step: 'connectionStatus', memberGuid: 'MBR-0' },
    ],
    [
      'update mode: the member names the institution',
      { step: 'memberLookup', memberGuid: 'MBR-1' },
      { type: 'memberLookedUp', institutionCode: 'mxbank' },
      { step: 'credentials', memberGuid: 'MBR-1' },
    ],
    ['aggregating keeps polling', status, statusEvent('CONNECTED', true), { step: 'connectionStatus' }],
    ['CONNECTED and idle succeeds', status, statusEvent('CONNECTED'), { step: 'connected', memberGuid: 'MBR-1' }],
    [
      'CHALLENGED (still aggregating) asks MFA',
      status,
      statusEvent('CHALLENGED', true),
      { step: 'mfa', wasRejected: false },
    ],
    [
      'REJECTED with a new challenge asks again',
      status,
      statusEvent('REJECTED', false, [{}]),
      { step: 'mfa', wasRejected: true },
    ],
    [
      'REJECTED without challenges offers to restart',
      status,
      statusEvent('REJECTED'),
      { step: 'connectionError', kind: 'rejected' },
    ],
    [
      'DENIED returns to the form in update mode',
      status,
      statusEvent('DENIED'),
      { step: 'credentials', memberGuid: 'MBR-1', rejection: 'DENIED' },
    ],
    [
      'LOCKED sends the user to the institution',
      status,
      statusEvent('LOCKED'),
      { step: 'connectionError', kind: 'actionAtInstitution' },
    ],
    ['PENDING opens the OAuth step', status, statusEvent('PENDING'), { step: 'oauth', memberGuid: 'MBR-1' }],
    [
      'an unknown status while idle is a retryable problem',
      status,
      statusEvent('SOMETHING_NEW'),
      { step: 'connectionError', kind: 'institutionProblem', status: null },
    ],
    ['an MFA answer resumes polling', mfa, { type: 'mfaSubmitted' }, { step: 'connectionStatus', isResumed: true }],
    [
      'OAuth records the created member',
      oauthIdle,
      { type: 'oauthStarted', memberGuid: 'MBR-9', isNew: true },
      { step: 'oauth', memberGuid: 'MBR-9', isDenialFresh: true },
    ],
    [
      'a new OAuth window forgets an earlier denial',
      oauth,
      { type: 'oauthOpening' },
      { step: 'oauth', phase: 'opening', isDenialFresh: false },
    ],
    [
      'an opened window waits for the bank',
      { ...oauthIdle, phase: 'opening' },
      { type: 'oauthWindowReady', windowUri: 'https://bank.example/x', isBlocked: false },
      { step: 'oauth', phase: 'waiting', windowUri: 'https://bank.example/x' },
    ],
    [
      'a blocked window offers a link',
      { ...oauthIdle, phase: 'opening' },
      { type: 'oauthWindowReady', windowUri: 'https://bank.example/x', isBlocked: true },
      { step: 'oauth', phase: 'blocked' },
    ],
    [
      'an OAuth URL that could not be fetched fails the window',
      { ...oauthIdle, phase: 'opening' },
      { type: 'oauthFailed' },
      { step: 'oauth', phase: 'failed' },
    ],
    [
      'the person closing the bank window is noticed',
      oauth,
      { type: 'oauthWindowClosed' },
      { step: 'oauth', phase: 'windowClosed' },
    ],
    [
      'an OAuth denial stays on the OAuth step',
      oauth,
      statusEvent('DENIED'),
      { step: 'oauth', memberGuid: 'MBR-9', phase: 'denied' },
    ],
    [
      'a retried window ignores the earlier DENIED',
      oauthRetry,
      statusEvent('DENIED'),
      { step: 'oauth', phase: 'waiting' },
    ],
    [
      'a retried window counts a denial once PENDING was seen',
      connectFlowReducer(oauthRetry, statusEvent('PENDING')),
      statusEvent('DENIED'),
      { step: 'oauth', phase: 'denied' },
    ],
    [
      'OAuth consent then aggregating shows the connecting step',
      oauth,
      statusEvent('CONNECTED', true),
      { step: 'connectionStatus', memberGuid: 'MBR-9' },
    ],
    ['OAuth keeps waiting while PENDING', oauth, statusEvent('PENDING'), { step: 'oauth', memberGuid: 'MBR-9' }],
    ['OAuth completes on CONNECTED', oauth, statusEvent('CONNECTED'), { step: 'connected', memberGuid: 'MBR-9' }],
    [
      'OAuth ignores status before a member exists',
      oauthIdle,
      statusEvent('CONNECTED'),
      { step: 'oauth', memberGuid: null },
    ],
    ['OAuth cancel goes back to search', oauth, { type: 'backRequested' }, { step: 'institutionSearch' }],
    ['a retry after a failure polls again', failed, { type: 'aggregationRestarted' }, { step: 'connectionStatus' }],
    [
      'closing a failure exits with its reason',
      failed,
      { type: 'exitRequested' },
      { step: 'closed', reason: 'institutionError', memberGuid: 'MBR-1' },
    ],
    [
      'closing elsewhere is a user cancel',
      credentials,
      { type: 'exitRequested' },
      { step: 'closed', reason: 'userCancelled', institutionCode: 'mxbank' },
    ],
    ['a 401 ends the session', status, { type: 'sessionExpired' }, { step: 'closed', reason: 'sessionExpired' }],
    [
      'closing the consent screen is a user cancel',
      initialConnectState({}),
      { type: 'exitRequested' },
      { step: 'closed', reason: 'userCancelled' },
    ],
    [
      '"My bank isn\'t listed" ends the session with its own reason',
      search,
      { type: 'notListedChosen' },
      { step: 'closed', reason: 'institutionNotListed' },
    ],
    [
      'the accounts complete a success',
      connectedReading,
      { type: 'accountsLoaded', accounts: [] },
      { step: 'connected', accounts: [] },
    ],
    [
      '"Connect another account" starts over at search',
      connected,
      { type: 'restartRequested' },
      { step: 'institutionSearch' },
    ],
    ['a closed session can start over too', closed, { type: 'restartRequested' }, { step: 'institutionSearch' }],
  ];

  it.each(cases)('%s', (_title, state, event, expected) => {
    expect(connectFlowReducer(state, event)).toMatchObject(expected);
  });

  it.each([
    ['search ignores a status', search, statusEvent('CONNECTED')],
    ['credentials ignore an MFA answer', credentials, { type: 'mfaSubmitted' } as const],
    ['polling ignores back', status, { type: 'backRequested' } as const],
    ['connected ignores exit (the host already had onSuccess)', connected, { type: 'exitRequested' } as const],
    [
      'a window closed after the denial keeps the denial',
      { ...oauth, phase: 'denied' },
      { type: 'oauthWindowClosed' } as const,
    ],
    ['closed ignores everything', closed, { type: 'sessionExpired' } as const],
    [
      'a success still reading accounts cannot start over (onSuccess is pending)',
      connectedReading,
      { type: 'restartRequested' } as const,
    ],
    ['accounts are read once', connected, { type: 'accountsLoaded', accounts: [] } as const],
    ['search only ends as "not listed" on request', search, { type: 'consentGiven' } as const],
  ] satisfies [string, ConnectState, ConnectFlowEvent][])('%s', (_title, state, event) => {
    expect(connectFlowReducer(state, event)).toBe(state);
  });
});

// Written out from product.md ("What each connection_status leads to"), not read from the tables under test. Per status,
// when no job runs: outcome, the step the connecting step moves to, whether polling stops (connecting step / OAuth
// window out), what closing that screen reports (null: closing is ignored, onSuccess was sent) and the copy key.
const STATUS_SCREENS = [
  ['CREATED', 'pending', 'connectionStatus', false, false, 'userCancelled', null],
  ['UPDATED', 'pending', 'connectionStatus', false, false, 'userCancelled', null],
  ['RESUMED', 'pending', 'connectionStatus', false, false, 'userCancelled', null],
  ['RECONNECTED', 'pending', 'connectionStatus', false, false, 'userCancelled', null],
  ['DELAYED', 'pending', 'connectionStatus', false, false, 'userCancelled', null],
  ['CONNECTED', 'connected', 'connected', true, true, null, null],
  ['CHALLENGED', 'challenged', 'mfa', true, true, 'userCancelled', null],
  ['REJECTED', 'rejected', 'connectionError', true, true, 'userCancelled', 'rejectedTitle'],
  ['EXPIRED', 'expired', 'connectionError', true, true, 'userCancelled', 'expiredTitle'],
  ['DENIED', 'credentialsNeeded', 'credentials', true, false, 'userCancelled', 'deniedReason'],
  ['PREVENTED', 'credentialsNeeded', 'credentials', true, false, 'userCancelled', 'preventedReason'],
  ['IMPAIRED', 'credentialsNeeded', 'credentials', true, false, 'userCancelled', 'impairedReason'],
  ['IMPORTED', 'credentialsNeeded', 'credentials', true, false, 'userCancelled', 'importedReason'],
  ['LOCKED', 'actionAtInstitution', 'connectionError', true, true, 'actionRequired', 'actionTitle'],
  ['IMPEDED', 'actionAtInstitution', 'connectionError', true, true, 'actionRequired', 'actionTitle'],
  ['FAILED', 'institutionProblem', 'connectionError', true, true, 'institutionError', 'problemTitle'],
  ['DEGRADED', 'institutionProblem', 'connectionError', true, true, 'institutionError', 'problemTitle'],
  ['DISCONNECTED', 'institutionProblem', 'connectionError', true, true, 'institutionError', 'problemTitle'],
  ['DISCONTINUED', 'unavailable', 'connectionError', true, true, 'connectionUnavailable', 'unavailableTitle'],
  ['CLOSED', 'unavailable', 'connectionError', true, true, 'connectionUnavailable', 'unavailableTitle'],
  ['DISABLED', 'unavailable', 'connectionError', true, true, 'connectionUnavailable', 'unavailableTitle'],
  ['PENDING', 'oauth', 'oauth', true, false, 'userCancelled', null],
] as const;

describe('connection status table', () => {
  it('has an outcome for each of the 22 statuses', () => {
    const statuses = STATUS_SCREENS.map(([status]) => status).sort();
    expect(statuses).toHaveLength(22);
    expect([...CONNECTION_STATUSES].sort()).toEqual(statuses);
    expect(Object.keys(CONNECTION_OUTCOMES).sort()).toEqual(statuses);
    expect(Object.keys(OUTCOME_SCREENS).sort()).toEqual([...new Set(STATUS_SCREENS.map(([, o]) => o))].sort());
  });

  it.each(STATUS_SCREENS)(
    '%s → %s: step %s, polling stops %s (OAuth %s), closing reports %s, copy %s',
    (s, outcome, step, stops, stopsInOAuth, exitReason, copy) => {
      const answer = { connection_status: s, is_being_aggregated: false };
      expect(connectionOutcome(answer)).toBe(outcome);
      const next = connectFlowReducer(status, statusEvent(s));
      expect(next.step).toBe(step);
      expect(isPollingDone(answer, false)).toBe(stops);
      expect(isPollingDone(answer, true)).toBe(stopsInOAuth);
      const exited = connectFlowReducer(next, { type: 'exitRequested' });
      expect(exited.step === 'closed' ? exited.reason : null).toBe(exitReason);
      if (next.step === 'connectionError') expect(errorScreen(next.kind).copy.title).toBe(copy);
      else if (next.step === 'credentials') expect(rejectionCopy(s)).toBe(copy);
      else expect(copy).toBeNull();
    },
  );

  it('keeps polling while aggregating, except when the user must act', () => {
    expect(connectionOutcome({ connection_status: 'DENIED', is_being_aggregated: true })).toBe('pending');
    expect(isPollingDone({ connection_status: 'DENIED', is_being_aggregated: true }, false)).toBe(false);
    expect(connectionOutcome({ connection_status: 'CHALLENGED', is_being_aggregated: true })).toBe('challenged');
    expect(connectionOutcome({ connection_status: 'PENDING', is_being_aggregated: true })).toBe('oauth');
  });

  it('treats a status MX adds later as pending while a job runs and as a retryable problem after', () => {
    expect(connectionOutcome({ connection_status: 'SOMETHING_NEW', is_being_aggregated: true })).toBe('pending');
    expect(connectionOutcome({ connection_status: null, is_being_aggregated: false })).toBe('institutionProblem');
    expect(connectFlowReducer(status, { type: 'exitRequested' })).toMatchObject({ reason: 'userCancelled' });
  });
});
