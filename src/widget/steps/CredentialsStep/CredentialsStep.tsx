import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { useApiClient } from '../../../api/ApiClientProvider';
import { ApiError } from '../../../api/errors';
import { createMemberMutation, updateMemberMutation } from '../../../api/mutations';
import { institutionCredentialsQuery, institutionQuery, membersQuery } from '../../../api/queries';
import type { CredentialField, Institution } from '../../../api/schemas';
import type { ConnectionStatus } from '../../../mx/mxEnums';
import { OUTCOME_SCREENS, rejectionCopy } from '../../connectionOutcomes';
import { CredentialForm } from '../../fields/CredentialForm';
import { isSecretField, toCredentialAnswers } from '../../fields/fieldRegistry';
import type { CredentialValues } from '../../fields/fieldTypes';
import { useFlow } from '../../flowContext';
import { useCopy } from '../../ui/copyContext';
import { describeError } from '../../ui/errorCopy';
import { InstitutionLogo } from '../../ui/InstitutionLogo';
import { SecurityCue } from '../../ui/SecurityCue';
import { ErrorMessage, StatusMessage, StepLayout } from '../../ui/StepLayout';
import { seedMemberStatus } from '../../useMemberStatus';
import { DeadEnd } from '../DeadEnd';
import { InstitutionHelp } from './InstitutionHelp';

export interface CredentialsStepProps {
  institutionCode: string;
  /** Set in update mode: the member whose credentials are replaced (PUT). */
  memberGuid: string | null;
  rejection: ConnectionStatus | null;
  /** The host opened the widget on this member (update mode): its own heading, kept after a rejection too. */
  isUpdate: boolean;
}

function DuplicateNotice({ institution }: { institution: Institution }) {
  const t = useCopy();
  const client = useApiClient();
  const { dispatch } = useFlow();
  const members = useQuery(membersQuery(client));
  const existing = members.data?.find((member) => member.institution_code === institution.code);
  return (
    <ErrorMessage title={t('duplicateTitle')}>
      <p>{t('duplicateBody', { institution: institution.name })}</p>
      {existing !== undefined ? (
        <button
          type="button"
          className="mc-button"
          onClick={() => dispatch({ type: 'existingMemberChosen', memberGuid: existing.guid })}
        >
          {t('useExisting')}
        </button>
      ) : null}
    </ErrorMessage>
  );
}

/** Verification mode at an institution MX cannot verify at: said before anything is sent, with a way on. */
function VerificationUnavailable({ institution }: { institution: Institution }) {
  const t = useCopy();
  return (
    <DeadEnd
      title={t('verificationUnavailableTitle', { institution: institution.name })}
      body={t('verificationUnavailableBody', { institution: institution.name })}
      state="unavailable"
      logo={
        <InstitutionLogo
          url={institution.medium_logo_url}
          name={institution.name}
          alt={t('logoAlt', { institution: institution.name })}
        />
      }
    />
  );
}

