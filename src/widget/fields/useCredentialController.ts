import { useController } from 'react-hook-form';

import { useCopy } from '../ui/copyContext';
import type { CredentialFieldProps } from './fieldTypes';

/** Shared wiring: rules from field metadata, ids for label/error, aria-invalid. */
export function useCredentialController({ field, control, idPrefix }: CredentialFieldProps) {
  const t = useCopy();
  const controller = useController({
    name: field.guid,
    control,
    rules: {
      // A checkbox is never required: unchecked is an answer ("false"), not a missing one.
      validate: (value) =>
        field.isOptional || typeof value === 'boolean' || (typeof value === 'string' && value.trim() !== '') ? true : t('fieldRequired', { label: field.label }),
    },
  });
  const inputId = `${idPrefix}-${field.guid}`;
  const errorId = `${inputId}-error`;
  const error = controller.fieldState.error?.message;
  return {
    ...controller,
    inputId,
    errorId,
    error,
    describedBy: error !== undefined ? errorId : undefined,
    invalid: error !== undefined,
  };
}
