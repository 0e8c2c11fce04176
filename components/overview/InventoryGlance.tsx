"use client";
/** The overview's inventory card: what the portal knows of the AWS organisation, and how fresh it is. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import styles from "./Overview.module.css";
import { formatAgo, formatUtc } from "./relative-time";
import { useNow } from "./use-now";
import { formatCount } from "@/components/explore/format";
import { useTRPC } from "@/components/trpc/client";

function Count({ label, value, href, warn, title }: { label: string; value: number; href: string; warn?: boolean; title?: string }) {
  return (
    <Link href={href} className={styles.count} title={title} data-testid={`inventory-${label.toLowerCase().replace(/\s+/g, "-")}`}>
      <span className={`${styles.countValue} ${warn ? styles.warn : ""}`}>{formatCount(value)}</span>
      <span className={styles.countLabel}>{label}</span>
    </Link>
  );
}

/** `…/inventory/704845669370/eu-west-1/describe-network-interfaces.json` → the file's own name. */
const fileName = (file: string) => file.split(/[\\/]/).pop() ?? file;

export function InventoryGlance({ requestTimeMs }: { requestTimeMs: number }) {
  const trpc = useTRPC();
  const summary = useQuery(trpc.inventory.summary.queryOptions());
  const nowMs = useNow(requestTimeMs);
  const s = summary.data;
  const empty = s !== undefined && s.interfaces === 0 && s.deletedInterfaces === 0;
  return (
    <section className="panel" aria-labelledby="inventory-glance-title" data-testid="inventory-glance">
      <div className={styles.head}>
        <h2 id="inventory-glance-title">Inventory</h2>
        <Link href="/inventory">Inventory →</Link>
      </div>
      {summary.error ? <div className="error-box">Cannot read the inventory: {summary.error.message}</div> : null}
      {s ? (
        <>
          <div className={styles.counts}>
            <Count label="Accounts" value={s.accounts} href="/inventory/accounts" />
            <Count label="VPCs" value={s.vpcs} href="/inventory/vpcs" />
            <Count label="Interfaces" value={s.interfaces} href="/inventory/interfaces" title="Current interfaces (deleted ones left out)" />
            <Count label="Services" value={s.services} href="/inventory/services" title="Services that own at least one current interface" />
            <Count
              label="Unmapped"
              value={s.unmappedInterfaces}
              href="/inventory/interfaces?mapping=unmapped"
              warn={s.unmappedInterfaces > 0}
              title="Current interfaces no mapping rule names: their flows show an address, not a service"
            />
          </div>
          {empty ? (
            <p className="muted">
              The inventory is empty, so flows show addresses, not services. <Link href="/inventory/import">Import</Link> the output of{" "}
              <code>aws ec2 describe-network-interfaces</code> (and describe-vpcs, describe-subnets) or run <code>npx flowlens inventory sync</code>.
            </p>
          ) : null}
          {s.lastImport ? (
            <p className={styles.note} data-testid="inventory-last-import">
              Last imported{" "}
              <time dateTime={s.lastImport.at} title={formatUtc(Date.parse(s.lastImport.at))}>
                {formatAgo(Date.parse(s.lastImport.at), nowMs)}
              </time>{" "}
              by {s.lastImport.by}, from <span className="mono">{fileName(s.lastImport.file)}</span>
            </p>
          ) : empty ? null : (
            <p className={styles.note}>No import recorded.</p>
          )}
        </>
      ) : summary.isPending ? (
        <p className="muted">Loading…</p>
      ) : null}
    </section>
  );
}
