import { MX_TEXT_LANG } from '../ui/mxText';
import { FieldMessage } from './FieldMessage';
import type { CredentialFieldProps } from './fieldTypes';
import { useCredentialController } from './useCredentialController';

/** OPTIONS with many choices. */
export function SelectField(props: CredentialFieldProps) {
  const { controlProps, inputId, errorId, error, invalid } = useCredentialController(props);
  return (
    <div className="mc-field" data-invalid={invalid || undefined}>
      <label className="mc-label" htmlFor={inputId} lang={MX_TEXT_LANG}>
        {props.field.label}
      </label>
      <select className="mc-input" {...controlProps}>
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
