"use client";
/**
 * One panel of an investigation, shown from its stored snapshot ("snapshot of <time>") or re-run
 * live over the same absolute range; with its LogQL, "open in Explore", exports (CSV and JSON of
 * the flows, a Loki ruler rule group for metric panels) and a new snapshot.
 */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { TimeSeriesChart } from "@/components/charts/TimeSeriesChart";
import { FlowDrawer } from "@/components/explore/FlowDrawer";
import { FlowTable } from "@/components/explore/FlowTable";
import { formatCount, formatTime } from "@/components/explore/format";
import type { FlowRef } from "@/components/explore/view-state";
import { exploreHref } from "@/components/explore/view-state";
import { useTRPC } from "@/components/trpc/client";
import { grafanaExploreUrl } from "@/server/explore/grafana";
import { RulesExport } from "./RulesExport";
import styles from "./investigations.module.css";

export interface PanelSummary {
  id: string;
  title: string;
  query: string;
  queries: string[];
  kind: "log" | "metric" | "invalid";
  fromMs: number;
  toMs: number;
  view: { display?: "flows" | "chart" | "series"; filter?: Record<string, { in: string[]; out: string[] }>; dimension?: string; measure?: "flows" | "bytes" | "packets"; top?: number };
  snapshotAt: string | null;
}

const EXPLORE_DIMENSIONS = ["none", "action", "account", "vpc", "service", "team", "protocol", "dstPort", "destination", "source"] as const;

function exploreLinkOf(panel: PanelSummary): string {
  const range = { from: String(panel.fromMs), to: String(panel.toMs) };
  if (panel.view.filter) {
    const by = EXPLORE_DIMENSIONS.find((d) => d === panel.view.dimension);
    return exploreHref({ filter: panel.view.filter, ...range, show: panel.view.display === "chart" ? "chart" : "flows", by, measure: panel.view.measure });
  }
  return exploreHref({ filter: {}, ...range, mode: "code", q: panel.query });
}

export function PanelCard(props: {
  slug: string;
  panel: PanelSummary;
  grafana: { url: string; datasource: string } | null;
  busy: boolean;
  onRefresh(): void;
  onRemove(): void;
}) {
  const trpc = useTRPC();
  const { panel } = props;
  const [source, setSource] = useState<"snapshot" | "live">("snapshot");
  const [flow, setFlow] = useState<FlowRef | null>(null);
  const [rules, setRules] = useState(false);
  const shown = useQuery(trpc.investigations.panel.queryOptions({ slug: props.slug, panelId: panel.id, source }));
  const data = shown.data;
  const exportHref = (format: "csv" | "json") => `/i/${props.slug}/panels/${panel.id}/export?format=${format}&source=${source}`;
  const grafana = props.grafana
    ? grafanaExploreUrl({ grafanaUrl: props.grafana.url, datasource: props.grafana.datasource, queries: panel.queries, from: String(panel.fromMs), to: String(panel.toMs) })
    : null;
  return (
    <section className={`panel ${styles.panel}`} data-testid="investigation-panel">
      <div className={styles.panelHead}>
        <h2>{panel.title}</h2>
        {source === "snapshot" ? (
          <span className={styles.snapshot} data-testid="snapshot-time">
            {panel.snapshotAt ? `snapshot of ${formatTime(Date.parse(panel.snapshotAt))} UTC` : "no snapshot"}
          </span>
        ) : (
          <span className={styles.live}>live, {data && "takenAt" in data && data.takenAt ? `run at ${formatTime(Date.parse(data.takenAt))} UTC` : "running…"}</span>
        )}
      </div>
      <div className="muted">
        {formatTime(panel.fromMs)} → {formatTime(panel.toMs)} UTC
      </div>
      <div className={styles.panelActions}>
        {source === "snapshot" ? (
          <button type="button" onClick={() => setSource("live")} title="Run the panel's query again now over the same time range (nothing is saved)">
            Re-run live
          </button>
        ) : (
          <button type="button" onClick={() => setSource("snapshot")}>
            Back to the snapshot
          </button>
        )}
        <button type="button" onClick={props.onRefresh} disabled={props.busy} title="Replace the stored snapshot with the panel's results now">
          Save a new snapshot
        </button>
        <Link className="button" href={exploreLinkOf(panel)}>
          Open in Explore
        </Link>
        {grafana ? (
          <a className="button" href={grafana} target="_blank" rel="noreferrer">
            Grafana
          </a>
        ) : null}
        {panel.kind === "log" ? (
          <>
            <a className="button" href={exportHref("csv")} download data-testid="export-csv">
              CSV
            </a>
            <a className="button" href={exportHref("json")} download>
              JSON
            </a>
          </>
        ) : null}
        {panel.kind === "metric" ? (
          <button type="button" onClick={() => setRules(!rules)} aria-expanded={rules}>
            Alert rule (YAML)
          </button>
        ) : null}
        <button type="button" onClick={props.onRemove} disabled={props.busy}>
          Remove
        </button>
      </div>
      {rules ? <RulesExport slug={props.slug} panelId={panel.id} panelTitle={panel.title} /> : null}
      {shown.error ? <p className="error-box">{shown.error.message}</p> : null}
      {shown.isPending ? <p className="muted">{source === "live" ? "Querying Loki…" : "Reading the snapshot…"}</p> : null}
      {data?.kind === "empty" ? <p className="muted">{data.reason}</p> : null}
      {data?.kind === "flows" ? (
        <>
          <p className="muted" data-testid="panel-count">
            {formatCount(data.rows.length)} flow records{data.truncated ? ` (the newest ${formatCount(data.limit)}; more matched)` : ""}
          </p>
          <FlowTable rows={data.rows} height={Math.min(420, 46 * data.rows.length + 8)} onSelect={(row) => setFlow({ tsNs: row.tsNs, labels: row.labels, line: row.line })} />
        </>
      ) : null}
      {data?.kind === "chart" ? (
        <TimeSeriesChart
          timestamps={data.chart.timestamps}
          stepMs={data.chart.stepMs}
          series={data.chart.series}
          unit={data.chart.measure ?? "value"}
          stacked={data.chart.dimension !== null}
          totals={data.chart.dimension !== null}
        />
      ) : null}
      <details>
        <summary className="muted">LogQL</summary>
        <pre className="mono" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
          {panel.queries.join("\n\n")}
        </pre>
      </details>
      {flow ? <FlowDrawer flow={flow} onClose={() => setFlow(null)} /> : null}
    </section>
  );
}
