import type { ConnectDataScope } from '../../../contract/hostContract';
import type { MessageId } from '../../copy';
import { useFlow } from '../../flowContext';
import { safeUrl } from '../../lib/safeUrl';
import { useCopy } from '../../ui/copyContext';
import { CheckIcon, LockIcon } from '../../ui/icons';
import { NewTabHint } from '../../ui/NewTabHint';
import { partnerName } from '../../ui/partnerName';
import { StepLayout } from '../../ui/StepLayout';

/** The data the consent screen lists when the host does not say (an aggregation: details, balances, transactions). */
export const DEFAULT_DATA_REQUESTED: readonly ConnectDataScope[] = ['accountDetails', 'balances', 'transactions'];

/** Verification mode reads the account names and the account and routing numbers, and says so even if not asked. */
const VERIFICATION_DATA: readonly ConnectDataScope[] = ['accountDetails', 'accountNumbers'];

const SCOPE_COPY: Record<ConnectDataScope, MessageId> = {
  accountDetails: 'dataAccountDetails',
  balances: 'dataBalances',
  transactions: 'dataTransactions',
  accountNumbers: 'dataAccountNumbers',
};

/**
 * Who is asking, what they will see, where the password goes, and one Continue (issue 12 §1). Shown before anything
 * else unless the host passes `skipConsent`.
 */
export function ConsentStep() {
  const t = useCopy();
  const { dispatch, partner, dataRequested, mode } = useFlow();
  const logo = safeUrl(partner?.logoUrl);
  const privacy = safeUrl(partner?.privacyPolicyUrl);
  const inline = partnerName(t, partner, 'inline');
  const isVerifying = mode === 'verification';
  const requested = dataRequested.length > 0 ? dataRequested : isVerifying ? VERIFICATION_DATA : DEFAULT_DATA_REQUESTED;
  const scopes = [...new Set(isVerifying ? [...requested, 'accountNumbers' as const] : requested)];
  return (
    <StepLayout
      title={t('consentHeading', { partner: partnerName(t, partner, 'start') })}
      state="consent"
      // The heading names the partner: the logo beside it is decorative.
      logo={logo === undefined ? undefined : <img className="mc-logo" src={logo} alt="" width={40} height={40} />}
    >
      <p className="mc-text">{t('consentDataIntro', { partner: inline })}</p>
      <ul className="mc-consent-list">
        {scopes.map((scope) => (
          <li key={scope}>
            <CheckIcon />
            {t(SCOPE_COPY[scope])}
          </li>
        ))}
      </ul>
      <p className="mc-consent-note">
        <LockIcon />
        <span>{t('consentCredentials', { partner: inline })}</span>
      </p>
      {privacy !== undefined ? (
        <p className="mc-text">
          <a href={privacy} target="_blank" rel="noopener noreferrer">
            {t('consentPrivacy', { partner: inline })}
            <NewTabHint />
          </a>
        </p>
      ) : null}
      <button
        type="button"
        className="mc-button mc-button-primary mc-button-block"
        onClick={() => dispatch({ type: 'consentGiven' })}
      >
        {t('consentContinue')}
      </button>
    </StepLayout>
  );
}
