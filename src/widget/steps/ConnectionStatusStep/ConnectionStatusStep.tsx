import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { useApiClient } from '../../../api/ApiClientProvider';
import { ApiError } from '../../../api/errors';
import { verifyMemberMutation } from '../../../api/mutations';
import { institutionQuery } from '../../../api/queries';
import type { MemberStatus } from '../../../api/schemas';
import type { MessageId } from '../../copy';
import { useFlow } from '../../flowContext';
import { useCopy } from '../../ui/copyContext';
import { describeError } from '../../ui/errorCopy';
import { CheckIcon } from '../../ui/icons';
import { InstitutionLogo } from '../../ui/InstitutionLogo';
import { ErrorMessage, Spinner, StatusMessage, StepLayout } from '../../ui/StepLayout';
import { useMemberStatus } from '../../useMemberStatus';

export interface ConnectionStatusStepProps {
  institutionCode: string;
  memberGuid: string;
  isResumed: boolean;
  /** Verification mode: start the verification job first, and read the status only once it has started. */
  startsVerification?: boolean;
}

const STAGES: readonly MessageId[] = ['stageVerifying', 'stageSyncing', 'stageFinishing'];

/**
 * How far the connection is, read from what the status says (issue 12 §4): the bank has not accepted the login yet
 * (verifying), it has and accounts are being read (syncing), the accounts are in and the rest follows (finishing).
 */
export function connectionStage(status: MemberStatus | undefined): number {
  if (status === undefined) return 0;
  const isLoggedIn = status.is_authenticated === true || status.connection_status === 'CONNECTED';
  if (!isLoggedIn) return 0;
  return status.has_processed_accounts === true ? 2 : 1;
}

/**
 * Starts the verification job once per step (a ref, so Strict Mode's second effect run does not post twice). MX's 400
 * (the institution cannot verify) is a designed error step; anything else is shown here with a retry.
 */
function useVerification(memberGuid: string, isWanted: boolean) {
  const client = useApiClient();
  const { dispatch } = useFlow();
  const verify = useMutation(verifyMemberMutation(client));
  const { mutate } = verify;
  const isStarted = useRef(false);
  useEffect(() => {
    if (!isWanted || isStarted.current) return;
    isStarted.current = true;
    mutate(memberGuid, {
      onError: (error) => {
        if (error instanceof ApiError && error.status === 400) dispatch({ type: 'verificationRefused' });
      },
    });
  }, [dispatch, isWanted, memberGuid, mutate]);
  return { isReady: !isWanted || verify.isSuccess, error: verify.error, retry: () => mutate(memberGuid) };
}

export function ConnectionStatusStep({
  institutionCode,
  memberGuid,
  isResumed,
  startsVerification = false,
}: ConnectionStatusStepProps) {
  const t = useCopy();
  const client = useApiClient();
  const institution = useQuery(institutionQuery(client, institutionCode));
  const verification = useVerification(memberGuid, startsVerification);
  // Before the job has started, the status is the one before it (CREATED, or CONNECTED after an OAuth consent).
  const status = useMemberStatus(memberGuid, false, verification.isReady);
  const name = institution.data?.name ?? institutionCode;
  const stage = connectionStage(status.data);
  // Past the first stage the list says where things are; the live region then names the stage for screen readers only.
  const isDelayed = status.data?.connection_status === 'DELAYED';
  const message = isDelayed
    ? t('statusDelayed')
    : stage > 0
      ? t(STAGES[stage] ?? 'stageFinishing')
      : isResumed
        ? t('statusResumed')
        : t('statusConnecting', { institution: name });
  return (
    <StepLayout
      title={t('statusHeading', { institution: name })}
      state="pending"
      // The heading names the bank: its logo is decorative.
      logo={<InstitutionLogo url={institution.data?.medium_logo_url} name={name} />}
    >
      <div
        className="mc-progress"
        role="progressbar"
        aria-label={t('stagesLabel')}
        aria-valuetext={t(STAGES[stage] ?? 'stageVerifying')}
      />
      <ol className="mc-stages">
        {STAGES.map((id, index) => {
          const state = index < stage ? 'done' : index === stage ? 'current' : 'upcoming';
          return (
            <li
              key={id}
              className="mc-stage"
              data-state={state}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              {state === 'done' ? (
                <CheckIcon />
              ) : state === 'current' ? (
                <Spinner />
              ) : (
                <span className="mc-stage-dot" aria-hidden="true" />
              )}
              {t(id)}
              {state === 'done' ? <span className="mc-visually-hidden"> {t('stageDone')}</span> : null}
            </li>
          );
        })}
      </ol>
      {stage > 0 && !isDelayed ? (
        <p className="mc-visually-hidden" role="status">
          {message}
        </p>
      ) : (
        <StatusMessage>{message}</StatusMessage>
      )}
      {verification.error !== null ? (
        <ErrorMessage title={t('verifyError')}>
          <p>{describeError(t, verification.error)}</p>
          <button type="button" className="mc-button" onClick={verification.retry}>
            {t('retry')}
          </button>
        </ErrorMessage>
      ) : null}
      {status.isError ? (
        <ErrorMessage title={t('statusPollError')}>
          <button type="button" className="mc-button" onClick={() => void status.refetch()}>
            {t('retry')}
          </button>
        </ErrorMessage>
      ) : null}
    </StepLayout>
  );
}
