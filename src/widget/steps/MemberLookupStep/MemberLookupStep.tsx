import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';

import { useApiClient } from '../../../api/ApiClientProvider';
import { memberQuery } from '../../../api/queries';
import { useFlow } from '../../flowContext';
import { useCopy } from '../../ui/copyContext';
import { describeError } from '../../ui/errorCopy';
import { ErrorMessage, StatusMessage, StepLayout } from '../../ui/StepLayout';

/** Update mode starts here: the member tells us its institution, then its credentials form is shown. */
export function MemberLookupStep({ memberGuid }: { memberGuid: string }) {
  const t = useCopy();
  const client = useApiClient();
  const { dispatch } = useFlow();
  const member = useQuery(memberQuery(client, memberGuid));
  const institutionCode = member.data?.institution_code;
  useEffect(() => {
    if (institutionCode) dispatch({ type: 'memberLookedUp', institutionCode });
  }, [dispatch, institutionCode]);
  return (
    <StepLayout title={t('loading')} state={member.isError ? 'failed' : 'pending'}>
      {member.isError ? (
        <ErrorMessage title={t('credentialsLoadError')}>
          <p>{describeError(t, member.error)}</p>
          <button type="button" className="mc-button" onClick={() => void member.refetch()}>
            {t('retry')}
          </button>
        </ErrorMessage>
      ) : (
        <StatusMessage busy>{t('loading')}</StatusMessage>
      )}
    </StepLayout>
  );
}
