import { useEffect, useReducer, useRef } from 'react';

import type { ConnectExitResult, ConnectSuccessResult, EmitEvent } from '../contract/hostContract';
import { type ConnectFlowOptions, connectFlowReducer, initialConnectState, STEP_NAMES } from './connectFlowReducer';

export interface FlowHost {
  emit: EmitEvent;
  /** Delivers the session's single terminal callback; later calls are ignored. */
  /** Where the session is, so an unmount can still report it in `onExit`. */
  remember: (where: { institutionCode?: string; memberGuid?: string }) => void;
  finish: (outcome: { kind: 'success'; result: ConnectSuccessResult } | { kind: 'exit'; result: ConnectExitResult }) => void;
}

/** The reducer plus the one place that turns step transitions into host events and terminal callbacks. */
export function useConnectFlow(options: ConnectFlowOptions, host: FlowHost) {
  const [state, dispatch] = useReducer(connectFlowReducer, options, initialConnectState);
  const previous = useRef<typeof state.step | null>(null);
  const { emit, finish, remember } = host;

  useEffect(() => {
    remember({
      ...('institutionCode' in state && state.institutionCode !== null ? { institutionCode: state.institutionCode } : {}),
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
    if (state.step === 'institutionSearch') emit('backToSearch', {});
    if (state.step === 'connected') {
      emit('memberConnected', { member_guid: state.memberGuid, institution_code: state.institutionCode });
      finish({ kind: 'success', result: { memberGuid: state.memberGuid, institutionCode: state.institutionCode } });
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
  }, [emit, finish, state]);

  return { state, dispatch };
}
