/** Savings opportunities: what to change, where, for which services, and the dollars it saves (props only). */
import { formatBytes, formatDollars } from "./format";
import styles from "./Cost.module.css";
import type { SavingOpportunity } from "./types";

export function SavingsList(props: { savings: SavingOpportunity[]; periodLabel: string }) {
  return (
    <section className={`panel ${styles.savings}`} data-testid="savings">
      <h2>Savings opportunities</h2>
      {props.savings.length === 0 ? <p className="muted">None found in {props.periodLabel}: no AWS traffic through NAT gateways that an endpoint would carry, no cross-AZ hops to NAT gateways.</p> : null}
      {props.savings.map((s) => (
        <article key={`${s.kind}-${s.target}`} className={styles.saving} data-testid={`saving-${s.kind}`}>
          <header>
            <h3>{s.title}</h3>
            <span className={styles.savingAmount}>
              {s.estimatedSavings > 0 ? `save about ${formatDollars(s.estimatedSavings)}` : "not worth it at this volume"}
              <span className="muted"> of {formatDollars(s.dollars)} · {formatBytes(s.bytes)}</span>
            </span>
          </header>
          <p className="muted">{s.action}</p>
          <table className={styles.table}>
            <thead>
              <tr>
                <th>VPC</th>
                <th>Services</th>
                <th className={styles.num}>Bytes</th>
                <th className={styles.num}>Costs now</th>
                <th className={styles.num}>Change costs</th>
                <th className={styles.num}>Saves</th>
              </tr>
            </thead>
            <tbody>
              {s.vpcs.map((v) => (
                <tr key={`${v.vpcId}-${v.detail ?? ""}`}>
                  <td>
                    <strong>{v.vpcName ?? v.vpcId}</strong> <span className="muted">{v.region}</span>
                    {v.detail ? <div className="muted">{v.detail}</div> : null}
                  </td>
                  <td>
                    {v.services.slice(0, 6).map((x) => (
                      <span key={x.service} className={styles.chip} title={`${x.team} · ${formatBytes(x.bytes)} · ${formatDollars(x.dollars)}`}>
                        {x.service}
                      </span>
                    ))}
                    {v.services.length > 6 ? <span className="muted"> +{v.services.length - 6}</span> : null}
                  </td>
                  <td className={styles.num}>{formatBytes(v.bytes)}</td>
                  <td className={styles.num}>{formatDollars(v.dollars)}</td>
                  <td className={styles.num}>{formatDollars(v.newCost)}</td>
                  <td className={`${styles.num} ${v.estimatedSavings > 0 ? styles.down : ""}`}>{formatDollars(v.estimatedSavings)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
    </section>
  );
}