export function CredentialsStep({ institutionCode, memberGuid, rejection, isUpdate }: CredentialsStepProps) {
  const t = useCopy();
  const client = useApiClient();
  const queryClient = useQueryClient();
  const { dispatch, emit, draft, skipAggregation, idPrefix, mode } = useFlow();
  const institution = useQuery(institutionQuery(client, institutionCode));
  const isUnverifiable = mode === 'verification' && institution.data?.supports_account_verification === false;
  const fields = useQuery({
    ...institutionCredentialsQuery(client, institutionCode),
    enabled: institution.data?.supports_oauth !== true && !isUnverifiable,
  });
  const create = useMutation(createMemberMutation(client));
  const update = useMutation(updateMemberMutation(client));
  const inFlight = useRef(false);
  const isOAuth = institution.data?.supports_oauth === true && !isUnverifiable;

  useEffect(() => {
    if (isOAuth) dispatch({ type: 'oauthRequired' });
  }, [dispatch, isOAuth]);

  // A type we do not know still renders (as text); the host hears about it once per field.
  const reported = useRef(new Set<string>());
  useEffect(() => {
    for (const field of fields.data ?? []) {
      if (field.unknownType !== undefined && !reported.current.has(field.guid)) {
        reported.current.add(field.guid);
        emit('invalidData', { code: institutionCode, type: 'credential', field_type: field.unknownType });
      }
    }
  }, [emit, fields.data, institutionCode]);

  const mutation = memberGuid === null ? create : update;

  const handleSubmit = async (values: CredentialValues, fieldList: readonly CredentialField[]) => {
    // The button is disabled while pending; this guard also covers two clicks inside one frame.
    if (inFlight.current) return;
    inFlight.current = true;
    draft.save({
      credentialValues: Object.fromEntries(
        fieldList.filter((field) => !isSecretField(field)).map((field) => [field.guid, values[field.guid] ?? '']),
      ),
    });
    const credentials = toCredentialAnswers(fieldList, values);
    try {
      let member;
      if (memberGuid === null) {
        emit('enterCredentials', { institution: { code: institutionCode } });
        member = await create.mutateAsync({ institutionCode, credentials, skipAggregation });
      } else {
        emit('updateCredentials', { institution: { code: institutionCode }, member_guid: memberGuid });
        member = await update.mutateAsync({ guid: memberGuid, credentials, skipAggregation });
      }
      seedMemberStatus(queryClient, member);
      // Stays locked after success: a second click that lands before the step has re-rendered must not post again.
      dispatch({ type: 'memberSubmitted', memberGuid: member.guid });
    } catch (error) {
      inFlight.current = false;
      if (error instanceof ApiError) {
        emit('createMemberError', { institution_code: institutionCode, status: error.status, message: error.message });
      }
    }
  };

  if (isUnverifiable && institution.data) return <VerificationUnavailable institution={institution.data} />;

  const name = institution.data?.name ?? institutionCode;
  // A rejection keeps "Log in to {bank}": the person is still logging in, even though a member now exists.
  const title = t(isUpdate ? 'updateCredentialsHeading' : 'credentialsHeading', { institution: name });
  const errorId = `${idPrefix}-form-error`;
  const submitError = mutation.error;
  const isDuplicate = submitError instanceof ApiError && submitError.status === 409;
  const isExpired = submitError instanceof ApiError && submitError.status === 401;

  let alert = null;
  if (isDuplicate && institution.data) alert = <DuplicateNotice institution={institution.data} />;
  else if (submitError !== null && !isExpired) {
    alert = (
      <ErrorMessage id={errorId} title={t('submitError')}>
        <p>{describeError(t, submitError)}</p>
      </ErrorMessage>
    );
  } else if (rejection !== null) {
    // One title and one sentence: the bank's own wording (connection_status_message) says the same thing again.
    alert = (
      <ErrorMessage id={errorId} title={t(OUTCOME_SCREENS.credentialsNeeded.copy.title)}>
        <p>{t(rejectionCopy(rejection))}</p>
      </ErrorMessage>
    );
  }

  let body;
  if (institution.isError || fields.isError) {
    body = (
      <ErrorMessage title={t('credentialsLoadError')}>
        <p>{describeError(t, institution.error ?? fields.error)}</p>
        <button
          type="button"
          className="mc-button"
          onClick={() => void (institution.isError ? institution.refetch() : fields.refetch())}
        >
          {t('retry')}
        </button>
      </ErrorMessage>
    );
  } else if (institution.isPending || fields.isPending || isOAuth) {
    body = <StatusMessage busy>{t('loading')}</StatusMessage>;
  } else {
    body = (
      <>
        <SecurityCue />
        {alert}
        <CredentialForm
          fields={fields.data}
          initialValues={draft.read().credentialValues}
          isPending={mutation.isPending}
          describedBy={alert !== null && !isDuplicate ? errorId : undefined}
          // The bank refused the login: the password is what to fix, so it is marked invalid and takes focus.
          invalidGuids={rejection !== null ? fields.data.filter(isSecretField).map((field) => field.guid) : undefined}
          onSubmit={handleSubmit}
        />
        <InstitutionHelp institution={institution.data} />
      </>
    );
  }

  return (
    <StepLayout
      title={title}
      state={mutation.isPending ? 'submitting' : rejection !== null || submitError !== null ? 'failed' : 'idle'}
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
