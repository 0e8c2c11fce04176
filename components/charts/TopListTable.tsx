"use client";
/**
 * A ranked list with bars (props only): the top rows and "Other", each with its exact value and
 * share of the total. Rows may link somewhere (e.g. Explore filtered on that value).
 */
import Link from "next/link";
import { type Unit, formatPercent, formatValue } from "@/components/explore/format";
import styles from "./charts.module.css";

export interface TopRow {
  key: string;
  label: string;
  value: number;
  share: number;
  detail?: Record<string, string | null>;
  role?: "other";
}

export function TopListTable(props: {
  rows: TopRow[];
  unit: Unit;
  /** A link for a row (not for Other). */
  hrefFor?(row: TopRow): string | undefined;
  /** Which detail fields to show under the label, in order. */
  details?: string[];
  empty?: string;
  testId?: string;
}) {
  const max = Math.max(0, ...props.rows.map((r) => r.value));
  if (props.rows.length === 0) return <p className={styles.empty}>{props.empty ?? "Nothing in this time range."}</p>;
  return (
    <table className={styles.toplist} data-testid={props.testId}>
      <tbody>
        {props.rows.map((row) => {
          const href = row.role === "other" ? undefined : props.hrefFor?.(row);
          const detail = (props.details ?? [])
            .map((key) => row.detail?.[key])
            .filter((v): v is string => Boolean(v))
            .join(" · ");
          return (
            <tr key={row.key} className={row.role === "other" ? styles.rowOther : undefined}>
              <td className={styles.rowLabel} title={row.label}>
                {href ? <Link href={href}>{row.label}</Link> : row.label}
                {detail ? <div className={styles.rowDetail}>{detail}</div> : null}
              </td>
              <td className={styles.value} title={row.value.toLocaleString("en-US")}>
                {formatValue(row.value, props.unit)}
              </td>
              <td className={styles.value}>{formatPercent(row.share)}</td>
              <td className={styles.share}>
                <div className={`${styles.bar} ${row.role === "other" ? styles.barOther : ""}`} style={{ width: `${max > 0 ? (row.value / max) * 100 : 0}%` }} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
