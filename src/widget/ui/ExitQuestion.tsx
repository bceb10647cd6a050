import { type KeyboardEvent, useEffect, useRef } from 'react';

import { useCopy } from './copyContext';

export interface ExitQuestionProps {
  idPrefix: string;
  onStay: () => void;
  onExit: () => void;
}

/**
 * "Exit? What you entered will be lost" (issue 12 §5), drawn over the step, which stays mounted underneath (and inert)
 * so Stay gives back every typed value exactly as it was. Stay, the safe answer, takes focus; Escape means Stay; Tab
 * cycles between the two buttons.
 */
export function ExitQuestion({ idPrefix, onStay, onExit }: ExitQuestionProps) {
  const t = useCopy();
  const stayRef = useRef<HTMLButtonElement>(null);
  const exitRef = useRef<HTMLButtonElement>(null);
  useEffect(() => stayRef.current?.focus(), []);

  const handleKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      // Handled here: the frame's own Escape listener (a modal's close) skips a prevented event.
      event.preventDefault();
      event.stopPropagation();
      onStay();
    } else if (event.key === 'Tab') {
      event.preventDefault();
      (document.activeElement === stayRef.current ? exitRef : stayRef).current?.focus();
    }
  };

  return (
    <div className="mc-exit-backdrop">
      <div
        className="mc-exit"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${idPrefix}-exit-title`}
        aria-describedby={`${idPrefix}-exit-body`}
        onKeyDown={handleKeyDown}
      >
        <h2 className="mc-heading" id={`${idPrefix}-exit-title`}>
          {t('exitTitle')}
        </h2>
        <p className="mc-text" id={`${idPrefix}-exit-body`}>
          {t('exitBody')}
        </p>
        <div className="mc-actions">
          <button ref={stayRef} type="button" className="mc-button mc-button-primary" onClick={onStay}>
            {t('exitStay')}
          </button>
          <button ref={exitRef} type="button" className="mc-button mc-button-secondary" onClick={onExit}>
            {t('exitConfirm')}
          </button>
        </div>
      </div>
    </div>
  );
}
