import { useQuery } from '@tanstack/react-query';

import { useApiClient } from '../../../api/ApiClientProvider';
import { institutionQuery } from '../../../api/queries';
import { useCopy } from '../../ui/copyContext';
import { ErrorMessage, StatusMessage, StepLayout } from '../../ui/StepLayout';
import { useMemberStatus } from '../../useMemberStatus';

export interface ConnectionStatusStepProps {
  institutionCode: string;
  memberGuid: string;
  isResumed: boolean;
}

export function ConnectionStatusStep({ institutionCode, memberGuid, isResumed }: ConnectionStatusStepProps) {
  const t = useCopy();
  const client = useApiClient();
  const institution = useQuery(institutionQuery(client, institutionCode));
  const status = useMemberStatus(memberGuid, false);
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
