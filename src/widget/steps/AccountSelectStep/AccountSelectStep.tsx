import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';

import { useApiClient } from '../../../api/ApiClientProvider';
import { institutionQuery, memberAccountsQuery } from '../../../api/queries';
import type { ConnectedAccount } from '../../../contract/hostContract';
import { useFlow } from '../../flowContext';
import { AccountLabel } from '../../ui/AccountMask';
import { useCopy } from '../../ui/copyContext';
import { describeError } from '../../ui/errorCopy';
import { InstitutionLogo } from '../../ui/InstitutionLogo';
import { partnerName } from '../../ui/partnerName';
import { ErrorMessage, StatusMessage, StepLayout } from '../../ui/StepLayout';
import { DeadEnd } from '../DeadEnd';

export interface AccountSelectStepProps {
  institutionCode: string;
  memberGuid: string;
}

/** Only deposit accounts have the account and routing numbers a verification is for. */
const isEligible = (account: ConnectedAccount): boolean => account.type === 'CHECKING' || account.type === 'SAVINGS';

/**
 * Verification mode, after the verification job ended CONNECTED: the person picks the checking or savings account to
 * share (Plaid's account select). Only names, types and the last four digits are shown; the full numbers stay at MX,
 * for the partner's backend.
 */
export function AccountSelectStep({ institutionCode, memberGuid }: AccountSelectStepProps) {
  const t = useCopy();
  const client = useApiClient();
  const { dispatch, idPrefix, partner } = useFlow();
  const institution = useQuery(institutionQuery(client, institutionCode));
  const read = useQuery(memberAccountsQuery(client, memberGuid));
  const eligible = (read.data ?? []).filter(isEligible);
  // A single account is the choice already; several wait for the person.
  const [chosen, setChosen] = useState<string | null>(null);
  const [isMissing, setIsMissing] = useState(false);
  const firstRadio = useRef<HTMLInputElement>(null);
  const name = institution.data?.name ?? institutionCode;
  const logo = (
    <InstitutionLogo url={institution.data?.medium_logo_url} name={name} alt={t('logoAlt', { institution: name })} />
  );
  const selected = eligible.find((account) => account.guid === chosen) ?? (eligible.length === 1 ? eligible[0] : null);

  if (read.isPending) {
    return (
      <StepLayout title={t('accountSelectHeading')} state="loading" logo={logo}>
        <StatusMessage busy>{t('loading')}</StatusMessage>
      </StepLayout>
    );
  }
  if (read.isError) {
    return (
      <StepLayout title={t('accountSelectHeading')} state="failed" logo={logo}>
        <ErrorMessage title={t('accountsError')}>
          <p>{describeError(t, read.error)}</p>
          <button type="button" className="mc-button" onClick={() => void read.refetch()}>
            {t('retry')}
          </button>
        </ErrorMessage>
      </StepLayout>
    );
  }
  if (eligible.length === 0) {
    return (
      <DeadEnd
        title={t('noEligibleTitle', { institution: name })}
        body={t('noEligibleBody')}
        state="empty"
        logo={logo}
      />
    );
  }

  const errorId = `${idPrefix}-account-error`;
  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (selected === null || selected === undefined) {
      setIsMissing(true);
      firstRadio.current?.focus();
      return;
    }
    dispatch({ type: 'accountChosen', account: selected, accounts: read.data });
  };
  return (
    <StepLayout title={t('accountSelectHeading')} state="choosing" logo={logo}>
      <p className="mc-text">{t('accountSelectIntro', { partner: partnerName(t, partner, 'inline') })}</p>
      <form onSubmit={handleSubmit} noValidate>
        <fieldset
          className="mc-field mc-fieldset"
          data-invalid={isMissing || undefined}
          aria-describedby={isMissing ? errorId : undefined}
        >
          <legend className="mc-label">{t('accountSelectLegend', { institution: name })}</legend>
          <div className="mc-choices">
            {eligible.map((account, index) => {
              const id = `${idPrefix}-account-${index}`;
              return (
                <label key={account.guid} className="mc-choice mc-choice-account" htmlFor={id}>
                  <input
                    ref={index === 0 ? firstRadio : undefined}
                    id={id}
                    type="radio"
                    name={`${idPrefix}-account`}
                    value={account.guid}
                    checked={selected?.guid === account.guid}
                    onChange={() => {
                      setChosen(account.guid);
                      setIsMissing(false);
                    }}
                  />
                  <span className="mc-account">
                    <AccountLabel account={account} />
                  </span>
                </label>
              );
            })}
          </div>
          {isMissing ? (
            <p className="mc-field-error" id={errorId} role="alert">
              {t('accountSelectRequired')}
            </p>
          ) : null}
        </fieldset>
        <button type="submit" className="mc-button mc-button-primary mc-button-block">
          {t('submit')}
        </button>
      </form>
    </StepLayout>
  );
}
