"use client";
/**
 * The cost review page: a period (a month or days), filters, totals against the previous period,
 * dollars by day, team × path, the breakdowns, top movers and savings; CSV export, the print view,
 * a saved short link, and recomputing the period's rollups. All state is in the URL.
 */
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { BreakdownTable } from "./BreakdownTable";
import styles from "./Cost.module.css";
import { DailyCostChart } from "./DailyCostChart";
import { formatBytes, formatChange, formatChangePercent, formatDollars } from "./format";
import { MoversList } from "./MoversList";
import { type CostParams, costParamsToSearch, monthLabel, monthOf, parseCostParams, reportInputOf, resolvePeriod } from "./report-params";
import { SavingsList } from "./SavingsList";
import { TeamPathMatrix } from "./TeamPathMatrix";

export function CostReview(props: { now: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const params = parseCostParams((name) => search.get(name));
  const period = resolvePeriod(params, props.now);
  const input = reportInputOf(params, props.now);
  const report = useQuery({ ...trpc.cost.report.queryOptions(input), placeholderData: keepPreviousData });
  const [title, setTitle] = useState("");
  const saveLink = useMutation(trpc.cost.saveLink.mutationOptions());
  const recompute = useMutation(trpc.cost.recompute.mutationOptions({ onSuccess: () => void report.refetch() }));

  const go = (next: Partial<CostParams>) => {
    const query = costParamsToSearch({ ...params, ...next });
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };
  const hrefWith = (next: Partial<CostParams>) => {
    const query = costParamsToSearch({ ...params, ...next });
    return query ? `/cost?${query}` : "/cost";
  };
  const data = report.data;
  const paths = data ? data.byPath.map((p) => ({ key: p.key, label: p.label })) : [];
  const previousLabel = data ? `${period.kind === "month" ? monthLabel(monthOf(data.previousPeriod.from)) : "the period before"}${data.running ? ` (same ${Math.round((data.previousPeriod.to - data.previousPeriod.from) / 86_400_000)} days)` : ""}` : "";
  const change = data ? data.totals.dollars - data.totals.previousDollars : 0;
  const savings = data ? data.savings.reduce((a, s) => a + s.estimatedSavings, 0) : 0;
  const filters = (["team", "service", "account", "path"] as const).filter((f) => params[f]);
  const search_ = costParamsToSearch(params);

  return (
    <main className="page">
      <div className={styles.header}>
        <div>
          <h1>Cost review: {period.label}</h1>
          <p className="page-lead" style={{ marginBottom: 0 }}>
            What moving bytes cost: internet egress, NAT gateways, cross-AZ and inter-region transfer, endpoints, by team, service and path, from the hourly rollups of the flow logs and the{" "}
            <Link href="/cost/prices">price table</Link>.
          </p>
        </div>
        <div className={styles.actions}>
          <a className="button" href={`/cost/print${search_ ? `?${search_}` : ""}`} data-testid="print-link">
            Print view
          </a>
          <a className="button" href={`/cost/export${search_ ? `?${search_}` : ""}`} download data-testid="csv-link">
            Export CSV
          </a>
        </div>
      </div>

      <div className={`${styles.controls} panel`} style={{ marginBottom: 16 }}>
        <label>
          Period
          <select aria-label="Period kind" value={period.kind} onChange={(e) => (e.target.value === "month" ? go({ from: "", to: "", month: monthOf(period.from) }) : go({ month: "", from: new Date(period.from).toISOString().slice(0, 10), to: new Date(period.to - 86_400_000).toISOString().slice(0, 10) }))}>
            <option value="month">a month</option>
            <option value="range">custom days</option>
          </select>
        </label>
        {period.kind === "month" ? (
          <label>
            Month
            <input type="month" aria-label="Month" value={monthOf(period.from)} onChange={(e) => e.target.value && go({ month: e.target.value, from: "", to: "" })} />
          </label>
        ) : (
          <>
            <label>
              From
              <input type="date" aria-label="First day" value={params.from} onChange={(e) => e.target.value && go({ from: e.target.value })} />
            </label>
            <label>
              to
              <input type="date" aria-label="Last day" value={params.to} onChange={(e) => e.target.value && go({ to: e.target.value })} />
            </label>
          </>
        )}
        {filters.map((f) => (
          <span key={f} className="badge badge-ok" data-testid={`filter-${f}`}>
            {f}: {params[f]}{" "}
            <button type="button" aria-label={`Clear the ${f} filter`} onClick={() => go({ [f]: "" })} style={{ padding: "0 4px", border: "none", background: "none" }}>
              ×
            </button>
          </span>
        ))}
        {period.problem ? <span className="error-box">{period.problem}</span> : null}
        {report.isFetching ? <span className="muted">updating…</span> : null}
      </div>

      {report.error ? <div className="error-box">{report.error.message}</div> : null}
      {data ? (
        <>
          {data.warnings.length > 0 ? (
            <div className={styles.warnings} data-testid="warnings">
              {data.warnings.map((w) => (
                <div key={w} className={styles.warning}>
                  {w}
                </div>
              ))}
            </div>
          ) : null}
          <div className={styles.cards}>
            <div className={styles.card} data-testid="total-dollars">
              <div className={styles.label}>Total</div>
              <div className={styles.value}>{formatDollars(data.totals.dollars)}</div>
              <div className={styles.sub}>
                <span className={change > 0.005 ? styles.up : change < -0.005 ? styles.down : ""}>
                  {formatChange(change)} {formatChangePercent(data.totals.dollars, data.totals.previousDollars)}
                </span>{" "}
                vs {previousLabel} ({formatDollars(data.totals.previousDollars)})
              </div>
            </div>
            <div className={styles.card}>
              <div className={styles.label}>Billed bytes</div>
              <div className={styles.value}>{formatBytes(data.totals.billedBytes)}</div>
              <div className={styles.sub}>of {formatBytes(data.totals.bytes)} observed</div>
            </div>
            <div className={styles.card}>
              <div className={styles.label}>Gateway and endpoint hours</div>
              <div className={styles.value}>{formatDollars(data.totals.fixedDollars)}</div>
              <div className={styles.sub}>NAT gateways, interface endpoints, Transit Gateway attachments</div>
            </div>
            <div className={styles.card} data-testid="savings-total">
              <div className={styles.label}>Savings found</div>
              <div className={styles.value}>{formatDollars(savings)}</div>
              <div className={styles.sub}>{data.savings.length} opportunit{data.savings.length === 1 ? "y" : "ies"} below</div>
            </div>
          </div>

          <section className={`panel ${styles.section}`}>
            <h2>Dollars per day</h2>
            <DailyCostChart days={data.daily} paths={paths} />
          </section>

          <div className={styles.section}>
            <TeamPathMatrix cells={data.teamByPath} paths={paths} hrefOfTeam={(team) => hrefWith({ team })} />
          </div>

          <div className={styles.grid2}>
            <BreakdownTable title="By team" what="Team" entries={data.byTeam} hrefOf={(e) => hrefWith({ team: e.key })} testId="by-team" />
            <BreakdownTable title="By service" what="Service" detailTitle="Team" entries={data.byService} hrefOf={(e) => hrefWith({ service: e.key })} testId="by-service" />
            <BreakdownTable title="By path" what="Path" entries={data.byPath} colorByKey hrefOf={(e) => hrefWith({ path: e.key })} testId="by-path" />
            <BreakdownTable title="By destination" what="Destination" detailTitle="Kind" entries={data.byDestination} testId="by-destination" />
            <BreakdownTable title="By account" what="Account" detailTitle="Id" entries={data.byAccount} hrefOf={(e) => hrefWith({ account: e.key })} testId="by-account" />
            <BreakdownTable title="By VPC" what="VPC" detailTitle="Region" entries={data.byVpc} testId="by-vpc" />
          </div>

          <div className={styles.section}>
            <MoversList movers={data.movers} previousLabel={previousLabel} />
          </div>
          <SavingsList savings={data.savings} periodLabel={period.label} />

          <section className="panel" style={{ marginBottom: 16 }}>
            <h2>Share and data</h2>
            <div className={styles.actions}>
              <input aria-label="Title of the saved report" placeholder={`${period.label} review`} value={title} onChange={(e) => setTitle(e.target.value)} />
              <button type="button" className="primary" disabled={saveLink.isPending} onClick={() => saveLink.mutate({ title: title.trim() || `${period.label} review`, params: { ...params } })}>
                Save a short link
              </button>
              {saveLink.data ? (
                <span data-testid="saved-link">
                  Saved: <a className={styles.link} href={`/cost/r/${saveLink.data.slug}`}>{`/cost/r/${saveLink.data.slug}`}</a>
                </span>
              ) : null}
              {saveLink.error ? <span className="error-box">{saveLink.error.message}</span> : null}
            </div>
            <p className={styles.note} style={{ marginTop: 12 }} data-testid="coverage">
              {data.coverage.rolledUp} of the period&apos;s {data.coverage.hours} hours so far are rolled up
              {data.coverage.provisional > 0 ? ` (${data.coverage.provisional} provisional)` : ""}
              {data.coverage.lastComputedAt ? `, last computed ${new Date(data.coverage.lastComputedAt).toISOString().replace("T", " ").slice(0, 16)} UTC` : ""}. The portal keeps them current; after an inventory or
              mapping-rule change, recompute the period so that services and teams are named by the new inventory.{" "}
              <button
                type="button"
                disabled={recompute.isPending}
                onClick={() => recompute.mutate({ from: data.period.from, to: Math.min(data.period.to, Math.ceil(Date.now() / 3_600_000) * 3_600_000) })}
              >
                {recompute.isPending ? "Recomputing…" : "Recompute this period"}
              </button>
              {recompute.data ? <span data-testid="recompute-result"> {recompute.data.computed} flow log hours recomputed in {(recompute.data.durationMs / 1000).toFixed(1)} s.</span> : null}
              {recompute.data?.failed.map((f) => (
                <span key={f.flowLogId} className="error-box">
                  Flow log {f.flowLogId} was not rolled up: {f.error}
                </span>
              ))}
              {recompute.error ? <span className="error-box">{recompute.error.message}</span> : null}
            </p>
          </section>
        </>
      ) : report.isPending ? (
        <p className="muted">Loading the report…</p>
      ) : null}
    </main>
  );
}
