/** A labelled select with an optional "any" choice, the shape every filter and form here uses. */
export function SelectField({
  id,
  label,
  value,
  options,
  empty,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: readonly string[];
  /** Label of the empty choice; omitted, a value is required. */
  empty?: string;
  onChange: (value: string) => void;
}) {
  return (
    <>
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {empty !== undefined && <option value="">{empty}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </>
  );
}
