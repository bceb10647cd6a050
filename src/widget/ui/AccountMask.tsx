import type { ConnectedAccount } from '../../contract/hostContract';
import type { MessageId } from '../copy';
import { useCopy } from './copyContext';

const ACCOUNT_TYPE_COPY: Record<string, MessageId> = {
  CHECKING: 'accountTypeChecking',
  SAVINGS: 'accountTypeSavings',
  CREDIT_CARD: 'accountTypeCreditCard',
  LOAN: 'accountTypeLoan',
  MORTGAGE: 'accountTypeMortgage',
  INVESTMENT: 'accountTypeInvestment',
  LINE_OF_CREDIT: 'accountTypeLineOfCredit',
};

/** The account's type in the widget's language ("Checking"), or "Account" for a type we do not name. */
export function useAccountType(): (account: ConnectedAccount) => string {
  const t = useCopy();
  return (account) => t(ACCOUNT_TYPE_COPY[account.type ?? ''] ?? 'accountTypeOther');
}

/** An account's name and its masked number ("Checking •• 1234"): never more than the last four digits. */
export function AccountLabel({ account }: { account: ConnectedAccount }) {
  const t = useCopy();
  const type = useAccountType()(account);
  // The space between name and number is a word break in the accessible name ("Everyday Checking Checking ending in
  // 1234"); the grid around them does not show it.
  return (
    <>
      <span className="mc-account-name">{account.name || type}</span>{' '}
      {account.lastFour !== null ? (
        <span className="mc-account-mask">
          {/* "•• 1234" reads as "bullet bullet 1234": screen readers get the sentence instead. */}
          <span aria-hidden="true">{`${type} •• ${account.lastFour}`}</span>
          <span className="mc-visually-hidden">{t('accountEnding', { type, lastFour: account.lastFour })}</span>
        </span>
      ) : (
        <span className="mc-account-mask">{type}</span>
      )}
    </>
  );
}
