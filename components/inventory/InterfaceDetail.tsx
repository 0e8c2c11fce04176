"use client";
/** One interface: what it is, which service it maps to, its history (validity, address changes) and its recent flows, enriched. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/client";
import { formatBytes, formatTime } from "./format";
import styles from "./Inventory.module.css";
import { useUrlParam } from "./url-state";

const HOURS = [1, 6, 24, 72] as const;

export function interfaceFlowHours(value: string): number {
  const hours = Number(value);
  return (HOURS as readonly number[]).includes(hours) ? hours : 6;
}

function End({ end }: { end: { address: string | null; label: string; kind: string; interfaceId: string | null } | null }) {
  if (!end) return <span className="muted">-</span>;
  return (
    <>
      <span className={`${styles.kind} ${styles[`kind-${end.kind}`] ?? ""}`}>{end.kind}</span>{" "}
      {end.interfaceId ? <Link href={`/inventory/interfaces/${end.interfaceId}`}>{end.label}</Link> : end.label}
      <div className={`${styles.small} ${styles.mono}`}>{end.address}</div>
    </>
  );
}

function RecentFlows({ id }: { id: string }) {
  const trpc = useTRPC();
  const [hoursParam, setHours] = useUrlParam("hours");
  const hours = interfaceFlowHours(hoursParam);
  const flows = useQuery({ ...trpc.inventory.interfaceFlows.queryOptions({ id, hours, limit: 200 }), placeholderData: keepPreviousData });
  return (
    <section className={`panel ${styles.section}`} aria-labelledby="flows-title">
      <div className={styles.toolbar}>
        <h2 id="flows-title" style={{ margin: 0 }}>Recent flows</h2>
        <select aria-label="Time range" value={hours} onChange={(e) => setHours(e.target.value === "6" ? "" : e.target.value)}>
          {HOURS.map((h) => (
            <option key={h} value={h}>last {h} hours</option>
          ))}
        </select>
        {flows.data ? <span className={styles.count}>{flows.data.rows.length} flows{flows.data.limited ? " (the newest; more exist)" : ""}</span> : null}
      </div>
      {flows.error ? <div className="error-box">Cannot read this interface&apos;s flows: {flows.error.message}</div> : null}
      {flows.data && flows.data.rows.length === 0 ? <p className="muted">No flows of this interface in the last {hours} hours.</p> : null}
      {flows.data && flows.data.rows.length > 0 ? (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="interface-flows">
            <thead>
              <tr><th>Start</th><th>Direction</th><th>Source</th><th>Destination</th><th>Service</th><th>Action</th><th>Bytes</th><th>Packets</th></tr>
            </thead>
            <tbody>
              {flows.data.rows.map((row, index) => (
                <tr key={`${row.timeNs}-${index}`}>
                  <td className={`${styles.small} ${styles.nowrap}`}>{row.start === null ? "-" : formatTime(new Date(row.start * 1000).toISOString())}</td>
                  <td>{row.direction ?? "-"}</td>
                  <td><End end={row.src} />{row.pktSrc ? <div className={styles.small}>packet from {row.pktSrc.label}</div> : null}</td>
                  <td><End end={row.dst} />{row.pktDst ? <div className={styles.small}>packet to {row.pktDst.label}</div> : null}</td>
                  <td>{row.service ?? row.protocol ?? "-"}</td>
                  <td>{row.action ? <span className={`badge ${row.action === "ACCEPT" ? "badge-ok" : "badge-bad"}`}>{row.action}</span> : row.logStatus}</td>
                  <td className={styles.nowrap}>{formatBytes(row.bytes)}</td>
                  <td>{row.packets ?? "-"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {flows.data ? (
        <details className={styles.small}>
          <summary>LogQL</summary>
          {flows.data.queries.map((query) => (
            <pre key={query}>{query}</pre>
          ))}
        </details>
      ) : null}
    </section>
  );
}

export function InterfaceDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.inventory.interface.queryOptions({ id }));
  if (detail.error) return <div className="error-box">{detail.error.message}</div>;
  const d = detail.data;
  if (!d) return <p className="muted">Loading…</p>;
  return (
    <>
      <p className="page-lead">
        {d.service ? (
          <>
            <strong data-testid="interface-service">{d.service}</strong> (team {d.team ?? "unknown"}), named by the rule <em>{d.rule}</em>.
          </>
        ) : (
          <>
            <span className={styles.unmapped} data-testid="interface-service">No mapping rule names this interface.</span> <Link href="/inventory/rules">Add a rule</Link>.
          </>
        )}{" "}
        {d.deletedAt ? <span className="badge badge-bad">deleted {formatTime(d.deletedAt)}</span> : <span className="badge badge-ok">current</span>}
      </p>
      <div className="grid grid-2">
        <section className="panel">
          <h2>Interface</h2>
          <dl className={styles.detailGrid}>
            <dt>Type</dt><dd>{d.interfaceType}{d.requesterManaged ? ` · managed by ${d.requesterId ?? "AWS"}` : ""}</dd>
            <dt>Description</dt><dd>{d.description || "-"}</dd>
            <dt>Account</dt><dd>{d.accountName ? `${d.accountName} (${d.accountId})` : d.accountId}{d.environment ? ` · ${d.environment}` : ""}</dd>
            <dt>VPC</dt><dd><Link href={`/inventory/interfaces?vpc=${d.vpcId}`}>{d.vpcName ?? d.vpcId}</Link> <span className={styles.small}>{d.vpcId}</span></dd>
            <dt>Subnet</dt><dd>{d.subnetName ?? d.subnetId ?? "-"} <span className={styles.small}>{d.subnetName ? d.subnetId : ""}</span></dd>
            <dt>Zone</dt><dd>{d.availabilityZone ?? "-"}{d.availabilityZoneId ? ` (${d.availabilityZoneId})` : ""} · {d.region}</dd>
            <dt>Private address</dt><dd className={styles.mono}>{d.privateIp ?? "-"}</dd>
            <dt>Public address</dt><dd className={styles.mono}>{d.publicIp ?? "-"}</dd>
            <dt>Instance</dt><dd className={styles.mono}>{d.instanceId ?? "-"}{d.attachmentStatus ? ` (${d.attachmentStatus})` : ""}</dd>
            <dt>Status</dt><dd>{d.status ?? "-"}</dd>
            <dt>Security groups</dt><dd>{d.securityGroups.map((g) => <span key={g.id} className={styles.tag} title={g.id}>{g.name}</span>)}</dd>
            <dt>Tags</dt><dd>{Object.entries(d.tags).map(([k, v]) => <span key={k} className={styles.tag}>{k}={v}</span>)}{Object.keys(d.tags).length === 0 ? "-" : null}</dd>
          </dl>
        </section>
        <section className="panel">
          <h2>History</h2>
          <ul className={styles.timeline} data-testid="interface-history">
            {d.history.map((event, index) => (
              <li key={`${event.at}-${index}`}><time>{formatTime(event.at)}</time>{event.what}</li>
            ))}
          </ul>
          <h2 className={styles.section}>Addresses</h2>
          <table className={styles.table}>
            <thead><tr><th>Address</th><th>Kind</th><th>Held from</th><th>Until</th></tr></thead>
            <tbody>
              {d.addresses.map((a) => (
                <tr key={`${a.address}-${a.firstSeen}`}>
                  <td className={styles.mono}>{a.address}{a.primary ? " (primary)" : ""}</td>
                  <td>{a.kind.replace("_", " ")}</td>
                  <td className={styles.small}>{formatTime(a.firstSeen)}</td>
                  <td className={styles.small}>{a.removedAt ? formatTime(a.removedAt) : "now"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {d.otherHolders.length > 0 ? (
            <>
              <h2 className={styles.section}>Same addresses, other interfaces</h2>
              <ul className={styles.timeline}>
                {d.otherHolders.map((h) => (
                  <li key={`${h.interfaceId}-${h.address}`}>
                    <span className={styles.mono}>{h.address}</span> on <Link href={`/inventory/interfaces/${h.interfaceId}`}>{h.interfaceId}</Link>{" "}
                    <span className={styles.small}>from {formatTime(h.firstSeen)} until {h.removedAt ? formatTime(h.removedAt) : "now"}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      </div>
      <RecentFlows id={id} />
    </>
  );
}
