import { useForm } from 'react-hook-form';

import type { CredentialField } from '../../api/schemas';
import { useFlow } from '../flowContext';
import { useCopy } from '../ui/copyContext';
import { defaultValueFor, FIELD_REGISTRY } from './fieldRegistry';
import type { CredentialValues } from './fieldTypes';

export interface CredentialFormProps {
  fields: readonly CredentialField[];
  initialValues?: Record<string, string | boolean>;
  isPending: boolean;
  describedBy?: string | undefined;
  submitLabel?: string;
  onSubmit: (values: CredentialValues, fields: readonly CredentialField[]) => Promise<void> | void;
}

/** A form built from field definitions: every field goes through the registry, none is special-cased here. */
export function CredentialForm({ fields, initialValues = {}, isPending, describedBy, submitLabel, onSubmit }: CredentialFormProps) {
  const t = useCopy();
  const { idPrefix } = useFlow();
  const { control, handleSubmit } = useForm<CredentialValues>({
    defaultValues: Object.fromEntries(fields.map((field) => [field.guid, initialValues[field.guid] ?? defaultValueFor(field)])),
    shouldFocusError: true,
  });
  return (
    <form
      className="mc-form"
      noValidate
      aria-describedby={describedBy}
      aria-busy={isPending || undefined}
      onSubmit={(event) => void handleSubmit((values) => onSubmit(values, fields))(event)}
    >
      {fields.map((field) => {
        const Field = FIELD_REGISTRY[field.type];
        return <Field key={field.guid} field={field} control={control} idPrefix={idPrefix} />;
      })}
      <button type="submit" className="mc-button mc-button-primary" disabled={isPending}>
        {isPending ? t('submitting') : (submitLabel ?? t('submit'))}
      </button>
    </form>
  );
}
