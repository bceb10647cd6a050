import { useQuery } from '@tanstack/react-query';

import { useApiClient } from '../../../api/ApiClientProvider';
import { institutionQuery } from '../../../api/queries';
import { useFlow } from '../../flowContext';
import { useCopy } from '../../ui/copyContext';
import { StepLayout } from '../../ui/StepLayout';

export function ConnectedStep({ institutionCode, memberGuid }: { institutionCode: string; memberGuid: string }) {
  const t = useCopy();
  const client = useApiClient();
  const { emit } = useFlow();
  const institution = useQuery(institutionQuery(client, institutionCode));
  const name = institution.data?.name ?? institutionCode;
  return (
    <StepLayout title={t('connectedHeading')} state="succeeded">
      <p className="mc-text mc-success" role="status">
        {t('connectedBody', { institution: name })}
      </p>
      <button
        type="button"
        className="mc-button mc-button-primary"
        onClick={() => emit('connected/primaryAction', { member_guid: memberGuid })}
      >
        {t('done')}
      </button>
    </StepLayout>
  );
}
