import { useCopy } from './copyContext';

/**
 * A quiet reassurance beside the credential and MFA forms (issue 12 §1): a lock and "Private and secure". Decorative
 * icon, plain text, no link: it must never look like something to click.
 */
export function SecurityCue() {
  const t = useCopy();
  return (
    <p className="mc-security-cue">
      <svg className="mc-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M8 1a3.5 3.5 0 0 0-3.5 3.5V6H4a1.5 1.5 0 0 0-1.5 1.5v6A1.5 1.5 0 0 0 4 15h8a1.5 1.5 0 0 0 1.5-1.5v-6A1.5 1.5 0 0 0 12 6h-.5V4.5A3.5 3.5 0 0 0 8 1Zm2 5H6V4.5a2 2 0 1 1 4 0V6Z"
        />
      </svg>
      {t('securityCue')}
    </p>
  );
}
