import type { ConnectExitReason } from '../../../contract/hostContract';
import { useFlow } from '../../flowContext';
import { useCopy } from '../../ui/copyContext';
import { StepLayout } from '../../ui/StepLayout';

/**
 * What an inline widget shows once the session ended without a connection. There is no window to close here, so it
 * says what happened and offers a fresh start. After an expired session the fresh start is also a fresh session: the
 * first request asks the host's `sessionToken` function (or, in the frame, the host page) for a new token.
 */
export function ClosedStep({ reason }: { reason: ConnectExitReason }) {
  const t = useCopy();
  const { dispatch } = useFlow();
  const isExpired = reason === 'sessionExpired';
  return (
    <StepLayout title={t('closedHeading')} state="closed">
      <p className="mc-text" role={isExpired ? 'alert' : undefined}>
        {isExpired ? t('sessionExpired') : t('exitedBody')}
      </p>
      <div className="mc-actions">
        <button
          type="button"
          className="mc-button mc-button-primary"
          onClick={() => dispatch({ type: 'restartRequested' })}
        >
          {t('startAgain')}
        </button>
      </div>
    </StepLayout>
  );
}
