import { type KeyboardEvent, useState } from 'react';

import { useCopy } from '../ui/copyContext';
import { MX_TEXT_LANG } from '../ui/mxText';
import { FieldMessage } from './FieldMessage';
import type { CredentialFieldProps } from './fieldTypes';
import { useCredentialController } from './useCredentialController';

export function PasswordField(props: CredentialFieldProps) {
  const t = useCopy();
  const [isVisible, setIsVisible] = useState(false);
  const [isCapsLockOn, setIsCapsLockOn] = useState(false);
  const { controlProps, inputId, errorId, error, invalid } = useCredentialController(props);
  const capsLockId = `${inputId}-caps`;
  // Caps Lock is only knowable from a key event; a typed-in-capitals password is the classic silent failure.
  const readCapsLock = (event: KeyboardEvent) => setIsCapsLockOn(event.getModifierState('CapsLock'));
  const describedBy =
    [controlProps['aria-describedby'], isCapsLockOn ? capsLockId : undefined].filter(Boolean).join(' ') || undefined;
  const label = isVisible ? t('hidePassword') : t('showPassword');
  return (
    <div className="mc-field" data-invalid={invalid || undefined}>
      <label className="mc-label" htmlFor={inputId} lang={MX_TEXT_LANG}>
        {props.field.label}
      </label>
      <div className="mc-password">
        <input
          // Session-replay tools skip inputs marked this way (prior-art.md §11.10).
          className="mc-input ph-no-capture"
          data-private=""
          type={isVisible ? 'text' : 'password'}
          autoComplete="current-password"
          {...controlProps}
          aria-describedby={describedBy}
          onKeyDown={readCapsLock}
          onKeyUp={readCapsLock}
          onBlur={() => {
            setIsCapsLockOn(false);
            controlProps.onBlur();
          }}
        />
        {/* An icon button: a worded toggle takes half the row at 320 px in longer languages ("Afficher le mot de passe"). */}
        <button
          type="button"
          className="mc-button mc-button-quiet"
          aria-controls={inputId}
          aria-pressed={isVisible}
          title={label}
          onClick={() => setIsVisible((v) => !v)}
        >
          <svg
            viewBox="0 0 24 24"
            width="22"
            height="22"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            aria-hidden="true"
            focusable="false"
          >
            <path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z" />
            <circle cx="12" cy="12" r="3" />
            {isVisible ? <path d="M4 4l16 16" /> : null}
          </svg>
          <span className="mc-visually-hidden">{label}</span>
        </button>
      </div>
      {isCapsLockOn ? (
        <p className="mc-hint" id={capsLockId}>
          {t('capsLockOn')}
        </p>
      ) : null}
      <FieldMessage id={errorId} message={error} />
    </div>
  );
}
