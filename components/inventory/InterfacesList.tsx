"use client";
/** Network interfaces with their service, searchable and filterable (state in the URL). */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/client";
import { formatTime } from "./format";
import styles from "./Inventory.module.css";
import { SearchBox } from "./SearchBox";
import { INTERFACE_PAGE as PAGE, interfaceListInput } from "./interface-list-input";
import { useUrlParam } from "./url-state";

export function InterfacesList() {
  const trpc = useTRPC();
  const [q] = useUrlParam("q");
  const [account] = useUrlParam("account");
  const [vpc] = useUrlParam("vpc");
  const [subnet] = useUrlParam("subnet");
  const [service] = useUrlParam("service");
  const [status, setStatus] = useUrlParam("status");
  const [mapping, setMapping] = useUrlParam("mapping");
  const [page, setPage] = useUrlParam("page");
  const input = interfaceListInput({ q, account, vpc, subnet, service, status, mapping, page });
  const interfaces = useQuery({ ...trpc.inventory.interfaces.queryOptions(input), placeholderData: keepPreviousData });
  const filters = [
    ["account", account],
    ["vpc", vpc],
    ["subnet", subnet],
    ["service", service],
  ].filter(([, value]) => value);
  const pages = Math.max(1, Math.ceil((interfaces.data?.total ?? 0) / PAGE));
  const current = Math.floor(input.offset / PAGE) + 1;
  return (
    <>
      <div className={styles.toolbar}>
        <SearchBox placeholder="Search id, service, team, address, description, VPC…" />
        <select aria-label="Mapping" value={input.mapping} onChange={(e) => setMapping(e.target.value === "all" ? "" : e.target.value)}>
          <option value="all">mapped and unmapped</option>
          <option value="mapped">mapped to a service</option>
          <option value="unmapped">no rule matches</option>
        </select>
        <select aria-label="Status" value={input.status} onChange={(e) => setStatus(e.target.value === "current" ? "" : e.target.value)}>
          <option value="current">current</option>
          <option value="deleted">deleted</option>
          <option value="all">current and deleted</option>
        </select>
        {filters.map(([name, value]) => (
          <span key={name} className="badge badge-ok">
            {name} {value}
          </span>
        ))}
        {filters.length > 0 ? <Link href="/inventory/interfaces">clear filters</Link> : null}
        <span className={styles.count} data-testid="interface-count">
          {interfaces.data ? `${interfaces.data.total} interface${interfaces.data.total === 1 ? "" : "s"}` : "…"}
        </span>
      </div>
      {interfaces.error ? <div className="error-box">{interfaces.error.message}</div> : null}
      <div className={styles.tableWrap}>
        <table className={styles.table}>
          <thead>
            <tr><th>Interface</th><th>Service</th><th>Team</th><th>Type</th><th>Addresses</th><th>VPC · zone</th><th>Description</th><th>Last seen</th></tr>
          </thead>
          <tbody>
            {interfaces.data?.rows.map((row) => (
              <tr key={row.id} className={row.deletedAt ? styles.deleted : undefined}>
                <td className={`${styles.mono} ${styles.nowrap}`}><Link href={`/inventory/interfaces/${row.id}`}>{row.id}</Link></td>
                <td>{row.service ? <span title={`named by rule: ${row.rule}`}>{row.service}</span> : <span className={styles.unmapped}>unmapped</span>}</td>
                <td>{row.team ?? "-"}</td>
                <td><span className={styles.kind}>{row.interfaceType}</span>{row.requesterManaged ? <div className={styles.small}>AWS-managed</div> : null}</td>
                <td className={styles.mono}>{row.addresses.slice(0, 3).join(", ")}{row.addresses.length > 3 ? ` +${row.addresses.length - 3}` : ""}</td>
                <td>{row.vpcName ?? row.vpcId}<div className={styles.small}>{row.availabilityZone ?? ""}{row.accountName ? ` · ${row.accountName}` : ""}</div></td>
                <td className={styles.small}>{row.description || "-"}</td>
                <td className={styles.small}>{row.deletedAt ? `deleted ${formatTime(row.deletedAt)}` : formatTime(row.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 ? (
        <div className={styles.actions}>
          <button type="button" disabled={current <= 1} onClick={() => setPage(String(current - 1))}>previous</button>
          <span className={styles.count}>page {current} of {pages}</span>
          <button type="button" disabled={current >= pages} onClick={() => setPage(String(current + 1))}>next</button>
        </div>
      ) : null}
    </>
  );
}
