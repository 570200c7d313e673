/** A labelled text input. */
export function TextField({
  id,
  label,
  value,
  onInput,
  required,
  type = 'text',
}: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  required?: boolean;
  type?: 'text' | 'url';
}) {
  return (
    <>
      <label for={id}>{label}</label>
      {/* Preact's types narrow each `type` to its own attributes; both kinds here take the same ones. */}
      <input id={id} type={type as 'text'} value={value} required={required} onInput={(e) => onInput(e.currentTarget.value)} />
    </>
  );
}
