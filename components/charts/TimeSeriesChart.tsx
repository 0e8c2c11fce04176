"use client";
/**
 * A time-series chart (props only, never fetches): stacked areas for additive measures (flows,
 * bytes, packets with "Other"), lines for arbitrary metric queries. Drag across it to zoom into
 * that time range (`onZoom`). The legend lists each series with its exact total.
 */
import { useMemo, useState } from "react";
import { Area, AreaChart, CartesianGrid, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { type Unit, colorOf, formatAxis, formatAxisTime, formatTime, formatValue } from "@/components/explore/format";
import styles from "./charts.module.css";

export interface TimeSeries {
  key: string;
  label: string;
  values: number[];
  total: number;
  role?: "other";
}

export function TimeSeriesChart(props: {
  timestamps: number[];
  stepMs: number;
  series: TimeSeries[];
  unit: Unit;
  /** Stacked areas (values add up); false draws lines. */
  stacked?: boolean;
  height?: number;
  /** Called with the dragged range (ms). */
  onZoom?(fromMs: number, toMs: number): void;
  /** Show each series' total in the legend (only meaningful when values add up). */
  totals?: boolean;
  ariaLabel?: string;
}) {
  const { timestamps, series, unit, stepMs } = props;
  const stacked = props.stacked ?? true;
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const data = useMemo(
    () =>
      timestamps.map((t, i) => {
        const point: Record<string, number> = { t };
        series.forEach((s, j) => (point[`s${j}`] = s.values[i] ?? 0));
        return point;
      }),
    [timestamps, series],
  );
  const span = (timestamps[timestamps.length - 1] ?? 0) - (timestamps[0] ?? 0);
  const finishDrag = () => {
    if (drag && props.onZoom && drag.from !== drag.to) {
      const from = Math.min(drag.from, drag.to) - stepMs;
      const to = Math.max(drag.from, drag.to);
      props.onZoom(from, to);
    }
    setDrag(null);
  };
  const Chart = stacked ? AreaChart : LineChart;
  const label = (value: unknown) => (typeof value === "number" ? `${formatTime(value - stepMs)} → ${formatTime(value).slice(11)} UTC` : String(value));
  return (
    <div className={styles.chart} aria-label={props.ariaLabel} data-testid="timeseries-chart">
      {series.length === 0 ? (
        <p className="muted">No data in this time range.</p>
      ) : (
        <>
          <ResponsiveContainer width="100%" height={props.height ?? 260}>
            <Chart
              data={data}
              margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
              onMouseDown={(e) => e && typeof e.activeLabel === "number" && props.onZoom && setDrag({ from: e.activeLabel, to: e.activeLabel })}
              onMouseMove={(e) => drag && e && typeof e.activeLabel === "number" && setDrag({ ...drag, to: e.activeLabel })}
              onMouseUp={finishDrag}
              onMouseLeave={() => setDrag(null)}
            >
              <CartesianGrid strokeDasharray="3 3" stroke="#e9ecef" />
              <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(v: number) => formatAxisTime(v, span)} fontSize={11} minTickGap={40} />
              <YAxis tickFormatter={(v: number) => formatAxis(v, unit)} fontSize={11} width={64} />
              <Tooltip
                labelFormatter={label}
                formatter={(value, name) => {
                  const index = Number(String(name).slice(1));
                  return [formatValue(Number(value), unit), series[index]?.label ?? String(name)];
                }}
                isAnimationActive={false}
              />
              {series.map((s, j) =>
                stacked ? (
                  <Area key={s.key} type="stepBefore" dataKey={`s${j}`} stackId="a" stroke={colorOf(j, s.role)} fill={colorOf(j, s.role)} fillOpacity={0.55} isAnimationActive={false} />
                ) : (
                  <Line key={s.key} type="linear" dataKey={`s${j}`} stroke={colorOf(j, s.role)} dot={false} isAnimationActive={false} />
                ),
              )}
              {drag ? <ReferenceArea x1={drag.from} x2={drag.to} strokeOpacity={0.3} fill="#2357d9" fillOpacity={0.12} /> : null}
            </Chart>
          </ResponsiveContainer>
          <ul className={styles.legend} data-testid="chart-legend">
            {series.map((s, j) => (
              <li key={s.key} title={props.totals === false ? s.label : `${s.label}: ${s.total.toLocaleString("en-US")} ${unit === "value" ? "" : unit}`}>
                <span className={styles.swatch} style={{ background: colorOf(j, s.role) }} />
                <span className={styles.legendLabel}>{s.label}</span>
                {props.totals === false ? null : <span className={styles.legendValue}>{formatValue(s.total, unit)}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
