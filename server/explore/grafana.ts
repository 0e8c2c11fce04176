/**
 * "Open in Grafana Explore": Grafana's documented Explore URL (`/explore?schemaVersion=1&panes=…`),
 * one pane with the Loki data source and every query of the view (refId A, B …) over the same
 * range. Pure code; the browser builds the link from GRAFANA_URL and GRAFANA_LOKI_DATASOURCE.
 */

export interface GrafanaExploreLink {
  /** GRAFANA_URL, e.g. https://grafana.example.com (a sub-path is kept). */
  grafanaUrl: string;
  /** The Loki data source's uid (GRAFANA_LOKI_DATASOURCE). */
  datasource: string;
  queries: readonly string[];
  /** Grafana range values: `now-1h`, `now`, or epoch milliseconds as text. */
  from: string;
  to: string;
  /** Log queries open as logs, metric queries as a graph. */
  kind?: "log" | "metric";
}

const refId = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : `Q${i + 1}`);

export function grafanaExploreUrl(link: GrafanaExploreLink): string {
  const datasource = { type: "loki", uid: link.datasource };
  const panes = {
    flowlens: {
      datasource: link.datasource,
      queries: link.queries.map((expr, i) => ({ refId: refId(i), expr, queryType: "range", editorMode: "code", datasource })),
      range: { from: link.from, to: link.to },
    },
  };
  const base = link.grafanaUrl.replace(/\/+$/, "");
  const params = new URLSearchParams({ schemaVersion: "1", panes: JSON.stringify(panes), orgId: "1" });
  return `${base}/explore?${params.toString()}`;
}
