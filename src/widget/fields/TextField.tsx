import type { InputHTMLAttributes } from 'react';

import { MX_TEXT_LANG } from '../ui/mxText';
import { FieldMessage } from './FieldMessage';
import type { CredentialFieldProps } from './fieldTypes';
import { useCredentialController } from './useCredentialController';

type InputExtras = Pick<InputHTMLAttributes<HTMLInputElement>, 'autoComplete' | 'inputMode' | 'type'>;

function TextInput({ extras, ...props }: CredentialFieldProps & { extras: InputExtras }) {
  const { controlProps, inputId, errorId, error, invalid } = useCredentialController(props);
  return (
    <div className="mc-field" data-invalid={invalid || undefined}>
      <label className="mc-label" htmlFor={inputId} lang={MX_TEXT_LANG}>
        {props.field.label}
      </label>
      <input
        className="mc-input"
        type="text"
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        {...extras}
        {...controlProps}
      />
      <FieldMessage id={errorId} message={error} />
    </div>
  );
}

/** TEXT, CUSTOM, CLUDGE, and any type the widget does not know yet. */
export function TextField(props: CredentialFieldProps) {
  return <TextInput {...props} extras={{ autoComplete: 'off' }} />;
}

export function LoginField(props: CredentialFieldProps) {
  return <TextInput {...props} extras={{ autoComplete: 'username' }} />;
}

export function TokenField(props: CredentialFieldProps) {
  return <TextInput {...props} extras={{ autoComplete: 'one-time-code', inputMode: 'numeric' }} />;
}
