"use client";
/** The inventory at a glance: counts, unmapped interfaces, recent imports, flow log formats, known networks. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/client";
import { formatTime } from "./format";
import styles from "./Inventory.module.css";

function Stat({ label, value, href, warn }: { label: string; value: number | string; href?: string; warn?: boolean }) {
  const body = (
    <>
      <div className={`${styles.statValue} ${warn ? styles.warnValue : ""}`}>{value}</div>
      <div className={styles.statLabel}>{label}</div>
    </>
  );
  return <div className={styles.stat} data-testid={`stat-${label.toLowerCase().replace(/\s+/g, "-")}`}>{href ? <Link href={href}>{body}</Link> : body}</div>;
}

export function InventoryOverview() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.inventory.summary.queryOptions());
  const imports = useQuery(trpc.inventory.imports.queryOptions({ limit: 10 }));
  const formats = useQuery(trpc.inventory.flowLogFormats.queryOptions());
  const networks = useQuery(trpc.inventory.knownNetworks.queryOptions({}));
  const s = summary.data;
  return (
    <>
      {summary.error ? <div className="error-box">{summary.error.message}</div> : null}
      {s ? (
        <div className={styles.stats}>
          <Stat label="Accounts" value={s.accounts} href="/inventory/accounts" />
          <Stat label="VPCs" value={s.vpcs} href="/inventory/vpcs" />
          <Stat label="Subnets" value={s.subnets} href="/inventory/subnets" />
          <Stat label="Interfaces" value={s.interfaces} href="/inventory/interfaces" />
          <Stat label="Unmapped interfaces" value={s.unmappedInterfaces} href="/inventory/interfaces?mapping=unmapped" warn={s.unmappedInterfaces > 0} />
          <Stat label="Services" value={s.services} href="/inventory/services" />
          <Stat label="Deleted interfaces" value={s.deletedInterfaces} href="/inventory/interfaces?status=deleted" />
          <Stat label="AWS ranges" value={s.awsRanges} />
          <Stat label="Known networks" value={s.knownNetworks} />
        </div>
      ) : null}
      {s && s.interfaces === 0 && s.deletedInterfaces === 0 ? (
        <p className="panel">
          The inventory is empty. <Link href="/inventory/import">Import</Link> the output of <code>aws ec2 describe-network-interfaces</code> (and
          describe-vpcs, describe-subnets, AWS&apos;s ip-ranges.json) to name the service behind every address.
        </p>
      ) : null}
      <div className="grid grid-2">
        <section className="panel">
          <h2>Recent imports</h2>
          {imports.data && imports.data.length === 0 ? <p className="muted">None yet.</p> : null}
          <ul className={styles.timeline}>
            {imports.data?.map((i) => (
              <li key={i.id}>
                <time>{formatTime(i.importedAt)}</time>
                {i.file} <span className={styles.kind}>{i.kind}</span> <span className={styles.small}>by {i.importedBy}, as of {formatTime(i.observedAt)}</span>
              </li>
            ))}
          </ul>
        </section>
        <section className="panel">
          <h2>Flow log formats</h2>
          <p className="muted">
            Flow logs not listed are read in AWS&apos;s default format. Import <code>aws ec2 describe-flow-logs</code> output to register custom formats.
          </p>
          <ul className={styles.timeline}>
            {formats.data?.map((f) => (
              <li key={f.flowLogId}>
                <span className={styles.mono}>{f.flowLogId}</span> <span className={styles.kind}>{f.source}</span>
                <div className={styles.small}>{f.format}</div>
              </li>
            ))}
          </ul>
        </section>
        <section className="panel">
          <h2>Known networks</h2>
          {networks.data && networks.data.length === 0 ? <p className="muted">None: import a CSV of cidr,name,category.</p> : null}
          <ul className={styles.timeline}>
            {networks.data?.map((n) => (
              <li key={n.cidr}>
                <span className={styles.mono}>{n.cidr}</span> {n.name} <span className={styles.kind}>{n.category}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}
