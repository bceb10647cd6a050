import { useController } from 'react-hook-form';

import { useCopy } from '../ui/copyContext';
import type { CredentialFieldProps } from './fieldTypes';

const CHOICE_TYPES: ReadonlySet<string> = new Set(['OPTIONS', 'RADIO', 'IMAGE_OPTIONS']);

/** Shared wiring: rules from field metadata, ids for label/error, aria-invalid. */
export function useCredentialController({ field, control, idPrefix }: CredentialFieldProps) {
  const t = useCopy();
  const controller = useController({
    name: field.guid,
    control,
    rules: {
      // A checkbox is never required: unchecked is an answer ("false"), not a missing one. The message never quotes
      // the label: labels are questions or phrases in any language ("What city?", "Usuario"), so "{label} is required"
      // reads badly; the message sits next to its label anyway.
      validate: (value) =>
        field.isOptional || typeof value === 'boolean' || (typeof value === 'string' && value.trim() !== '')
          ? true
          : t(CHOICE_TYPES.has(field.type) ? 'choiceRequired' : 'fieldRequired'),
    },
  });
  const inputId = `${idPrefix}-${field.guid}`;
  const errorId = `${inputId}-error`;
  const error = controller.fieldState.error?.message;
  const describedBy = error ? errorId : undefined;
  const invalid = error !== undefined;
  const { name, ref, value, onChange, onBlur } = controller.field;
  return {
    ...controller,
    inputId,
    errorId,
    error,
    describedBy,
    invalid,
    /** The wiring every single-value control (`<input>`, `<select>`) takes as it is: label link, value, validity. */
    controlProps: {
      id: inputId,
      name,
      ref,
      value: typeof value === 'string' ? value : '',
      onChange,
      onBlur,
      required: !field.isOptional,
      'aria-invalid': invalid || undefined,
      'aria-describedby': describedBy,
    },
  };
}
