import {
  type Ref,
  Suspense,
  useCallback,
  useEffect,
  useId,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';

import type { ConnectFlowOptions } from './connectFlowReducer';
import { createDraftStore, FlowContext, type FlowContextValue } from './flowContext';
import {
  AccountSelectStep,
  ClosedStep,
  ConnectedStep,
  ConnectionErrorStep,
  ConnectionStatusStep,
  CredentialsStep,
  MfaStep,
  OAuthStep,
  prefetchSteps,
} from './lazySteps';
import type { HeldStatusStream } from './statusStream';
import { ConsentStep } from './steps/ConsentStep/ConsentStep';
import { InstitutionSearchStep } from './steps/InstitutionSearchStep/InstitutionSearchStep';
import { MemberLookupStep } from './steps/MemberLookupStep/MemberLookupStep';
import { useCopy } from './ui/copyContext';
import { ExitQuestion } from './ui/ExitQuestion';
import { FocusOnStepContext, Spinner } from './ui/StepLayout';
import { type FlowHost, useConnectFlow } from './useConnectFlow';

export interface ConnectWidgetHandle {
  /** Goes back one step where that makes sense (credentials or OAuth → search). */
  back(): void;
  /**
   * Ends the session: `onExit` with reason `userCancelled` (unless it already ended). Once the person has typed
   * something or a member exists, the widget first asks "Exit?"; `{ force: true }` skips the question.
   */
  close(options?: { force?: boolean }): void;
}

export interface ConnectFlowProps extends ConnectFlowOptions, FlowHost {
  skipAggregation: boolean;
  partner: FlowContextValue['partner'];
  dataRequested: FlowContextValue['dataRequested'];
  handleRef: Ref<ConnectWidgetHandle>;
  onSessionExpiredRef: { current: (() => void) | null };
}

export function ConnectFlow({
  handleRef,
  onSessionExpiredRef,
  skipAggregation,
  partner,
  dataRequested,
  emit,
  finish,
  remember,
  restart,
  ...options
}: ConnectFlowProps) {
  const t = useCopy();
  const mode = options.mode ?? 'aggregation';
  const { state, dispatch } = useConnectFlow(options, { emit, finish, remember, restart });
  const idPrefix = `mc${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const [draft] = useState(createDraftStore);
  // One status stream per member the flow waits on, from its first waiting step through MFA and the answer (the steps
  // open it, in their lazy chunk); stopped here when the flow leaves that member or closes.
  const heldStatus = useRef<HeldStatusStream>(undefined);
  const waitsOn =
    state.step === 'connectionStatus' || state.step === 'mfa' || state.step === 'oauth' ? state.memberGuid : null;
  useEffect(() => () => heldStatus.current?.stop(), [waitsOn]);
  // Focus follows the steps once the user has moved; the first step never steals focus from the host page.
  const [initialStep] = useState(state.step);
  const [hasMoved, setHasMoved] = useState(false);
  if (!hasMoved && state.step !== initialStep) setHasMoved(true);

  // The exit question is a layer over the step, not a step: the step stays mounted underneath, so Stay keeps every
  // typed value. It is asked once the person has typed anything or a member exists (issue 12 §5); an error screen,
  // where nothing is left to lose, closes at once.
  const [isExitAsked, setIsExitAsked] = useState(false);
  const hasTyped = useRef(false);
  const flowRef = useRef<HTMLDivElement>(null);
  const returnFocusTo = useRef<Element | null>(null);
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
    // A finished session starts over clean: typing in the last one says nothing about the next.
    if (state.step === 'closed' || state.step === 'connected') hasTyped.current = false;
  });
  const requestExit = useCallback(
    (force: boolean) => {
      const current = latest.current;
      const hasMember = 'memberGuid' in current && current.memberGuid !== null;
      if (force || current.step === 'connectionError' || !(hasTyped.current || hasMember)) {
        dispatch({ type: 'exitRequested' });
        return;
      }
      returnFocusTo.current = flowRef.current?.ownerDocument.activeElement ?? null;
      setIsExitAsked(true);
    },
    [dispatch],
  );
  const stay = () => {
    setIsExitAsked(false);
    // Inert content cannot take focus: lift it now rather than after the re-render.
    flowRef.current?.removeAttribute('inert');
    const target = returnFocusTo.current;
    // Back to where the person was; if that is gone, to the step's heading, never to <body>.
    if (target instanceof HTMLElement && target.isConnected && target !== target.ownerDocument.body) target.focus();
    else flowRef.current?.querySelector<HTMLElement>('.mc-heading')?.focus();
  };
  const leave = () => {
    setIsExitAsked(false);
    dispatch({ type: 'exitRequested' });
  };
  // A flow that ended meanwhile (e.g. connected while the question was open) has nothing left to ask about.
  const isAsking = isExitAsked && state.step !== 'closed' && state.step !== 'connected';
  useEffect(() => {
    // Everything under the question is out of reach (Tab, clicks, screen readers) while it is open. Set through the
    // DOM: React 18 and 19 disagree on how the `inert` prop is written.
    flowRef.current?.toggleAttribute('inert', isAsking);
  }, [isAsking]);

  useImperativeHandle(
    handleRef,
    () => ({
      back: () => dispatch({ type: 'backRequested' }),
      close: (options) => requestExit(options?.force === true),
    }),
    [dispatch, requestExit],
  );
  useEffect(() => {
    onSessionExpiredRef.current = () => dispatch({ type: 'sessionExpired' });
  }, [dispatch, onSessionExpiredRef]);

  const flow = useMemo<FlowContextValue>(
    () => ({
      dispatch,
      emit,
      idPrefix,
      draft,
      // Verification runs its own job after the login (MX Connect's way): creating the member must not start another.
      skipAggregation: skipAggregation || mode === 'verification',
      mode,
      partner,
      dataRequested,
      heldStatus,
    }),
    [dispatch, draft, emit, idPrefix, skipAggregation, mode, partner, dataRequested, heldStatus],
  );
  // The one place that catches a step change nobody focused for: a step whose chunk is still loading shows the Suspense
  // fallback, and the focused element of the old step is gone. Focus waits on the fallback (the step's heading takes it
  // when the step arrives), never on <body>. A layout effect, after the steps' own: it acts only when focus was lost.
  const fallbackRef = useRef<HTMLParagraphElement>(null);
  useLayoutEffect(() => {
    const active = flowRef.current?.ownerDocument.activeElement;
    if (!hasMoved || (active && active !== active.ownerDocument.body)) return;
    (fallbackRef.current ?? flowRef.current?.querySelector<HTMLElement>('.mc-heading'))?.focus();
  }, [hasMoved, state.step]);

  const isSearching = state.step === 'institutionSearch';
  useEffect(() => {
    if (isSearching) prefetchSteps();
  }, [isSearching]);

  let step;
  switch (state.step) {
    case 'consent':
      step = <ConsentStep />;
      break;
    case 'institutionSearch':
      step = <InstitutionSearchStep />;
      break;
    case 'memberLookup':
      step = <MemberLookupStep memberGuid={state.memberGuid} />;
      break;
    case 'credentials':
      step = (
        <CredentialsStep
          key={state.institutionCode}
          institutionCode={state.institutionCode}
          memberGuid={state.memberGuid}
          rejection={state.rejection}
          isUpdate={state.memberGuid !== null && state.memberGuid === options.memberGuid}
        />
      );
      break;
    case 'oauth':
      step = <OAuthStep state={state} />;
      break;
    case 'connectionStatus':
      step = (
        <ConnectionStatusStep
          institutionCode={state.institutionCode}
          memberGuid={state.memberGuid}
          isResumed={state.isResumed}
          startsVerification={state.startsVerification === true}
        />
      );
      break;
    case 'mfa':
      step = (
        <MfaStep
          institutionCode={state.institutionCode}
          memberGuid={state.memberGuid}
          wasRejected={state.wasRejected}
        />
      );
      break;
    case 'connectionError':
      step = (
        <ConnectionErrorStep institutionCode={state.institutionCode} memberGuid={state.memberGuid} kind={state.kind} />
      );
      break;
    case 'accountSelect':
      step = <AccountSelectStep institutionCode={state.institutionCode} memberGuid={state.memberGuid} />;
      break;
    case 'connected':
      step = (
        <ConnectedStep
          institutionCode={state.institutionCode}
          memberGuid={state.memberGuid}
          accounts={state.accounts}
          account={state.account}
        />
      );
      break;
    case 'closed':
      step = <ClosedStep reason={state.reason} />;
      break;
    default:
      step = state satisfies never;
  }

  const canGoBack = state.step === 'credentials';
  const closeOrAsk = () => requestExit(false);
  const canClose = state.step !== 'closed' && state.step !== 'connected' && state.step !== 'connectionError';
  return (
    <FlowContext.Provider value={flow}>
      <FocusOnStepContext.Provider value={hasMoved}>
        <div className="mc-flow" ref={flowRef} onInput={() => (hasTyped.current = true)}>
          {canGoBack || canClose ? (
            <div className="mc-toolbar">
              {canGoBack ? (
                <button
                  type="button"
                  className="mc-button mc-button-quiet"
                  onClick={() => dispatch({ type: 'backRequested' })}
                >
                  <span aria-hidden="true">‹ </span>
                  {t('back')}
                </button>
              ) : (
                <span />
              )}
              {canClose ? (
                <button type="button" className="mc-button mc-button-quiet mc-close" onClick={closeOrAsk}>
                  <span aria-hidden="true">✕</span>
                  <span className="mc-visually-hidden">{t('close')}</span>
                </button>
              ) : null}
            </div>
          ) : null}
          <div className="mc-body" data-step={state.step}>
            {/* Not a live region: the step that follows announces itself; a lazily loaded step shows this for a moment. */}
            <Suspense
              fallback={
                <p className="mc-status" ref={fallbackRef} tabIndex={-1}>
                  <Spinner />
                  {t('loading')}
                </p>
              }
            >
              {step}
            </Suspense>
          </div>
        </div>
        {isAsking ? <ExitQuestion idPrefix={idPrefix} onStay={stay} onExit={leave} /> : null}
      </FocusOnStepContext.Provider>
    </FlowContext.Provider>
  );
}
