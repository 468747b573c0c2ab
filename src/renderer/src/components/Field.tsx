import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';

/**
 * A labelled control with its hint and its error, wired for screen readers (aria-invalid, aria-describedby). The
 * error line keeps its space when empty, so a message appearing does not push the form down.
 */
export function Field({ label, error, hint, children, wide }: { label: string; error?: string | null; hint?: ReactNode; children: ReactElement; wide?: boolean }) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errId : null].filter(Boolean).join(' ') || undefined;
  const control = isValidElement(children)
    ? cloneElement(children as ReactElement<Record<string, unknown>>, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })
    : children;
  return (
    <div className={`field${wide ? ' field-wide' : ''}${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint && (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      )}
      <div className="field-error" id={errId} role={error ? 'alert' : undefined}>
        {error ?? ''}
      </div>
    </div>
  );
}
