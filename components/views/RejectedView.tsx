"use client";
/**
 * Rejected traffic: rejects over time by VPC or account; the services that rejected, the ports
 * aimed at and the sources; rejects from inside the organisation (a service blocked from a
 * dependency) apart from internet scans. Each panel opens in Explore with its filter.
 */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useQueryStates } from "nuqs";
import { useState } from "react";
import { TimeSeriesChart } from "@/components/charts/TimeSeriesChart";
import { TopListTable, type TopRow } from "@/components/charts/TopListTable";
import { FilterBuilder } from "@/components/explore/FilterBuilder";
import { TimeRangePicker } from "@/components/explore/TimeRangePicker";
import { formatCount } from "@/components/explore/format";
import { useMounted } from "@/components/explore/use-mounted";
import { REJECTED_DIMENSIONS, exploreHref, rejectedParsers, stateOfFilter, viewUrlKeys } from "@/components/explore/view-state";
import styles from "@/components/explore/explore.module.css";
import { useTRPC } from "@/components/trpc/client";
import { type FlowFilter, withFilterValue } from "@/server/explore/filter";
import { absolute } from "@/server/timerange";
import { viewInputs } from "./inputs";
import { SplitBySelect } from "./SplitBySelect";
import { ViewPanel } from "./ViewPanel";

const BY_LABELS: Record<(typeof REJECTED_DIMENSIONS)[number], string> = {
  vpc: "VPC",
  account: "account",
  service: "service that rejected",
  dstPort: "destination port",
  source: "source address",
};

/** The service name in a list row's label ("ledger" or "ledger · 10.0.0.1"), when the row is a service. */
const serviceOf = (label: string) => label.split(" · ")[0] ?? label;

