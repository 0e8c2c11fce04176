"use client";
/** The inventory lists: accounts, VPCs, subnets, services; each searchable with its text in the URL. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/client";
import { formatTime } from "./format";
import styles from "./Inventory.module.css";
import { SearchBox } from "./SearchBox";
import { useUrlParam } from "./url-state";

function Count({ shown, noun }: { shown: number | undefined; noun: string }) {
  return <span className={styles.count}>{shown === undefined ? "…" : `${shown} ${noun}${shown === 1 ? "" : "s"}`}</span>;
}

function ErrorBox({ error }: { error: { message: string } | null }) {
  return error ? <div className="error-box">{error.message}</div> : null;
}

export function AccountsList() {
  const trpc = useTRPC();
  const [q] = useUrlParam("q");
  const accounts = useQuery({ ...trpc.inventory.accounts.queryOptions({ q: q || undefined }), placeholderData: keepPreviousData });
  return (
    <>
      <div className={styles.toolbar}>
        <SearchBox placeholder="Search id, name, environment, team" />
        <Count shown={accounts.data?.length} noun="account" />
      </div>
      <ErrorBox error={accounts.error} />
      <div className={styles.tableWrap}>
        <table className={styles.table}>
          <thead>
            <tr><th>Account</th><th>Name</th><th>Environment</th><th>Team</th><th>VPCs</th><th>Interfaces</th></tr>
          </thead>
          <tbody>
            {accounts.data?.map((a) => (
              <tr key={a.id}>
                <td className={styles.mono}>{a.id}</td>
                <td>{a.name ?? <span className="muted">unnamed</span>}</td>
                <td>{a.environment ?? "-"}</td>
                <td>{a.team ?? "-"}</td>
                <td><Link href={`/inventory/vpcs?account=${a.id}`}>{a.vpcs}</Link></td>
                <td><Link href={`/inventory/interfaces?account=${a.id}`}>{a.interfaces}</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function VpcsList() {
  const trpc = useTRPC();
  const [q] = useUrlParam("q");
  const [account] = useUrlParam("account");
  const vpcs = useQuery({ ...trpc.inventory.vpcs.queryOptions({ q: q || undefined, accountId: account || undefined }), placeholderData: keepPreviousData });
  return (
    <>
      <div className={styles.toolbar}>
        <SearchBox placeholder="Search id, name, account, region, CIDR" />
        {account ? <span className="badge badge-ok">account {account} <Link href="/inventory/vpcs">×</Link></span> : null}
        <Count shown={vpcs.data?.length} noun="VPC" />
      </div>
      <ErrorBox error={vpcs.error} />
      <div className={styles.tableWrap}>
        <table className={styles.table}>
          <thead>
            <tr><th>VPC</th><th>Name</th><th>Account</th><th>Region</th><th>CIDR blocks</th><th>Subnets</th><th>Interfaces</th><th>Last seen</th></tr>
          </thead>
          <tbody>
            {vpcs.data?.map((v) => (
              <tr key={v.id}>
                <td className={styles.mono}>{v.id}</td>
                <td>{v.name ?? "-"}{v.isDefault ? <span className={styles.kind}> default</span> : null}</td>
                <td>{v.accountName ?? v.accountId}</td>
                <td>{v.region ?? <span className="muted">unknown</span>}</td>
                <td className={styles.mono}>{[...v.cidrBlocks, ...v.ipv6CidrBlocks].join(", ")}</td>
                <td><Link href={`/inventory/subnets?vpc=${v.id}`}>{v.subnets}</Link></td>
                <td><Link href={`/inventory/interfaces?vpc=${v.id}`}>{v.interfaces}</Link></td>
                <td className={styles.small}>{formatTime(v.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function SubnetsList() {
  const trpc = useTRPC();
  const [q] = useUrlParam("q");
  const [vpc] = useUrlParam("vpc");
  const subnets = useQuery({ ...trpc.inventory.subnets.queryOptions({ q: q || undefined, vpcId: vpc || undefined }), placeholderData: keepPreviousData });
  return (
    <>
      <div className={styles.toolbar}>
        <SearchBox placeholder="Search id, name, VPC, zone, CIDR" />
        {vpc ? <span className="badge badge-ok">VPC {vpc} <Link href="/inventory/subnets">×</Link></span> : null}
        <Count shown={subnets.data?.length} noun="subnet" />
      </div>
      <ErrorBox error={subnets.error} />
      <div className={styles.tableWrap}>
        <table className={styles.table}>
          <thead>
            <tr><th>Subnet</th><th>Name</th><th>VPC</th><th>Zone</th><th>Zone id</th><th>CIDR</th><th>Interfaces</th></tr>
          </thead>
          <tbody>
            {subnets.data?.map((s) => (
              <tr key={s.id}>
                <td className={styles.mono}>{s.id}</td>
                <td>{s.name ?? "-"}</td>
                <td>{s.vpcName ?? s.vpcId}</td>
                <td>{s.availabilityZone}</td>
                <td className={styles.mono}>{s.availabilityZoneId ?? "-"}</td>
                <td className={styles.mono}>{[s.cidrBlock, ...s.ipv6CidrBlocks].filter(Boolean).join(", ")}</td>
                <td><Link href={`/inventory/interfaces?subnet=${s.id}`}>{s.interfaces}</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function ServicesList() {
  const trpc = useTRPC();
  const [q] = useUrlParam("q");
  const services = useQuery({ ...trpc.inventory.services.queryOptions({ q: q || undefined }), placeholderData: keepPreviousData });
  return (
    <>
      <div className={styles.toolbar}>
        <SearchBox placeholder="Search service, team, account" />
        <Count shown={services.data?.length} noun="service" />
      </div>
      <ErrorBox error={services.error} />
      <div className={styles.tableWrap}>
        <table className={styles.table}>
          <thead>
            <tr><th>Service</th><th>Team</th><th>Interfaces</th><th>Accounts</th><th>Interface types</th><th>Named by</th></tr>
          </thead>
          <tbody>
            {services.data?.map((s) => (
              <tr key={s.name}>
                <td>
                  <strong>{s.name}</strong>
                  {s.description ? <div className={styles.small}>{s.description}</div> : null}
                </td>
                <td>{s.team ?? "-"}</td>
                <td><Link href={`/inventory/interfaces?service=${encodeURIComponent(s.name)}`}>{s.interfaces}</Link></td>
                <td>{s.accounts.join(", ") || "-"}</td>
                <td>{s.interfaceTypes.map((t) => <span key={t} className={styles.kind}>{t}</span>)}</td>
                <td className={styles.small}>{s.rules.join(", ") || (s.registered ? "registered, no interface yet" : "-")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
