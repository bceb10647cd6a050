import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { useApiClient } from '../../../api/ApiClientProvider';
import { institutionQuery, memberStatusQuery } from '../../../api/queries';
import { useFlow, useTiming } from '../../flowContext';
import { useCopy } from '../../ui/copyContext';
import { ErrorMessage, StatusMessage, StepLayout } from '../../ui/StepLayout';

export interface ConnectionStatusStepProps {
  institutionCode: string;
  memberGuid: string;
  attempt: number;
  isResumed: boolean;
}

/** Feeds every fresh status to the flow and reports changes to the host. Shared by the status and OAuth steps. */
export function useMemberStatus(memberGuid: string | null, attempt: number, isOAuth: boolean, enabled = true) {
  const client = useApiClient();
  const { dispatch, emit } = useFlow();
  const { pollSchedule } = useTiming();
  const status = useQuery({
    ...memberStatusQuery(client, memberGuid ?? '', { attempt, schedule: pollSchedule, isOAuth }),
    enabled: enabled && memberGuid !== null,
  });
  const lastReported = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    const data = status.data;
    if (data === undefined) return;
    if (data.connection_status !== lastReported.current) {
      lastReported.current = data.connection_status;
      emit('memberStatusUpdate', { member_guid: data.guid, connection_status: data.connection_status ?? null });
    }
    dispatch({ type: 'statusReceived', status: data });
  }, [dispatch, emit, status.data, status.dataUpdatedAt]);
  return status;
}

export function ConnectionStatusStep({ institutionCode, memberGuid, attempt, isResumed }: ConnectionStatusStepProps) {
  const t = useCopy();
  const client = useApiClient();
  const institution = useQuery(institutionQuery(client, institutionCode));
  const status = useMemberStatus(memberGuid, attempt, false);
  const name = institution.data?.name ?? institutionCode;
  const message =
    status.data?.connection_status === 'DELAYED'
      ? t('statusDelayed')
      : isResumed
        ? t('statusResumed')
        : t('statusConnecting', { institution: name });
  return (
    <StepLayout title={t('statusHeading', { institution: name })} state="pending">
      <StatusMessage busy>{message}</StatusMessage>
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