export function RejectedView(props: { nowMs: number }) {
  const trpc = useTRPC();
  const [state, setState] = useQueryStates(rejectedParsers, { urlKeys: viewUrlKeys, history: "push" });
  const [nowMs, setNowMs] = useState(props.nowMs);
  const inputs = viewInputs(state, nowMs);
  const base = { filter: inputs.filter, range: inputs.range, top: inputs.top };
  const overTime = useQuery(trpc.views.rejectedOverTime.queryOptions({ ...base, by: inputs.by }));
  const summary = useQuery(trpc.views.rejectedSummary.queryOptions(base));
  const internal = useQuery(trpc.views.rejectedInternal.queryOptions(base));
  const scans = useQuery(trpc.views.rejectedScans.queryOptions(base));
  const vocabulary = useQuery(trpc.flows.vocabulary.queryOptions());
  const mounted = useMounted();
  const range = { from: String(inputs.range.fromMs), to: String(inputs.range.toMs) };
  const explore = (filter: FlowFilter, extra: Parameters<typeof exploreHref>[0] extends infer T ? Partial<T> : never = {}) => exploreHref({ filter, ...range, ...extra });
  const setRange = (next: { from: string; to: string }) => {
    setNowMs(Date.now());
    void setState(next);
  };
  const rowLink = (filter: FlowFilter | undefined, field: "src" | "dstPort" | "service", value: string) => (filter ? explore(withFilterValue(filter, field, value)) : undefined);

  return (
    <main className="page">
      <div className={styles.toolbar}>
        <h1>Rejected traffic</h1>
        <TimeRangePicker range={{ from: state.from, to: state.to }} nowMs={nowMs} onChange={setRange} onRefresh={() => setNowMs(Date.now())} />
      </div>
      <p className="page-lead">
        Flows that security groups or network ACLs rejected. Rejects from inside the organisation — a service blocked from a dependency — are kept apart from scans coming from the internet.
      </p>
      {mounted ? (
        <>
          <section className="panel">
            <FilterBuilder filter={inputs.filter} onChange={(f) => void setState(stateOfFilter(f))} vocabulary={vocabulary.data} />
          </section>
          <div className={styles.viewGrid}>
            <ViewPanel
              wide
              title="Rejects over time"
              testId="rejects-over-time"
              loading={overTime.isPending}
              error={overTime.error}
              queries={overTime.data?.queries}
              explore={overTime.data ? explore(overTime.data.explore, { show: "chart", by: inputs.by }) : undefined}
            >
              <div className={styles.resultsHead}>
                <span className="muted">split by</span>
                <SplitBySelect dimensions={REJECTED_DIMENSIONS} labels={BY_LABELS} value={state.by} onChange={(by) => void setState({ by })} />
              </div>
              {overTime.data ? (
                <TimeSeriesChart
                  timestamps={overTime.data.timestamps}
                  stepMs={overTime.data.stepMs}
                  series={overTime.data.series}
                  unit="flows"
                  onZoom={(from, to) => setRange(absolute({ fromMs: from, toMs: to }))}
                />
              ) : null}
            </ViewPanel>

            <ViewPanel
              title="Blocked inside the organisation"
              subtitle="Rejects whose source is a private address or one of the VPCs': a service that cannot reach a dependency."
              testId="internal-rejects"
              loading={internal.isPending}
              error={internal.error}
              queries={internal.data?.queries}
              explore={internal.data ? explore(internal.data.explore) : undefined}
            >
              {internal.data ? (
                <>
                  <div className={styles.figures}>
                    <div>
                      <div className={styles.figure}>{formatCount(internal.data.total)}</div>
                      <div className={styles.figureLabel}>internal rejects</div>
                    </div>
                  </div>
                  {internal.data.rows.length === 0 ? (
                    <p className="muted">No internal rejects in this range.</p>
                  ) : (
                    <table data-testid="internal-rejects-table">
                      <thead>
                        <tr>
                          <th>Source</th>
                          <th>Destination</th>
                          <th>Port</th>
                          <th style={{ textAlign: "right" }}>Rejects</th>
                        </tr>
                      </thead>
                      <tbody>
                        {internal.data.rows.slice(0, 25).map((row) => (
                          <tr key={`${row.source}|${row.destination}|${row.port}`}>
                            <td>
                              {row.source}
                              {row.sourceTeam ? <div className="muted">{row.sourceTeam}</div> : null}
                            </td>
                            <td>
                              {row.destination}
                              {row.destinationTeam ? <div className="muted">{row.destinationTeam}</div> : null}
                            </td>
                            <td>{row.port}</td>
                            <td style={{ textAlign: "right" }} title={`${row.combinations} address combinations`}>
                              {row.sourceService && row.destinationService ? (
                                <Link
                                  href={explore(
                                    withFilterValue(
                                      withFilterValue(withFilterValue(internal.data.explore, "srcService", row.sourceService), "dstService", row.destinationService),
                                      "dstPort",
                                      row.port.split(" ")[0] ?? row.port,
                                    ),
                                  )}
                                >
                                  {formatCount(row.count)}
                                </Link>
                              ) : (
                                formatCount(row.count)
                              )}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                  {!internal.data.exact ? <p className="muted">{internal.data.notes.join(" ")}</p> : null}
                </>
              ) : null}
            </ViewPanel>

            <ViewPanel
              title="Scans from the internet"
              subtitle="Rejects whose source is a public address outside the organisation."
              testId="internet-scans"
              loading={scans.isPending}
              error={scans.error}
              queries={scans.data?.queries}
              explore={scans.data ? explore(scans.data.explore, { show: "chart", by: "source" }) : undefined}
            >
              {scans.data ? (
                <>
                  <div className={styles.figures}>
                    <div>
                      <div className={styles.figure}>{formatCount(scans.data.total)}</div>
                      <div className={styles.figureLabel}>rejects from the internet</div>
                    </div>
                    <div>
                      <div className={styles.figure}>{scans.data.distinctSources === null ? "-" : formatCount(scans.data.distinctSources)}</div>
                      <div className={styles.figureLabel}>distinct sources</div>
                    </div>
                  </div>
                  <TopListTable
                    rows={scans.data.sources.rows}
                    unit="flows"
                    details={["kind"]}
                    hrefFor={(row: TopRow) => rowLink(scans.data?.explore, "src", row.key)}
                    testId="scan-sources"
                  />
                  <h3 className="muted" style={{ fontSize: 13, margin: "14px 0 6px" }}>
                    Ports they tried
                  </h3>
                  <TopListTable rows={scans.data.ports.rows} unit="flows" hrefFor={(row) => rowLink(scans.data?.explore, "dstPort", row.key)} />
                </>
              ) : null}
            </ViewPanel>

            <ViewPanel
              title="Services that rejected"
              subtitle="The service of the interface that logged each reject: the one the traffic was aimed at."
              testId="targeted-services"
              loading={summary.isPending}
              error={summary.error}
              queries={summary.data?.queries.targetedServices}
              explore={summary.data ? explore(summary.data.explore, { show: "chart", by: "service" }) : undefined}
            >
              {summary.data ? (
                <>
                  <div className={styles.figures}>
                    <div>
                      <div className={styles.figure}>{formatCount(summary.data.total)}</div>
                      <div className={styles.figureLabel}>rejected flow records</div>
                    </div>
                  </div>
                  <TopListTable rows={summary.data.targetedServices.rows} unit="flows" details={["team"]} hrefFor={(row) => (row.key.startsWith("service:") ? rowLink(summary.data?.explore, "service", serviceOf(row.label)) : undefined)} />
                </>
              ) : null}
            </ViewPanel>

            <ViewPanel
              title="Targeted ports"
              testId="targeted-ports"
              loading={summary.isPending}
              error={summary.error}
              queries={summary.data?.queries.targetedPorts}
              explore={summary.data ? explore(summary.data.explore, { show: "chart", by: "dstPort" }) : undefined}
            >
              {summary.data ? <TopListTable rows={summary.data.targetedPorts.rows} unit="flows" hrefFor={(row) => rowLink(summary.data?.explore, "dstPort", row.key)} /> : null}
            </ViewPanel>

            <ViewPanel
              title="Top rejected sources"
              subtitle="Named when the inventory knows them, else internet."
              testId="top-sources"
              loading={summary.isPending}
              error={summary.error}
              queries={summary.data?.queries.topSources}
              explore={summary.data ? explore(summary.data.explore, { show: "chart", by: "source" }) : undefined}
            >
              {summary.data ? <TopListTable rows={summary.data.topSources.rows} unit="flows" details={["kind", "team"]} hrefFor={(row) => rowLink(summary.data?.explore, "src", row.key)} /> : null}
            </ViewPanel>
          </div>
        </>
      ) : (
        <p className={styles.loading}>Loading…</p>
      )}
    </main>
  );
}
