"use client";
/** Dollars per day, stacked by billed path (props only, never fetches). */
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { formatDay, formatDollars, pathColor } from "./format";

export function DailyCostChart(props: { days: { day: string; total: number; byPath: Record<string, number> }[]; paths: { key: string; label: string }[]; height?: number; animate?: boolean }) {
  const data = props.days.map((d) => ({ day: d.day, ...d.byPath }));
  const paths = props.paths.filter((p) => props.days.some((d) => (d.byPath[p.key] ?? 0) > 0));
  return (
    <div data-testid="daily-cost-chart">
      <BarChart responsive style={{ width: "100%", height: props.height ?? 260 }} data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickFormatter={formatDay} fontSize={11} minTickGap={12} />
          <YAxis tickFormatter={(v: number) => formatDollars(v)} fontSize={11} width={70} />
          <Tooltip formatter={(value, name) => [formatDollars(Number(value)), paths.find((p) => p.key === name)?.label ?? String(name)]} labelFormatter={(day) => formatDay(String(day))} />
          <Legend formatter={(name) => paths.find((p) => p.key === name)?.label ?? name} wrapperStyle={{ fontSize: 12 }} />
          {paths.map((p) => (
            <Bar key={p.key} dataKey={p.key} stackId="dollars" fill={pathColor(p.key)} isAnimationActive={props.animate ?? false} />
          ))}
      </BarChart>
    </div>
  );
}
