/* eslint-disable react-hooks/refs -- RHF's `field.ref` is a callback ref passed to the element, not a ref object read during render; the compiler lint cannot tell them apart here. */
import { safeUrl } from '../lib/safeUrl';
import { MX_TEXT_LANG } from '../ui/mxText';
import { FieldMessage } from './FieldMessage';
import type { CredentialFieldProps } from './fieldTypes';
import { SelectField } from './SelectField';
import { useCredentialController } from './useCredentialController';

/** A radio group; with `withImages` each choice shows its image (IMAGE_OPTIONS). */
export function RadioGroupField({ withImages = false, ...props }: CredentialFieldProps & { withImages?: boolean }) {
  const { field, inputId, errorId, error, describedBy, invalid } = useCredentialController(props);
  return (
    <fieldset
      className="mc-field mc-fieldset"
      data-invalid={invalid || undefined}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
    >
      <legend className="mc-label" lang={MX_TEXT_LANG}>
        {props.field.label}
      </legend>
      <div className={withImages ? 'mc-choices mc-choices-images' : 'mc-choices'}>
        {props.field.options.map((option, index) => {
          const id = `${inputId}-${index}`;
          return (
            <label key={id} className="mc-choice" htmlFor={id}>
              <input
                id={id}
                type="radio"
                name={`${inputId}-group`}
                value={option.value}
                checked={field.value === option.value}
                onChange={() => field.onChange(option.value)}
                onBlur={field.onBlur}
                // Only the first option registers: an error then focuses the group's first option, not its last.
                ref={index === 0 ? field.ref : undefined}
                required={!props.field.isOptional}
              />
              {/* The picture goes through safeUrl like every URL we put in the page (issue 13 item 9); the label stays
                  visible under it, so the picture itself is decorative. */}
              {withImages && safeUrl(option.imageUri) !== undefined ? (
                <img className="mc-choice-image" src={safeUrl(option.imageUri)} alt="" />
              ) : null}
              <span lang={MX_TEXT_LANG}>{option.label}</span>
            </label>
          );
        })}
      </div>
      <FieldMessage id={errorId} message={error} />
    </fieldset>
  );
}

export function RadioField(props: CredentialFieldProps) {
  return <RadioGroupField {...props} />;
}

export function ImageOptionsField(props: CredentialFieldProps) {
  return <RadioGroupField {...props} withImages />;
}

/** Few options read best as radios; long lists as a select (product.md, OPTIONS). */
export function OptionsField(props: CredentialFieldProps) {
  return props.field.options.length <= 4 ? <RadioGroupField {...props} /> : <SelectField {...props} />;
}

export function CheckboxField({ ...props }: CredentialFieldProps) {
  const { field, inputId, errorId, error, describedBy, invalid } = useCredentialController(props);
  return (
    <div className="mc-field mc-checkbox" data-invalid={invalid || undefined}>
      <input
        id={inputId}
        type="checkbox"
        name={field.name}
        ref={field.ref}
        checked={field.value === true}
        onChange={(event) => field.onChange(event.target.checked)}
        onBlur={field.onBlur}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
      />
      <label className="mc-label" htmlFor={inputId} lang={MX_TEXT_LANG}>
        {props.field.label}
      </label>
      <FieldMessage id={errorId} message={error} />
    </div>
  );
}
