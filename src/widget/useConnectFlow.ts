import { useCallback, useEffect, useReducer, useRef } from 'react';

import type { ConnectExitResult, ConnectSuccessResult, EmitEvent } from '../contract/hostContract';
import {
  type ConnectFlowEvent,
  type ConnectFlowOptions,
  connectFlowReducer,
  type ConnectState,
  initialConnectState,
  STEP_NAMES,
} from './connectFlowReducer';

export interface FlowHost {
  emit: EmitEvent;
  /** Where the session is, so an unmount can still report it in `onExit`. */
  remember: (where: { institutionCode?: string; memberGuid?: string }) => void;
  finish: (
    outcome: { kind: 'success'; result: ConnectSuccessResult } | { kind: 'exit'; result: ConnectExitResult },
  ) => void;
  /** A finished session was followed by a new one in the same widget: it gets its own terminal callback. */
  restart: () => void;
}

/** The reducer plus the one place that turns step transitions into host events and terminal callbacks. */
export function useConnectFlow(options: ConnectFlowOptions, host: FlowHost) {
  const { mode = 'aggregation' } = options;
  const reducer = useCallback(
    (current: ConnectState, event: ConnectFlowEvent) => connectFlowReducer(current, event, mode),
    [mode],
  );
  const [state, dispatch] = useReducer(reducer, options, initialConnectState);
  const previous = useRef<typeof state.step | null>(null);
  const { emit, finish, remember, restart } = host;

  useEffect(() => {
    remember({
      ...('institutionCode' in state && state.institutionCode !== null
        ? { institutionCode: state.institutionCode }
        : {}),
      ...('memberGuid' in state && state.memberGuid !== null ? { memberGuid: state.memberGuid } : {}),
    });
  }, [remember, state]);

  useEffect(() => {
    const prev = previous.current;
    previous.current = state.step;
    if (prev === null) {
      emit('loaded', { initial_step: STEP_NAMES[state.step] });
      return;
    }
    if (prev === state.step) return;
    emit('stepChange', { previous: STEP_NAMES[prev], current: STEP_NAMES[state.step] });
    if (state.step === 'institutionSearch' && (prev === 'connected' || prev === 'closed')) restart();
    if (state.step === 'institutionSearch' && prev !== 'consent') emit('backToSearch', {});
    if (state.step === 'connected') {
      emit('memberConnected', { member_guid: state.memberGuid, institution_code: state.institutionCode });
    }
    if (state.step === 'closed') {
      finish({
        kind: 'exit',
        result: {
          reason: state.reason,
          ...(state.memberGuid !== null ? { memberGuid: state.memberGuid } : {}),
          ...(state.institutionCode !== null ? { institutionCode: state.institutionCode } : {}),
        },
      });
    }
  }, [emit, finish, restart, state]);

  // Success is reported once the accounts it carries were read (or failed to be): see ConnectedStep.
  useEffect(() => {
    if (state.step !== 'connected' || state.accounts === null) return;
    const { memberGuid, institutionCode, accounts, account } = state;
    finish({ kind: 'success', result: { memberGuid, institutionCode, accounts, ...(account ? { account } : {}) } });
  }, [finish, state]);

  return { state, dispatch };
}
