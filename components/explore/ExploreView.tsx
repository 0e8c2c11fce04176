"use client";
/**
 * Explore: the time range, the filter builder (or LogQL typed by hand, checked by the server's
 * parser with errors drawn in place), the LogQL always visible, and the results: the flow table
 * (paged past Loki's line limit) or a chart split by a dimension. Every piece of state is in the
 * URL (view-state.ts), so any view is a link.
 */
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useQueryStates } from "nuqs";
import { useEffect, useMemo, useState } from "react";
import { TimeSeriesChart } from "@/components/charts/TimeSeriesChart";
import { SaveToInvestigation, type PanelDraft } from "@/components/investigations/SaveToInvestigation";
import { LogQLEditor } from "@/components/logql/LogQLEditor";
import { useTRPC } from "@/components/trpc/client";
import { FILTER_FIELD_INFO, type FlowFilter, withFilterValue } from "@/server/explore/filter";
import { grafanaExploreUrl } from "@/server/explore/grafana";
import type { FlowRow } from "@/server/explore/rows";
import { absolute } from "@/server/timerange";
import { FilterBuilder } from "./FilterBuilder";
import { FlowDrawer } from "./FlowDrawer";
import { FlowTable } from "./FlowTable";
import { TimeRangePicker } from "./TimeRangePicker";
import { formatCount } from "./format";
import { exploreInputs } from "./inputs";
import { useMounted } from "./use-mounted";
import { DIMENSIONS, type ExploreState, MEASURES, decodeFlowRef, encodeFlowRef, exploreParsers, exploreUrlKeys, filterOfState, stateOfFilter } from "./view-state";
import styles from "./explore.module.css";

