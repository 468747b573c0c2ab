import { useEffect, useRef } from 'react';
import type { RequestRecord } from '../../../main/contract/usage';
import { requestDetailRows } from '../lib/request-detail';

/** One request in full: project, user, run, every token kind, the price entry used and the error or note. */
export function RequestDetail({ r, keyName, tz, onClose }: { r: RequestRecord; keyName: string; tz: string; onClose: () => void }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), [r.id]);
  return (
    <section className="card request-detail" aria-label="Request details" tabIndex={-1} ref={ref}>
      <div className="card-head">
        <h2>Request {r.id}</h2>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </div>
      <dl>
        {requestDetailRows(r, keyName, tz).map(([label, value]) => (
          <div key={label} className={label.startsWith('  ') ? 'sub' : undefined}>
            <dt>{label.trim()}</dt>
            <dd className={/tokens|cache|reasoning|Cost/.test(label) ? 'num' : undefined}>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
