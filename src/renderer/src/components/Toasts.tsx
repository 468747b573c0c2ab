import { useActions, useDash } from '../store/context';

/** Live budget alerts and confirmations, announced politely to screen readers. */
export function Toasts() {
  const toasts = useDash((s) => s.toasts);
  const { dismissToast } = useActions();
  return (
    <div className="toasts" aria-live="polite" aria-relevant="additions">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <div>
            <strong>{t.title}</strong>
            {t.body && <div>{t.body}</div>}
          </div>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
