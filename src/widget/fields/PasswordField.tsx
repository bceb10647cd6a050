/* eslint-disable react-hooks/refs -- RHF's `field.ref` is a callback ref passed to the element, not a ref object read during render; the compiler lint cannot tell them apart here. */
import { useState } from 'react';

import { useCopy } from '../ui/copyContext';
import { FieldMessage } from './FieldMessage';
import type { CredentialFieldProps } from './fieldTypes';
import { useCredentialController } from './useCredentialController';

export function PasswordField(props: CredentialFieldProps) {
  const t = useCopy();
  const [isVisible, setIsVisible] = useState(false);
  const { field, inputId, errorId, error, describedBy, invalid } = useCredentialController(props);
  return (
    <div className="mc-field" data-invalid={invalid || undefined}>
      <label className="mc-label" htmlFor={inputId}>
        {props.field.label}
      </label>
      <div className="mc-password">
        <input
          id={inputId}
          // Session-replay tools skip inputs marked this way (prior-art.md §11.10).
          className="mc-input ph-no-capture"
          data-private=""
          type={isVisible ? 'text' : 'password'}
          autoComplete="current-password"
          name={field.name}
          ref={field.ref}
          value={typeof field.value === 'string' ? field.value : ''}
          onChange={field.onChange}
          onBlur={field.onBlur}
          required={!props.field.isOptional}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
        />
        <button
          type="button"
          className="mc-button mc-button-quiet"
          aria-controls={inputId}
          aria-pressed={isVisible}
          onClick={() => setIsVisible((v) => !v)}
        >
          {isVisible ? t('hidePassword') : t('showPassword')}
        </button>
      </div>
      <FieldMessage id={errorId} message={error} />
    </div>
  );
}
