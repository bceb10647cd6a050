// The step machine in verification mode (issue 15 §2): the verification job starts from the connecting step, and a
// CONNECTED member leads to the account choice instead of the success screen.
import { describe, expect, it } from 'vitest';

import type { ConnectedAccount } from '../../src/contract/hostContract';
import {
  type ConnectFlowEvent,
  connectFlowReducer,
  type ConnectState,
  STEP_NAMES,
} from '../../src/widget/connectFlowReducer';

const verify = (state: ConnectState, event: ConnectFlowEvent) => connectFlowReducer(state, event, 'verification');
const aggregate = (state: ConnectState, event: ConnectFlowEvent) => connectFlowReducer(state, event);

const credentials: ConnectState = { step: 'credentials', institutionCode: 'mxbank', memberGuid: null, rejection: null };
const connecting: ConnectState = {
  step: 'connectionStatus',
  institutionCode: 'mxbank',
  memberGuid: 'MBR-1',
  isResumed: false,
  startsVerification: true,
};
const oauthWaiting: ConnectState = {
  step: 'oauth',
  institutionCode: 'mx_bank_oauth',
  memberGuid: 'MBR-9',
  phase: 'waiting',
  windowUri: 'https://bank.example/oauth',
  isDenialFresh: true,
};
const accountSelect: ConnectState = { step: 'accountSelect', institutionCode: 'mxbank', memberGuid: 'MBR-1' };
const status = (connection_status: string, is_being_aggregated = false): ConnectFlowEvent => ({
  type: 'statusReceived',
  status: { connection_status, is_being_aggregated },
});
const checking: ConnectedAccount = { guid: 'ACT-1', name: 'Everyday Checking', type: 'CHECKING', lastFour: '1234' };
const card: ConnectedAccount = { guid: 'ACT-3', name: 'Rewards Visa', type: 'CREDIT_CARD', lastFour: '9876' };

describe('verification mode', () => {
  it('starts the verification job from the connecting step after the login form', () => {
    expect(verify(credentials, { type: 'memberSubmitted', memberGuid: 'MBR-1' })).toEqual(connecting);
    expect(verify(credentials, { type: 'existingMemberChosen', memberGuid: 'MBR-1' })).toEqual(connecting);
    // Aggregation mode is unchanged: the create started the job.
    expect(aggregate(credentials, { type: 'memberSubmitted', memberGuid: 'MBR-1' })).toEqual({
      step: 'connectionStatus',
      institutionCode: 'mxbank',
      memberGuid: 'MBR-1',
      isResumed: false,
    });
  });

  it('verifies after an OAuth consent, which ran no job of its own', () => {
    expect(verify(oauthWaiting, status('CONNECTED'))).toEqual({
      step: 'connectionStatus',
      institutionCode: 'mx_bank_oauth',
      memberGuid: 'MBR-9',
      isResumed: false,
      startsVerification: true,
    });
    expect(aggregate(oauthWaiting, status('CONNECTED')).step).toBe('connected');
  });

  it('leads a CONNECTED member to the account choice, not to success', () => {
    expect(verify(connecting, status('CONNECTED', true))).toBe(connecting);
    expect(verify(connecting, status('CONNECTED'))).toEqual(accountSelect);
    expect(aggregate(connecting, status('CONNECTED')).step).toBe('connected');
  });

  it('answers MFA the same way, and does not start a second job after the answer', () => {
    const mfa = verify(connecting, status('CHALLENGED', true));
    expect(mfa).toEqual({ step: 'mfa', institutionCode: 'mxbank', memberGuid: 'MBR-1', wasRejected: false });
    expect(verify(mfa, { type: 'mfaSubmitted' })).toEqual({
      step: 'connectionStatus',
      institutionCode: 'mxbank',
      memberGuid: 'MBR-1',
      isResumed: true,
    });
  });

  it('explains a refused verification with a designed error', () => {
    const refused = verify(connecting, { type: 'verificationRefused' });
    expect(refused).toEqual({
      step: 'connectionError',
      institutionCode: 'mxbank',
      memberGuid: 'MBR-1',
      kind: 'verificationUnavailable',
      status: null,
    });
    expect(verify(refused, { type: 'backRequested' })).toEqual({ step: 'institutionSearch' });
    expect(verify(refused, { type: 'exitRequested' })).toMatchObject({
      step: 'closed',
      reason: 'connectionUnavailable',
    });
  });

  it('retries an error by verifying again', () => {
    const failed: ConnectState = {
      step: 'connectionError',
      institutionCode: 'mxbank',
      memberGuid: 'MBR-1',
      kind: 'institutionProblem',
      status: 'FAILED',
    };
    expect(verify(failed, { type: 'aggregationRestarted' })).toEqual(connecting);
  });

  it('ends in success with the chosen account and every account', () => {
    const chosen = verify(accountSelect, { type: 'accountChosen', account: checking, accounts: [checking, card] });
    expect(chosen).toEqual({
      step: 'connected',
      institutionCode: 'mxbank',
      memberGuid: 'MBR-1',
      accounts: [checking, card],
      account: checking,
    });
    // A success with its accounts read ignores late account answers.
    expect(verify(chosen, { type: 'accountsLoaded', accounts: [] })).toBe(chosen);
  });

  it('goes back to search from the account choice (no eligible account) and ignores status there', () => {
    expect(verify(accountSelect, { type: 'backRequested' })).toEqual({ step: 'institutionSearch' });
    expect(verify(accountSelect, status('CONNECTED'))).toBe(accountSelect);
    expect(verify(accountSelect, { type: 'exitRequested' })).toEqual({
      step: 'closed',
      reason: 'userCancelled',
      institutionCode: 'mxbank',
      memberGuid: 'MBR-1',
    });
  });

  it('reports the account choice as its own step', () => {
    expect(STEP_NAMES.accountSelect).toBe('accountSelect');
  });
});
