import { useQuery } from '@tanstack/react-query';
import { useContext, useEffect, useLayoutEffect, useRef, useState } from 'react';

import { useApiClient } from '../../../api/ApiClientProvider';
import { institutionQuery, memberAccountsQuery } from '../../../api/queries';
import type { ConnectedAccount } from '../../../contract/hostContract';
import { OneSessionPerMountContext, useFlow } from '../../flowContext';
import { AccountLabel } from '../../ui/AccountMask';
import { useCopy } from '../../ui/copyContext';
import { CheckIcon } from '../../ui/icons';
import { partnerName } from '../../ui/partnerName';
import { StatusMessage, StepLayout } from '../../ui/StepLayout';

export interface ConnectedStepProps {
  institutionCode: string;
  memberGuid: string;
  /** From the flow: null while the accounts are read (`onSuccess` carries them, so it waits for this). */
  accounts: ConnectedAccount[] | null;
  /** Verification mode: the account the person chose, shown alone. */
  account?: ConnectedAccount | undefined;
}

function AccountList({ accounts, labelledBy }: { accounts: readonly ConnectedAccount[]; labelledBy: string }) {
  return (
    <ul className="mc-accounts" aria-labelledby={labelledBy}>
      {accounts.map((account) => (
        <li key={account.guid} className="mc-account">
          <AccountLabel account={account} />
        </li>
      ))}
    </ul>
  );
}

/** The moment of success: a check mark, who is now connected to whom, and the accounts (issue 12 §4). */
export function ConnectedStep({ institutionCode, memberGuid, accounts, account }: ConnectedStepProps) {
  const t = useCopy();
  const client = useApiClient();
  const { dispatch, emit, idPrefix, partner } = useFlow();
  const institution = useQuery(institutionQuery(client, institutionCode));
  const read = useQuery(memberAccountsQuery(client, memberGuid));
  const [isDone, setIsDone] = useState(false);
  const isOneSession = useContext(OneSessionPerMountContext);
  const anotherRef = useRef<HTMLButtonElement>(null);
  const confirmationRef = useRef<HTMLParagraphElement>(null);

  // A failed read still ends in success: the member is connected, the host just gets no account list.
  useEffect(() => {
    if (read.status !== 'pending') dispatch({ type: 'accountsLoaded', accounts: read.data ?? [] });
  }, [dispatch, read.status, read.data]);
  // A layout effect: the Done button leaves in the same commit, so focus moves before anything else can run (a passive
  // effect would leave a moment with focus on <body>).
  useLayoutEffect(() => {
    // The Done button is gone: focus moves to what replaced it, never to <body>.
    if (isDone) (anotherRef.current ?? confirmationRef.current)?.focus();
  }, [isDone]);

  const name = institution.data?.name ?? institutionCode;
  const inline = partnerName(t, partner, 'inline');
  const headingId = `${idPrefix}-accounts`;
  let list;
  if (accounts === null) list = <StatusMessage busy>{t('loading')}</StatusMessage>;
  else if (read.isError) list = <p className="mc-hint">{t('accountsError')}</p>;
  else if (account !== undefined) {
    list = (
      <>
        <h3 className="mc-subheading" id={headingId}>
          {t('chosenAccountHeading')}
        </h3>
        <AccountList accounts={[account]} labelledBy={headingId} />
      </>
    );
  } else if (accounts.length > 0) {
    list = (
      <>
        <h3 className="mc-subheading" id={headingId}>
          {t('accountsHeading')}
        </h3>
        <AccountList accounts={accounts} labelledBy={headingId} />
      </>
    );
  }

  return (
    <StepLayout
      title={t('connectedHeading')}
      state="succeeded"
      logo={
        <span className="mc-success-mark">
          <CheckIcon />
        </span>
      }
    >
      <p className="mc-text" role="status">
        {t('connectedBody', { institution: name, partner: inline })}
      </p>
      {list}
      {isDone ? (
        <>
          <p
            className="mc-text mc-done"
            role="status"
            // With no button after it, the confirmation itself takes focus (programmatically only).
            ref={confirmationRef}
            tabIndex={isOneSession ? -1 : undefined}
          >
            {t('doneConfirmation', { partner: inline })}
          </p>
          {isOneSession ? null : (
            <button
              ref={anotherRef}
              type="button"
              className="mc-button"
              onClick={() => dispatch({ type: 'restartRequested' })}
            >
              {t('connectAnother')}
            </button>
          )}
        </>
      ) : (
        <button
          type="button"
          className="mc-button mc-button-primary mc-button-block"
          // Done waits for the accounts: `onSuccess` (which carries them) must reach the host before `onDone`.
          aria-disabled={accounts === null || undefined}
          onClick={() => {
            if (accounts === null) return;
            emit('connected/primaryAction', { member_guid: memberGuid });
            setIsDone(true);
          }}
        >
          {t('done')}
        </button>
      )}
    </StepLayout>
  );
}
