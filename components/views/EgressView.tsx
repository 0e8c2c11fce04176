"use client";
/**
 * Egress: bytes leaving the organisation's VPCs, over time, by source service and team, by
 * destination (AWS service and region, known network, internet) with the top destinations and
 * "Other", and a Sankey from service to destination. Each panel opens in Explore with its filter.
 */
import { useQuery } from "@tanstack/react-query";
import { useQueryStates } from "nuqs";
import { useState } from "react";
import { SankeyChart } from "@/components/charts/SankeyChart";
import { TimeSeriesChart } from "@/components/charts/TimeSeriesChart";
import { TopListTable } from "@/components/charts/TopListTable";
import { FilterBuilder } from "@/components/explore/FilterBuilder";
import { TimeRangePicker } from "@/components/explore/TimeRangePicker";
import { formatBytes, formatCount } from "@/components/explore/format";
import { useMounted } from "@/components/explore/use-mounted";
import { EGRESS_DIMENSIONS, egressParsers, exploreHref, stateOfFilter, viewUrlKeys } from "@/components/explore/view-state";
import styles from "@/components/explore/explore.module.css";
import { useTRPC } from "@/components/trpc/client";
import { type FlowFilter, withFilterValue } from "@/server/explore/filter";
import { absolute } from "@/server/timerange";
import { viewInputs } from "./inputs";
import { SplitBySelect } from "./SplitBySelect";
import { ViewPanel } from "./ViewPanel";

const BY_LABELS: Record<(typeof EGRESS_DIMENSIONS)[number], string> = {
  service: "source service",
  team: "source team",
  destination: "destination address",
  account: "account",
  vpc: "VPC",
};

export function EgressView(props: { nowMs: number }) {
  const trpc = useTRPC();
  const [state, setState] = useQueryStates(egressParsers, { urlKeys: viewUrlKeys, history: "push" });
  const [nowMs, setNowMs] = useState(props.nowMs);
  const inputs = viewInputs(state, nowMs);
  const base = { filter: inputs.filter, range: inputs.range, top: inputs.top };
  const overTime = useQuery(trpc.views.egressOverTime.queryOptions({ ...base, by: inputs.by }));
  const breakdown = useQuery(trpc.views.egressBreakdown.queryOptions(base));
  const vocabulary = useQuery(trpc.flows.vocabulary.queryOptions());
  const mounted = useMounted();
  const range = { from: String(inputs.range.fromMs), to: String(inputs.range.toMs) };
  const explore = (filter: FlowFilter, extra: { show?: "flows" | "chart"; by?: "service" | "team" | "destination" | "account" | "vpc" } = {}) =>
    exploreHref({ filter, ...range, measure: "bytes", ...extra });
  const setRange = (next: { from: string; to: string }) => {
    setNowMs(Date.now());
    void setState(next);
  };
  const data = breakdown.data;
  return (
    <main className="page">
      <div className={styles.toolbar}>
        <h1>Egress</h1>
        <TimeRangePicker range={{ from: state.from, to: state.to }} nowMs={nowMs} onChange={setRange} onRefresh={() => setNowMs(Date.now())} />
      </div>
      <p className="page-lead">{data?.definition ?? "Bytes leaving the organisation's VPCs: to AWS services, known networks and the internet."}</p>
      {mounted ? (
        <>
          <section className="panel">
            <FilterBuilder filter={inputs.filter} onChange={(f) => void setState(stateOfFilter(f))} vocabulary={vocabulary.data} />
          </section>
          <div className={styles.viewGrid}>
            <ViewPanel
              wide
              title="Bytes out over time"
              testId="egress-over-time"
              loading={overTime.isPending}
              error={overTime.error}
              queries={overTime.data?.queries}
              explore={overTime.data ? explore(overTime.data.explore, { show: "chart", by: inputs.by }) : undefined}
            >
              <div className={styles.resultsHead}>
                {data ? (
                  <span className={styles.figure} title={`${formatCount(data.total)} bytes`} data-testid="egress-total">
                    {formatBytes(data.total)}
                  </span>
                ) : null}
                <span className="muted">out in the range, split by</span>
                <SplitBySelect dimensions={EGRESS_DIMENSIONS} labels={BY_LABELS} value={state.by} onChange={(by) => void setState({ by })} />
              </div>
              {overTime.data ? (
                <TimeSeriesChart
                  timestamps={overTime.data.timestamps}
                  stepMs={overTime.data.stepMs}
                  series={overTime.data.series}
                  unit="bytes"
                  onZoom={(from, to) => setRange(absolute({ fromMs: from, toMs: to }))}
                />
              ) : null}
            </ViewPanel>

            <ViewPanel
              title="By source service"
              subtitle="The service of the interface that sent the bytes."
              testId="egress-by-service"
              loading={breakdown.isPending}
              error={breakdown.error}
              queries={data?.queries.byService}
              explore={data ? explore(data.explore, { show: "chart", by: "service" }) : undefined}
            >
              {data ? (
                <TopListTable
                  rows={data.byService.rows}
                  unit="bytes"
                  details={["team"]}
                  hrefFor={(row) => (row.key.startsWith("service:") ? explore(withFilterValue(data.explore, "service", row.label)) : undefined)}
                />
              ) : null}
            </ViewPanel>

            <ViewPanel title="By source team" testId="egress-by-team" loading={breakdown.isPending} error={breakdown.error} explore={data ? explore(data.explore, { show: "chart", by: "team" }) : undefined}>
              {data ? (
                <TopListTable rows={data.byTeam.rows} unit="bytes" hrefFor={(row) => (row.key.startsWith("team:") ? explore(withFilterValue(data.explore, "team", row.label)) : undefined)} />
              ) : null}
            </ViewPanel>

            <ViewPanel
              title="Top destinations"
              subtitle="Each address named as it was in the range: AWS service and region, known network, or internet."
              testId="egress-top-destinations"
              loading={breakdown.isPending}
              error={breakdown.error}
              queries={data?.queries.topDestinations}
              explore={data ? explore(data.explore, { show: "chart", by: "destination" }) : undefined}
            >
              {data ? (
                <TopListTable
                  rows={data.topDestinations.rows}
                  unit="bytes"
                  details={["kind", "region", "category"]}
                  hrefFor={(row) => explore(withFilterValue(data.explore, "dst", row.key))}
                  testId="top-destinations"
                />
              ) : null}
            </ViewPanel>

            <ViewPanel
              title="By destination"
              subtitle="The largest destination addresses added up by what they are; the rest stays in Other."
              testId="egress-by-destination"
              loading={breakdown.isPending}
              error={breakdown.error}
              explore={data ? explore(data.explore, { show: "chart", by: "destination" }) : undefined}
            >
              {data ? <TopListTable rows={data.byDestinationName.rows} unit="bytes" details={["kind", "addresses"]} /> : null}
            </ViewPanel>

            <ViewPanel
              wide
              title="From service to destination"
              subtitle="Bytes from each service to the named destinations; the rest of each service's bytes goes to Other destinations."
              testId="egress-sankey"
              loading={breakdown.isPending}
              error={breakdown.error}
              queries={data?.queries.sankey}
            >
              {data ? <SankeyChart data={data.sankey} unit="bytes" /> : null}
            </ViewPanel>
          </div>
          {data && data.notes.length > 0 ? (
            <ul className={styles.notes} style={{ marginTop: 12 }}>
              {data.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : (
        <p className={styles.loading}>Loading…</p>
      )}
    </main>
  );
}