const DIMENSION_NAMES: Record<(typeof DIMENSIONS)[number], string> = {
  none: "nothing (total)",
  action: "action",
  account: "account",
  vpc: "VPC",
  service: "service (interface that logged it)",
  team: "team (interface that logged it)",
  protocol: "protocol",
  dstPort: "destination port",
  destination: "destination address",
  source: "source address",
};

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function ExploreView(props: { nowMs: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useQueryStates(exploreParsers, { urlKeys: exploreUrlKeys, history: "push" });
  const [nowMs, setNowMs] = useState(props.nowMs);
  // The editor's text, until it is run (then it is the URL's `q`); a new `q` (link, back button) replaces it.
  const [edited, setEdited] = useState({ base: state.q, text: state.q });
  const draft = edited.base === state.q ? edited.text : state.q;
  const setDraft = (text: string) => setEdited({ base: state.q, text });
  const [builderError, setBuilderError] = useState<string | null>(null);

  const settings = useQuery(trpc.flows.settings.queryOptions());
  const vocabulary = useQuery(trpc.flows.vocabulary.queryOptions());
  const codeCheck = useQuery({ ...trpc.flows.check.queryOptions({ query: state.q }), enabled: state.mode === "code" && state.q.trim() !== "" });
  const codeKind = state.mode === "code" && codeCheck.data?.ok ? codeCheck.data.kind : null;
  const inputs = useMemo(() => exploreInputs(state as ExploreState, nowMs, codeKind), [state, nowMs, codeKind]);
  const filter = inputs.filter;

  const checkedDraft = useDebounced(draft, 250);
  const draftCheck = useQuery({ ...trpc.flows.check.queryOptions({ query: checkedDraft }), enabled: state.mode === "code" && checkedDraft.trim() !== "" });
  const plan = useQuery({ ...trpc.flows.plan.queryOptions(inputs.plan ?? { filter: {}, range: inputs.range }), enabled: inputs.plan !== null });
  const lines = useInfiniteQuery({
    ...trpc.flows.lines.infiniteQueryOptions(inputs.lines ?? { source: { kind: "filter", filter: {} }, range: inputs.range, limit: 1 }, { getNextPageParam: (page) => page.next ?? undefined }),
    enabled: inputs.lines !== null,
  });
  const chart = useQuery({ ...trpc.flows.chart.queryOptions(inputs.chart ?? { filter: {}, range: inputs.range, measure: "flows", dimension: "none", top: 8 }), enabled: inputs.chart !== null });
  const metric = useQuery({ ...trpc.flows.metric.queryOptions(inputs.metric ?? { query: "x", range: inputs.range, top: 20 }), enabled: inputs.metric !== null });

  const rows: FlowRow[] = useMemo(() => lines.data?.pages.flatMap((p) => p.rows) ?? [], [lines.data]);
  const selected = decodeFlowRef(state.flow);
  const setFilter = (next: FlowFilter) => void setState({ ...stateOfFilter(next), flow: null });
  const onFilter = (field: Parameters<typeof withFilterValue>[1], value: string, exclude: boolean) => {
    if (state.mode === "code") {
      setBuilderError(`Switch back to the builder to filter on ${FILTER_FIELD_INFO[field].label.toLowerCase()} ${value}.`);
      return;
    }
    setFilter(withFilterValue(filterOfState(state), field, value, exclude));
  };
  const setRange = (range: { from: string; to: string }) => {
    setNowMs(Date.now());
    void setState({ from: range.from, to: range.to });
  };

  // The LogQL on screen and what a saved panel keeps.
  const builderQueries = state.mode === "builder" ? (state.show === "chart" ? (chart.data?.queries ?? []) : (plan.data?.queries ?? [])) : [];
  const shownQueries = state.mode === "code" ? (state.q ? [state.q] : []) : builderQueries;
  const notes = state.mode === "builder" ? [...new Set([...(plan.data?.notes ?? []), ...(chart.data?.notes ?? []), ...(lines.data?.pages[0]?.notes ?? [])])] : (metric.data?.notes ?? []);
  const panel: PanelDraft | null = useMemo(() => {
    const base = { fromMs: inputs.range.fromMs, toMs: inputs.range.toMs };
    if (state.mode === "code") {
      if (!codeKind) return null;
      return { ...base, title: codeKind === "log" ? "Flow records" : "Metric", query: state.q, view: { display: codeKind === "log" ? "flows" : "series", limit: state.limit } };
    }
    if (state.show === "chart") {
      const queries = chart.data?.panel.queries ?? [];
      if (queries.length === 0) return null;
      return {
        ...base,
        title: `${state.measure === "flows" ? "Flow records" : state.measure === "bytes" ? "Bytes" : "Packets"} by ${DIMENSION_NAMES[state.by]}`,
        query: queries[0] as string,
        view: { display: "chart", queries, roles: chart.data?.panel.roles, filter, dimension: state.by, measure: state.measure, top: state.top },
      };
    }
    const queries = plan.data?.queries ?? [];
    if (queries.length === 0) return null;
    return { ...base, title: "Flow records", query: queries[0] as string, view: { display: "flows", queries, filter, limit: state.limit } };
  }, [state, inputs.range, codeKind, chart.data, plan.data, filter]);

  const grafanaUrl =
    settings.data?.grafanaUrl && shownQueries.length > 0
      ? grafanaExploreUrl({ grafanaUrl: settings.data.grafanaUrl, datasource: settings.data.grafanaDatasource, queries: shownQueries, from: String(inputs.range.fromMs), to: String(inputs.range.toMs) })
      : null;

  const editAsCode = () => {
    const first = builderQueries[0] ?? '{__aws_log_type="s3_vpc_flow"}';
    void setState({ mode: "code", q: first, flow: null });
    setBuilderError(builderQueries.length > 1 ? `The builder runs ${builderQueries.length} queries (one per flow log format); the editor starts from the first one.` : null);
  };
  const backToBuilder = async () => {
    if (state.q.trim() === "") {
      void setState({ mode: "builder" });
      return;
    }
    const parsed = await queryClient.fetchQuery(trpc.flows.fromLogQL.queryOptions({ query: state.q }));
    if (!parsed.ok) {
      setBuilderError(parsed.reason);
      return;
    }
    setBuilderError(null);
    void setState({ mode: "builder", q: "", ...stateOfFilter(parsed.filter) });
  };
  const run = () => void setState({ q: draft, flow: null });
  const diagnostics = draftCheck.data && !draftCheck.data.ok && draft === checkedDraft ? [{ from: draftCheck.data.from, to: draftCheck.data.to, message: draftCheck.data.message }] : [];
  const committedError = state.mode === "code" && codeCheck.data && !codeCheck.data.ok ? codeCheck.data.message : null;
  const busy = lines.isFetching || chart.isFetching || metric.isFetching;
  const error = lines.error ?? chart.error ?? metric.error ?? plan.error;
  const showsChart = (state.mode === "builder" && state.show === "chart") || (state.mode === "code" && codeKind === "metric");
  const chartData = state.mode === "code" ? metric.data : chart.data;
  const mounted = useMounted();
  if (!mounted) {
    return (
      <main className="page">
        <div className={styles.toolbar}>
          <h1>Explore</h1>
        </div>
        <p className={styles.loading}>Loading…</p>
      </main>
    );
  }

  return (
    <main className="page">
      <div className={styles.toolbar}>
        <h1>Explore</h1>
        <TimeRangePicker range={{ from: state.from, to: state.to }} nowMs={nowMs} onChange={setRange} onRefresh={() => setNowMs(Date.now())} />
        <span className={styles.spacer} />
        {grafanaUrl ? (
          <a className="button" href={grafanaUrl} target="_blank" rel="noreferrer" data-testid="grafana-link">
            Open in Grafana Explore
          </a>
        ) : null}
        <SaveToInvestigation panel={panel} why="Run a query first" />
      </div>

      <section className="panel">
        <div className={styles.query}>
          <div className={styles.queryHead}>
            <div className={styles.tabs} role="group" aria-label="How the query is written">
              <button type="button" aria-pressed={state.mode === "builder"} onClick={() => void backToBuilder()}>
                Builder
              </button>
              <button type="button" aria-pressed={state.mode === "code"} onClick={() => state.mode !== "code" && editAsCode()}>
                LogQL
              </button>
            </div>
            <span className={styles.hint}>
              {state.mode === "builder" ? "Filters in network terms; the LogQL they become is below." : "Ctrl+Enter runs. Log queries show flows, metric queries a chart."}
            </span>
          </div>
          {state.mode === "builder" ? (
            <>
              <FilterBuilder filter={filter} onChange={setFilter} vocabulary={vocabulary.data} />
              <pre className={styles.logql} data-testid="builder-logql" aria-label="LogQL of the filter">
                {builderQueries.length > 0 ? builderQueries.join("\n\n") : plan.isFetching ? "…" : "(no query: the filter matches nothing)"}
              </pre>
            </>
          ) : (
            <>
              <LogQLEditor value={draft} onChange={setDraft} onRun={run} diagnostics={diagnostics} />
              <div className={styles.queryHead}>
                <button type="button" className="primary" onClick={run}>
                  Run query
                </button>
                {draftCheck.data?.ok ? <span className={styles.hint}>valid {draftCheck.data.kind} query</span> : null}
                {draftCheck.data && !draftCheck.data.ok ? (
                  <span className="error-box" data-testid="logql-error">
                    {draftCheck.data.message}
                  </span>
                ) : null}
              </div>
            </>
          )}
          {builderError ? <p className="error-box">{builderError}</p> : null}
          {notes.length > 0 ? (
            <ul className={styles.notes}>
              {notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
        </div>
      </section>

      <section className={styles.results}>
        <div className={styles.resultsHead}>
          {state.mode === "builder" ? (
            <div className={styles.tabs} role="group" aria-label="What to show">
              <button type="button" aria-pressed={state.show === "flows"} onClick={() => void setState({ show: "flows" })}>
                Flow records
              </button>
              <button type="button" aria-pressed={state.show === "chart"} onClick={() => void setState({ show: "chart" })}>
                Chart
              </button>
            </div>
          ) : null}
          {state.mode === "builder" && state.show === "chart" ? (
            <>
              <select aria-label="Measure" value={state.measure} onChange={(e) => void setState({ measure: e.target.value as (typeof MEASURES)[number] })}>
                <option value="flows">flow records</option>
                <option value="bytes">bytes</option>
                <option value="packets">packets</option>
              </select>
              <span className="muted">split by</span>
              <select aria-label="Split by" value={state.by} onChange={(e) => void setState({ by: e.target.value as (typeof DIMENSIONS)[number] })}>
                {DIMENSIONS.map((d) => (
                  <option key={d} value={d}>
                    {DIMENSION_NAMES[d]}
                  </option>
                ))}
              </select>
              <span className="muted">top</span>
              <select aria-label="Top" value={state.top} onChange={(e) => void setState({ top: Number(e.target.value) })}>
                {[5, 8, 10, 15, 20].map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          <span className={styles.count} data-testid="result-count">
            {busy ? "Querying Loki…" : showsChart ? (chartData ? `${chartData.series.length} series` : "") : lines.data ? `${formatCount(rows.length)} flow records${lines.hasNextPage ? " (more in the range)" : ""}` : ""}
          </span>
        </div>
        {committedError ? <p className="error-box">{committedError}</p> : null}
        {error ? <p className="error-box" data-testid="query-error">{error.message}</p> : null}
        {showsChart ? (
          chartData ? (
            <div className="panel">
              <TimeSeriesChart
                timestamps={chartData.timestamps}
                stepMs={chartData.stepMs}
                series={chartData.series}
                unit={state.mode === "code" ? "value" : state.measure}
                stacked={state.mode !== "code"}
                totals={state.mode !== "code"}
                onZoom={(from, to) => setRange(absolute({ fromMs: from, toMs: to }))}
                ariaLabel="Chart"
              />
              <p className="muted">Drag across the chart to zoom into that time.</p>
            </div>
          ) : null
        ) : inputs.lines ? (
          <FlowTable
            rows={rows}
            onFilter={onFilter}
            selectedId={selected ? rows.find((r) => r.tsNs === selected.tsNs && r.line === selected.line)?.id : null}
            onSelect={(row) => void setState({ flow: encodeFlowRef({ tsNs: row.tsNs, labels: row.labels, line: row.line }) }, { history: "replace" })}
            footer={
              <div className={styles.more}>
                {lines.hasNextPage ? (
                  <button type="button" onClick={() => void lines.fetchNextPage()} disabled={lines.isFetchingNextPage} data-testid="load-more">
                    {lines.isFetchingNextPage ? "Reading older flows…" : `Load ${formatCount(state.limit)} older flows`}
                  </button>
                ) : lines.data ? (
                  <span className="muted">{rows.length === 0 ? "No flow records in this range." : "That is every flow record in the range."}</span>
                ) : null}
              </div>
            }
          />
        ) : state.mode === "code" && !state.q ? (
          <p className="muted">Write a LogQL query and run it.</p>
        ) : null}
      </section>
      {selected ? <FlowDrawer flow={selected} onClose={() => void setState({ flow: null }, { history: "replace" })} /> : null}
    </main>
  );
}
