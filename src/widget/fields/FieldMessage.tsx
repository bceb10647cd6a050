/** The error text of a field, linked from the input through aria-describedby. */
export function FieldMessage({ id, message }: { id: string; message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <p className="mc-field-error" id={id}>
      {message}
    </p>
  );
}
