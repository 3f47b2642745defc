import { useId, type InputHTMLAttributes, type Ref } from "react";

export function CheckboxField({ label, hint, ref, ...rest }: { label: string; hint?: string; ref?: Ref<HTMLInputElement> } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field checkbox">
      <div className="checkbox-row">
        <input id={id} type="checkbox" ref={ref} aria-describedby={hint ? `${id}-hint` : undefined} {...rest} />
        <label htmlFor={id}>{label}</label>
      </div>
      {hint ? <p className="field-hint" id={`${id}-hint`}>{hint}</p> : null}
    </div>
  );
}
