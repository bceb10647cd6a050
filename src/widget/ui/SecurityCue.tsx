import { useCopy } from './copyContext';
import { LockIcon } from './icons';

/**
 * A quiet reassurance beside the credential and MFA forms (issue 12 §1): a lock and "Private and secure". Plain text,
 * no link: it must never look like something to click.
 */
export function SecurityCue() {
  const t = useCopy();
  return (
    <p className="mc-security-cue">
      <LockIcon />
      {t('securityCue')}
    </p>
  );
}
