import { type KeyboardEvent, useContext, useLayoutEffect, useRef, useState } from 'react';

import type { Institution } from '../../../api/schemas';
import { useCopy } from '../../ui/copyContext';
import { InstitutionLogo } from '../../ui/InstitutionLogo';
import { FocusOnStepContext } from '../../ui/StepLayout';

export interface InstitutionListboxProps {
  institutions: readonly Institution[];
  labelledBy: string;
  /** `tiles`: logo tiles where the widget is wide enough (CSS container query), a list otherwise. */
  layout: 'tiles' | 'list';
  onSelect: (institution: Institution) => void;
  /** ↑ on the first option, or Escape: the search box takes over (and clears on Escape). */
  onLeave: (key: 'ArrowUp' | 'Escape') => void;
  /** The institution to give focus to when the list appears (the one chosen before Back), if it is listed. */
  focusCode?: string | undefined;
  /** Verification mode: institutions MX cannot verify at say so (in their accessible name too). */
  isVerifying?: boolean;
}

const NEXT_KEYS = new Set(['ArrowDown', 'ArrowRight']);
const PREVIOUS_KEYS = new Set(['ArrowUp', 'ArrowLeft']);

/**
 * The institutions as one keyboard stop (WAI-ARIA listbox with a roving tabindex): Tab enters at the last active
 * option and leaves the list; arrows, Home and End move inside it; Enter or Space chooses.
 */
export function InstitutionListbox({
  institutions,
  labelledBy,
  layout,
  onSelect,
  onLeave,
  focusCode,
  isVerifying = false,
}: InstitutionListboxProps) {
  const t = useCopy();
  const [active, setActive] = useState(() =>
    Math.max(
      0,
      institutions.findIndex((institution) => institution.code === focusCode),
    ),
  );
  const isOpenedByPerson = useContext(FocusOnStepContext);
  // Back from the login returns focus to the bank that was chosen, not to the top of the step (issue 12 §6). A layout
  // effect, so it runs before StepLayout's and focus never rests on the heading or <body> on the way.
  useLayoutEffect(() => {
    const index = institutions.findIndex((institution) => institution.code === focusCode);
    if (isOpenedByPerson && index >= 0) options.current[index]?.focus();
    // Once, when the list appears.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const options = useRef<(HTMLLIElement | null)[]>([]);
  const current = Math.max(0, Math.min(active, institutions.length - 1));

  const focus = (index: number) => {
    setActive(index);
    options.current[index]?.focus();
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLLIElement>, index: number, institution: Institution) => {
    const last = institutions.length - 1;
    if (NEXT_KEYS.has(event.key)) focus(Math.min(index + 1, last));
    else if (PREVIOUS_KEYS.has(event.key)) {
      if (index === 0 && event.key === 'ArrowUp') onLeave('ArrowUp');
      else focus(Math.max(index - 1, 0));
    } else if (event.key === 'Home') focus(0);
    else if (event.key === 'End') focus(last);
    else if (event.key === 'Enter' || event.key === ' ') onSelect(institution);
    else if (event.key === 'Escape') onLeave('Escape');
    else return;
    // Handled here: no page scroll, and an Escape must not also close a modal around the widget.
    event.preventDefault();
  };

  return (
    <ul role="listbox" className={`mc-options mc-options-${layout}`} aria-labelledby={labelledBy}>
      {institutions.map((institution, index) => (
        <li
          key={institution.code}
          ref={(element) => {
            options.current[index] = element;
          }}
          role="option"
          aria-selected={index === current}
          tabIndex={index === current ? 0 : -1}
          className="mc-option"
          onClick={() => onSelect(institution)}
          onFocus={() => setActive(index)}
          onKeyDown={(event) => handleKeyDown(event, index, institution)}
        >
          <InstitutionLogo url={institution.small_logo_url} name={institution.name} />
          <span className="mc-option-name">{institution.name}</span>
          {isVerifying && institution.supports_account_verification === false ? (
            <span className="mc-option-note">{t('verificationUnavailable')}</span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Placeholder rows the size of real options, so the list does not jump when the answer arrives. */
export function SkeletonOptions({ count, layout }: { count: number; layout: 'tiles' | 'list' }) {
  return (
    <ul className={`mc-options mc-options-${layout} mc-skeleton`} aria-hidden="true">
      {Array.from({ length: count }, (_, index) => (
        <li key={index} className="mc-option">
          <span className="mc-logo mc-skeleton-block" />
          <span className="mc-skeleton-line" />
        </li>
      ))}
    </ul>
  );
}
