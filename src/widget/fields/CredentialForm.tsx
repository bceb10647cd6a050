import { useContext, useLayoutEffect, useRef } from 'react';
import { useForm } from 'react-hook-form';

import type { CredentialField } from '../../api/schemas';
import { useFlow } from '../flowContext';
import { useCopy } from '../ui/copyContext';
import { FocusOnStepContext, Spinner } from '../ui/StepLayout';
import { defaultValueFor, FIELD_REGISTRY, isAnswerField } from './fieldRegistry';
import type { CredentialValues } from './fieldTypes';

export interface CredentialFormProps {
  fields: readonly CredentialField[];
  initialValues?: Record<string, string | boolean>;
  isPending: boolean;
  describedBy?: string | undefined;
  submitLabel?: string;
  /** Fields the server refused (e.g. the password after DENIED): marked invalid, the first one focused. */
  invalidGuids?: readonly string[] | undefined;
  onSubmit: (values: CredentialValues, fields: readonly CredentialField[]) => Promise<void> | void;
}

/** A form built from field definitions: every field goes through the registry, none is special-cased here. */
export function CredentialForm({
  fields,
  initialValues = {},
  isPending,
  describedBy,
  submitLabel,
  invalidGuids,
  onSubmit,
}: CredentialFormProps) {
  const t = useCopy();
  const { idPrefix } = useFlow();
  const { control, handleSubmit, setError } = useForm<CredentialValues>({
    defaultValues: Object.fromEntries(
      fields.map((field) => [field.guid, initialValues[field.guid] ?? defaultValueFor(field)]),
    ),
    shouldFocusError: true,
  });
  const isOpenedByPerson = useContext(FocusOnStepContext);
  // On arrival: a refused field takes focus (its message is the alert above the form); otherwise, when the person
  // opened this step, the first field does, so they can type at once. A deep-linked first screen steals nothing.
  // A layout effect, so it runs before StepLayout's, and the element focused directly: react-hook-form's setFocus waits
  // a task, which would leave focus on the heading (or <body>) in between.
  const formRef = useRef<HTMLFormElement>(null);
  useLayoutEffect(() => {
    const refused = invalidGuids ?? [];
    for (const guid of refused) setError(guid, { type: 'server', message: '' });
    const target = refused[0] ?? (isOpenedByPerson ? fields.find(isAnswerField)?.guid : undefined);
    if (target === undefined) return;
    // A field's control has the field's id; a radio group's first option has it with `-0` (useCredentialController).
    const id = `${idPrefix}-${target}`;
    const form = formRef.current;
    (form?.querySelector<HTMLElement>(`[id="${id}"]`) ?? form?.querySelector<HTMLElement>(`[id="${id}-0"]`))?.focus();
    // Once, when the form appears: later renders must not pull focus back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <form
      ref={formRef}
      className="mc-form"
      noValidate
      aria-describedby={describedBy}
      aria-busy={isPending || undefined}
      onSubmit={(event) => {
        if (isPending) event.preventDefault();
        else void handleSubmit((values) => onSubmit(values, fields))(event);
      }}
    >
      {fields.map((field) => {
        const Field = FIELD_REGISTRY[field.type];
        return <Field key={field.guid} field={field} control={control} idPrefix={idPrefix} />;
      })}
      {/* aria-disabled, not disabled: a disabled button would drop keyboard focus to <body> while it is busy. */}
      <button type="submit" className="mc-button mc-button-primary" aria-disabled={isPending || undefined}>
        {isPending ? <Spinner /> : null}
        {isPending ? t('submitting') : (submitLabel ?? t('submit'))}
      </button>
    </form>
  );
}
