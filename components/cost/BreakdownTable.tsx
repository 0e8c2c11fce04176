/** One breakdown of the report (by team, service, path …): dollars with a bar, bytes, change (props only). */
import { formatBytes, formatChange, formatChangePercent, formatDollars, pathColor } from "./format";
import styles from "./Cost.module.css";
import type { BreakdownEntry } from "./types";

export function BreakdownTable(props: {
  title: string;
  entries: BreakdownEntry[];
  /** Column title of the names. */
  what: string;
  detailTitle?: string;
  limit?: number;
  /** Colors bars by path key. */
  colorByKey?: boolean;
  /** A link for an entry (e.g. to filter by it). */
  hrefOf?: (entry: BreakdownEntry) => string | undefined;
  testId?: string;
}) {
  const shown = props.entries.slice(0, props.limit ?? 12);
  const max = Math.max(...props.entries.map((e) => e.dollars), 0.000001);
  const hidden = props.entries.length - shown.length;
  return (
    <section className={`panel ${styles.breakdown}`} data-testid={props.testId}>
      <h2>{props.title}</h2>
      {shown.length === 0 ? (
        <p className="muted">Nothing in this period.</p>
      ) : (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>{props.what}</th>
              {props.detailTitle ? <th>{props.detailTitle}</th> : null}
              <th className={styles.num}>Dollars</th>
              <th className={styles.barCell} aria-hidden="true" />
              <th className={styles.num}>Bytes</th>
              <th className={styles.num}>Change</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => {
              const href = props.hrefOf?.(e);
              const change = e.previousDollars === null ? null : e.dollars - e.previousDollars;
              return (
                <tr key={e.key}>
                  <td>{href ? <a href={href}>{e.label}</a> : e.label}</td>
                  {props.detailTitle ? <td className="muted">{e.detail}</td> : null}
                  <td className={styles.num}>{formatDollars(e.dollars)}</td>
                  <td className={styles.barCell}>
                    <span className={styles.bar} style={{ width: `${Math.max(0, (e.dollars / max) * 100)}%`, background: props.colorByKey ? pathColor(e.key) : undefined }} />
                  </td>
                  <td className={styles.num}>{e.bytes > 0 ? formatBytes(e.bytes) : "—"}</td>
                  <td className={`${styles.num} ${change !== null && change > 0.005 ? styles.up : change !== null && change < -0.005 ? styles.down : ""}`}>
                    {change === null ? "" : `${formatChange(change)} ${formatChangePercent(e.dollars, e.previousDollars)}`}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {hidden > 0 ? <p className="muted">and {hidden} more ({formatDollars(props.entries.slice(shown.length).reduce((a, e) => a + e.dollars, 0))}); the CSV has them all.</p> : null}
    </section>
  );
}
