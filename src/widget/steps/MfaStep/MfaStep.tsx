import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';

import { useApiClient } from '../../../api/ApiClientProvider';
import { ApiError } from '../../../api/errors';
import { resumeMemberMutation } from '../../../api/mutations';
import { challengesQuery, institutionQuery, memberKeys } from '../../../api/queries';
import type { CredentialField, MemberStatus } from '../../../api/schemas';
import { CredentialForm } from '../../fields/CredentialForm';
import { toCredentialAnswers } from '../../fields/fieldRegistry';
import type { CredentialValues } from '../../fields/fieldTypes';
import { useFlow } from '../../flowContext';
import { markAnswered, watchWhileAnswering } from '../../statusStream';
import { useCopy } from '../../ui/copyContext';
import { describeError } from '../../ui/errorCopy';
import { InstitutionLogo } from '../../ui/InstitutionLogo';
import { SecurityCue } from '../../ui/SecurityCue';
import { ErrorMessage, StatusMessage, StepLayout } from '../../ui/StepLayout';
import { seedMemberStatus } from '../../useMemberStatus';

export interface MfaStepProps {
  institutionCode: string;
  memberGuid: string;
  wasRejected: boolean;
}

/** MX refuses a resume when the member is no longer CHALLENGED (the time ran out, or it was answered elsewhere). */
const isRefused = (error: unknown) => error instanceof ApiError && (error.status === 405 || error.status === 409);

export function MfaStep({ institutionCode, memberGuid, wasRejected }: MfaStepProps) {
  const t = useCopy();
  const client = useApiClient();
  const { dispatch, emit, idPrefix, heldStatus } = useFlow();
  const institution = useQuery(institutionQuery(client, institutionCode));
  const queryClient = useQueryClient();
  // The status that opened this step (CHALLENGED, or REJECTED with a new question) usually carries the questions: read
  // them from it, at mount, rather than asking again (issue 16 §3). It is fresh: the step appeared because of it.
  const [carried] = useState(() => {
    const opening = queryClient.getQueryData<MemberStatus>(memberKeys.status(memberGuid));
    return opening?.challenges !== undefined && opening.challenges !== null && opening.challenges.length > 0
      ? opening.challenges
      : undefined;
  });
  const asked = useQuery({ ...challengesQuery(client, memberGuid), enabled: carried === undefined });
  const questions = carried ?? asked.data;
  const resume = useMutation(resumeMemberMutation(client));
  const inFlight = useRef(false);

  // The held status stream goes on while the person reads (docs/widget.md): a status that no longer asks this question
  // (MX's time to answer ran out: EXPIRED) hands over to the connecting step, which acts on it, instead of the person
  // typing an answer MX will refuse. Not while an answer is on its way: its reply decides.
  useEffect(
    () =>
      watchWhileAnswering(heldStatus, memberGuid, () => {
        if (!inFlight.current) dispatch({ type: 'statusChanged' });
      }),
    [dispatch, heldStatus, memberGuid],
  );

  const reported = useRef(new Set<string>());
  useEffect(() => {
    for (const challenge of questions ?? []) {
      if (challenge.unknownType !== undefined && !reported.current.has(challenge.guid)) {
        reported.current.add(challenge.guid);
        emit('invalidData', { code: institutionCode, type: 'challenge', field_type: challenge.unknownType });
      }
    }
  }, [questions, emit, institutionCode]);

  const handleSubmit = async (values: CredentialValues, fields: readonly CredentialField[]) => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      // Marked before it is sent: from here on, a status that asks these again was read before MX had the answer.
      markAnswered(
        heldStatus,
        memberGuid,
        fields.map((field) => field.guid),
      );
      // Every challenge of the round is answered in one resume (mx-platform.md §5).
      const member = await resume.mutateAsync({ guid: memberGuid, answers: toCredentialAnswers(fields, values) });
      seedMemberStatus(queryClient, member);
      emit('submitMFA', { member_guid: memberGuid });
      dispatch({ type: 'mfaSubmitted' });
    } catch (error) {
      // A refusal is not a send failure: the member's status says what happened (EXPIRED → start again). Any other
      // error is shown from resume.error and the answers stay in the form for another try.
      if (isRefused(error)) dispatch({ type: 'resumeRefused' });
    } finally {
      inFlight.current = false;
    }
  };

  const name = institution.data?.name ?? institutionCode;
  const errorId = `${idPrefix}-mfa-error`;
  let body;
  // A previous round's questions may still be cached: only the ones asked for on arrival are shown.
  if (carried === undefined && (asked.isPending || !asked.isFetchedAfterMount))
    body = <StatusMessage busy>{t('loading')}</StatusMessage>;
  else if (questions === undefined || asked.isError || questions.length === 0) {
    body = (
      <ErrorMessage title={t('mfaLoadError')}>
        {asked.isError ? <p>{describeError(t, asked.error)}</p> : null}
        <button type="button" className="mc-button" onClick={() => void asked.refetch()}>
          {t('retry')}
        </button>
      </ErrorMessage>
    );
  } else {
    body = (
      <>
        <SecurityCue />
        <p className="mc-text">{t('mfaIntro')}</p>
        {wasRejected ? <ErrorMessage id={errorId}>{t('mfaRejected')}</ErrorMessage> : null}
        {resume.isError && !isRefused(resume.error) ? (
          <ErrorMessage id={errorId} title={t('submitError')}>
            <p>{describeError(t, resume.error)}</p>
          </ErrorMessage>
        ) : null}
        <CredentialForm
          fields={questions}
          isPending={resume.isPending}
          describedBy={wasRejected || (resume.isError && !isRefused(resume.error)) ? errorId : undefined}
          submitLabel={t('mfaSubmit')}
          onSubmit={handleSubmit}
        />
      </>
    );
  }
  return (
    <StepLayout
      title={t('mfaHeading', { institution: name })}
      state={resume.isPending ? 'submitting' : 'idle'}
      logo={
        <InstitutionLogo
          url={institution.data?.medium_logo_url}
          name={name}
          alt={t('logoAlt', { institution: name })}
        />
      }
    >
      {body}
    </StepLayout>
  );
}
