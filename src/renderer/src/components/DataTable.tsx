import { memo, useMemo, useState, type ReactNode } from 'react';

export interface Column<R> {
  id: string;
  label: string;
  /** A fixed width (CSS length): columns never resize as numbers change. */
  width: string;
  numeric?: boolean;
  sortValue?: (r: R) => number | string;
  render: (r: R) => ReactNode;
}

interface Props<R> {
  caption: string;
  rows: readonly R[];
  columns: readonly Column<R>[];
  rowKey: (r: R) => string;
  initialSort?: { id: string; desc: boolean };
  /** Rows beyond this are summarised, with a button to show all. */
  pageSize?: number;
  footer?: ReactNode;
  empty?: ReactNode;
  rowClass?: (r: R) => string | undefined;
}

function Row<R>({ r, columns, className }: { r: R; columns: readonly Column<R>[]; className?: string }) {
  return (
    <tr className={className}>
      {columns.map((c, i) =>
        i === 0 ? (
          <th key={c.id} scope="row" className={c.numeric ? 'n' : undefined}>
            {c.render(r)}
          </th>
        ) : (
          <td key={c.id} className={c.numeric ? 'n' : undefined}>
            {c.render(r)}
          </td>
        ),
      )}
    </tr>
  );
}
const MemoRow = memo(Row) as typeof Row;

/** A table with fixed column widths and sortable headers (buttons, so the keyboard can sort too). */
export function DataTable<R>({ caption, rows, columns, rowKey, initialSort, pageSize = 100, footer, empty, rowClass }: Props<R>) {
  const [sort, setSort] = useState(initialSort ?? null);
  const [all, setAll] = useState(false);
  const sorted = useMemo(() => {
    const col = sort && columns.find((c) => c.id === sort.id);
    if (!col?.sortValue) return rows;
    const v = col.sortValue;
    const dir = sort!.desc ? -1 : 1;
    return [...rows].sort((a, b) => {
      const x = v(a);
      const y = v(b);
      return (x < y ? -1 : x > y ? 1 : 0) * dir || (rowKey(a) < rowKey(b) ? -1 : 1);
    });
  }, [rows, columns, sort, rowKey]);
  const shown = all ? sorted : sorted.slice(0, pageSize);
  return (
    <div className="table-wrap">
      <table className="data">
        <caption className="visually-hidden">{caption}</caption>
        <colgroup>
          {columns.map((c) => (
            <col key={c.id} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.id === c.id;
              return (
                <th key={c.id} scope="col" className={c.numeric ? 'n' : undefined} aria-sort={active ? (sort!.desc ? 'descending' : 'ascending') : undefined}>
                  {c.sortValue ? (
                    <button type="button" className="sort" onClick={() => setSort({ id: c.id, desc: active ? !sort!.desc : c.numeric === true })}>
                      {c.label}
                      <span className="sort-mark" aria-hidden="true">
                        {active ? (sort!.desc ? '▾' : '▴') : ''}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 && empty ? (
            <tr>
              <td colSpan={columns.length} className="empty-cell">
                {empty}
              </td>
            </tr>
          ) : (
            shown.map((r) => <MemoRow key={rowKey(r)} r={r} columns={columns} className={rowClass?.(r)} />)
          )}
        </tbody>
        {footer && <tfoot>{footer}</tfoot>}
      </table>
      {sorted.length > shown.length && (
        <button type="button" className="link more" onClick={() => setAll(true)}>
          Show all {sorted.length} rows
        </button>
      )}
    </div>
  );
}
