import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDay, formatUsd, formatUsdAxis } from '../lib/format';

// Mid-tone colours that read on light and dark backgrounds alike (SVG attributes cannot use CSS variables).
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
const OTHER = '#8c8c8c';

/**
 * Daily spend for the period, stacked by model. Animation off: live updates redraw in place instead of bouncing.
 * The breakdown by project, user or run passes its own x key ("x"), tick words, label and "other" series.
 */
export const SpendChart = memo(function SpendChart({
  series,
  data,
  xKey = 'day',
  xFormat = formatDay,
  label = 'Daily spend by model',
  otherSeries = 'Other models',
}: {
  series: string[];
  data: Array<Record<string, number | string>>;
  xKey?: string;
  xFormat?: (x: string) => string;
  label?: string;
  otherSeries?: string;
}) {
  return (
    <div className="chart" role="img" aria-label={`${label}, ${series.length} series`}>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 1000, height: 280 }}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="currentColor" strokeOpacity={0.15} />
          <XAxis dataKey={xKey} tickFormatter={(d: string) => xFormat(d)} tick={{ fontSize: 11, fill: 'currentColor' }} stroke="currentColor" strokeOpacity={0.3} minTickGap={12} />
          <YAxis tickFormatter={formatUsdAxis} width={64} tick={{ fontSize: 11, fill: 'currentColor' }} stroke="currentColor" strokeOpacity={0.3} />
          <Tooltip
            formatter={(v) => formatUsd(Number(v), { precise: true })}
            labelFormatter={(d) => xFormat(String(d))}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' }}
            cursor={{ fillOpacity: 0.08 }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s, i) => (
            <Bar key={s} dataKey={s} stackId="spend" fill={i === series.length - 1 && s === otherSeries ? OTHER : PALETTE[i % PALETTE.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
});
