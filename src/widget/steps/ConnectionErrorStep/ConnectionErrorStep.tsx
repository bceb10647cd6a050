import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { useApiClient } from '../../../api/ApiClientProvider';
import { aggregateMemberMutation } from '../../../api/mutations';
import { institutionQuery } from '../../../api/queries';
import { type ConnectionErrorKind, errorScreen } from '../../connectionOutcomes';
import { useFlow } from '../../flowContext';
import { safeUrl } from '../../lib/safeUrl';
import { useCopy } from '../../ui/copyContext';
import { describeError } from '../../ui/errorCopy';
import { InstitutionStatusMessage } from '../../ui/InstitutionStatusMessage';
import { NewTabHint } from '../../ui/NewTabHint';
import { ErrorMessage, StepLayout } from '../../ui/StepLayout';
import { seedMemberStatus } from '../../useMemberStatus';

export interface ConnectionErrorStepProps {
  institutionCode: string;
  memberGuid: string;
  kind: ConnectionErrorKind;
}

export function ConnectionErrorStep({ institutionCode, memberGuid, kind }: ConnectionErrorStepProps) {
  const t = useCopy();
  const client = useApiClient();
  const queryClient = useQueryClient();
  const { dispatch, mode } = useFlow();
  const institution = useQuery(institutionQuery(client, institutionCode));
  const aggregate = useMutation(aggregateMemberMutation(client));
  const design = errorScreen(kind).copy;
  const name = institution.data?.name ?? institutionCode;
  const site = safeUrl(institution.data?.url ?? undefined);
  // Verification mode: the connecting step starts the verification job itself (and explains a refusal).
  const handleRetry = () =>
    mode === 'verification'
      ? dispatch({ type: 'aggregationRestarted' })
      : aggregate.mutate(memberGuid, {
          onSuccess: (member) => {
            seedMemberStatus(queryClient, member);
            dispatch({ type: 'aggregationRestarted' });
          },
        });
  return (
    <StepLayout title={t(design.title, { institution: name })} state="failed">
      <p className="mc-text">{t(design.body, { institution: name })}</p>
      <InstitutionStatusMessage memberGuid={memberGuid} kind={kind} institution={name} />
      {aggregate.isError ? <ErrorMessage>{describeError(t, aggregate.error)}</ErrorMessage> : null}
      <div className="mc-actions">
        {design.linkToInstitution && site !== undefined ? (
          <a className="mc-button mc-button-secondary" href={site} target="_blank" rel="noopener noreferrer">
            {t('visitInstitution', { institution: name })}
            <NewTabHint />
          </a>
        ) : null}
        {design.retry !== null ? (
          <button
            type="button"
            className="mc-button mc-button-primary"
            // aria-disabled keeps keyboard focus on the button while the retry starts (issue 12 §6).
            aria-disabled={aggregate.isPending || undefined}
            onClick={aggregate.isPending ? undefined : handleRetry}
          >
            {t(design.retry)}
          </button>
        ) : null}
        {/* Every failure has a way forward besides Close: another bank (issue 12 §5). */}
        <button
          type="button"
          className="mc-button mc-button-secondary"
          onClick={() => dispatch({ type: 'backRequested' })}
        >
          {t('chooseAnotherBank')}
        </button>
        <button
          type="button"
          className="mc-button mc-button-secondary"
          onClick={() => dispatch({ type: 'exitRequested' })}
        >
          {t('close')}
        </button>
      </div>
    </StepLayout>
  );
}
