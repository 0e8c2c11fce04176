/** The services and teams whose dollars changed most since the previous period (props only). */
import { formatChange, formatChangePercent, formatDollars } from "./format";
import styles from "./Cost.module.css";
import type { CostReportData } from "./types";

export function MoversList(props: { movers: CostReportData["movers"]; previousLabel: string }) {
  return (
    <section className="panel" data-testid="movers">
      <h2>Top movers since {props.previousLabel}</h2>
      {props.movers.length === 0 ? (
        <p className="muted">Nothing changed by a cent.</p>
      ) : (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Who</th>
              <th className={styles.num}>Before</th>
              <th className={styles.num}>Now</th>
              <th className={styles.num}>Change</th>
            </tr>
          </thead>
          <tbody>
            {props.movers.map((m) => (
              <tr key={`${m.dimension}-${m.key}`}>
                <td>
                  {m.label} <span className="muted">{m.dimension}</span>
                </td>
                <td className={styles.num}>{formatDollars(m.previousDollars)}</td>
                <td className={styles.num}>{formatDollars(m.dollars)}</td>
                <td className={`${styles.num} ${m.change > 0 ? styles.up : styles.down}`}>
                  {formatChange(m.change)} {formatChangePercent(m.dollars, m.previousDollars)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
