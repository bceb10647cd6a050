/* eslint-disable react-hooks/refs -- RHF's `field.ref` is a callback ref passed to the element, not a ref object read during render; the compiler lint cannot tell them apart here. */
import { FieldMessage } from './FieldMessage';
import type { CredentialFieldProps } from './fieldTypes';
import { useCredentialController } from './useCredentialController';

/** OPTIONS with many choices. */
export function SelectField(props: CredentialFieldProps) {
  const { field: input, inputId, errorId, error, describedBy, invalid } = useCredentialController(props);
  return (
    <div className="mc-field" data-invalid={invalid || undefined}>
      <label className="mc-label" htmlFor={inputId}>
        {props.field.label}
      </label>
      <select
        id={inputId}
        className="mc-input"
        name={input.name}
        ref={input.ref}
        value={typeof input.value === 'string' ? input.value : ''}
        onChange={input.onChange}
        onBlur={input.onBlur}
        required={!props.field.isOptional}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
      >
        <option value="" disabled>
          {'—'}
        </option>
        {props.field.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldMessage id={errorId} message={error} />
    </div>
  );
}
