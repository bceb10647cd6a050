import type { ConnectExitReason } from '../../../contract/hostContract';
import { useCopy } from '../../ui/copyContext';
import { StepLayout } from '../../ui/StepLayout';

export function ClosedStep({ reason }: { reason: ConnectExitReason }) {
  const t = useCopy();
  return (
    <StepLayout title={t('closedHeading')} state="closed">
      <p className="mc-text" role={reason === 'sessionExpired' ? 'alert' : undefined}>
        {reason === 'sessionExpired' ? t('sessionExpired') : t('exitedBody')}
      </p>
    </StepLayout>
  );
}
