import { type Ref, useEffect, useId, useImperativeHandle, useMemo, useState } from 'react';

import type { ConnectFlowOptions } from './connectFlowReducer';
import { createDraftStore, FlowContext, type FlowContextValue } from './flowContext';
import { ClosedStep } from './steps/ClosedStep/ClosedStep';
import { ConnectedStep } from './steps/ConnectedStep/ConnectedStep';
import { ConnectionErrorStep } from './steps/ConnectionErrorStep/ConnectionErrorStep';
import { ConnectionStatusStep } from './steps/ConnectionStatusStep/ConnectionStatusStep';
import { CredentialsStep } from './steps/CredentialsStep/CredentialsStep';
import { InstitutionSearchStep } from './steps/InstitutionSearchStep/InstitutionSearchStep';
import { MemberLookupStep } from './steps/MemberLookupStep/MemberLookupStep';
import { MfaStep } from './steps/MfaStep/MfaStep';
import { OAuthStep } from './steps/OAuthStep/OAuthStep';
import { useCopy } from './ui/copyContext';
import { FocusOnStepContext } from './ui/StepLayout';
import { type FlowHost, useConnectFlow } from './useConnectFlow';

export interface ConnectWidgetHandle {
  /** Goes back one step where that makes sense (credentials or OAuth → search). */
  back(): void;
  /** Ends the session: `onExit` with reason `userCancelled` (unless it already ended). */
  close(): void;
}

export interface ConnectFlowProps extends ConnectFlowOptions, FlowHost {
  skipAggregation: boolean;
  handleRef: Ref<ConnectWidgetHandle>;
  onSessionExpiredRef: { current: (() => void) | null };
}

export function ConnectFlow({ handleRef, onSessionExpiredRef, skipAggregation, emit, finish, remember, ...options }: ConnectFlowProps) {
  const t = useCopy();
  const { state, dispatch } = useConnectFlow(options, { emit, finish, remember });
  const idPrefix = `mc${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const [draft] = useState(createDraftStore);
  // Focus follows the steps once the user has moved; the first step never steals focus from the host page.
  const [initialStep] = useState(state.step);
  const [hasMoved, setHasMoved] = useState(false);
  if (!hasMoved && state.step !== initialStep) setHasMoved(true);

  useImperativeHandle(
    handleRef,
    () => ({ back: () => dispatch({ type: 'backRequested' }), close: () => dispatch({ type: 'exitRequested' }) }),
    [dispatch],
  );
  useEffect(() => {
    onSessionExpiredRef.current = () => dispatch({ type: 'sessionExpired' });
  }, [dispatch, onSessionExpiredRef]);

  const flow = useMemo<FlowContextValue>(
    () => ({ dispatch, emit, idPrefix, draft, skipAggregation }),
    [dispatch, draft, emit, idPrefix, skipAggregation],
  );

  let step;
  switch (state.step) {
    case 'institutionSearch':
      step = <InstitutionSearchStep />;
      break;
    case 'memberLookup':
      step = <MemberLookupStep memberGuid={state.memberGuid} />;
      break;
    case 'credentials':
      step = (
        <CredentialsStep
          key={`${state.institutionCode}-${state.attempt}`}
          institutionCode={state.institutionCode}
          memberGuid={state.memberGuid}
          rejection={state.rejection}
        />
      );
      break;
    case 'oauth':
      step = <OAuthStep institutionCode={state.institutionCode} memberGuid={state.memberGuid} attempt={state.attempt} />;
      break;
    case 'connectionStatus':
      step = (
        <ConnectionStatusStep
          key={state.attempt}
          institutionCode={state.institutionCode}
          memberGuid={state.memberGuid}
          attempt={state.attempt}
          isResumed={state.isResumed}
        />
      );
      break;
    case 'mfa':
      step = (
        <MfaStep
          key={state.attempt}
          institutionCode={state.institutionCode}
          memberGuid={state.memberGuid}
          attempt={state.attempt}
          wasRejected={state.wasRejected}
        />
      );
      break;
    case 'connectionError':
      step = <ConnectionErrorStep institutionCode={state.institutionCode} memberGuid={state.memberGuid} kind={state.kind} />;
      break;
    case 'connected':
      step = <ConnectedStep institutionCode={state.institutionCode} memberGuid={state.memberGuid} />;
      break;
    case 'closed':
      step = <ClosedStep reason={state.reason} />;
      break;
    default:
      step = state satisfies never;
  }

  const canGoBack = state.step === 'credentials';
  const canClose = state.step !== 'closed' && state.step !== 'connected' && state.step !== 'connectionError';
  return (
    <FlowContext.Provider value={flow}>
      <FocusOnStepContext.Provider value={hasMoved}>
        {canGoBack || canClose ? (
          <div className="mc-toolbar">
            {canGoBack ? (
              <button type="button" className="mc-button mc-button-quiet" onClick={() => dispatch({ type: 'backRequested' })}>
                {t('back')}
              </button>
            ) : (
              <span />
            )}
            {canClose ? (
              <button type="button" className="mc-button mc-button-quiet" onClick={() => dispatch({ type: 'exitRequested' })}>
                {t('close')}
              </button>
            ) : null}
          </div>
        ) : null}
        <div className="mc-body" data-step={state.step}>
          {step}
        </div>
      </FocusOnStepContext.Provider>
    </FlowContext.Provider>
  );
}
