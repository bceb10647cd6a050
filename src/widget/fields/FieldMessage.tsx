/** The error text of a field, linked from the input through aria-describedby. */
export function FieldMessage({ id, message }: { id: string; message: string | undefined }) {
  // An empty message marks a field invalid without words of its own (the form's alert says what is wrong).
  if (!message) return null;
  return (
    <p className="mc-field-error" id={id}>
      {message}
    </p>
  );
}
