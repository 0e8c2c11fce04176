/**
 * The procedure inputs of a view state, computed the same way by the server page (prefetch) and by
 * the browser (queries), so the browser finds the answers already there.
 */
import { resolveRange } from "@/server/timerange";
import type { FlowFilter } from "@/server/explore/filter";
import { type ExploreState, filterOfState } from "./view-state";

export interface ExploreInputs {
  range: { fromMs: number; toMs: number };
  filter: FlowFilter;
  /** flows.lines (without cursor), when the view shows flow lines. */
  lines: { source: { kind: "filter"; filter: FlowFilter } | { kind: "logql"; query: string }; range: { fromMs: number; toMs: number }; limit: number } | null;
  /** flows.chart, when the view shows the builder's chart. */
  chart: { filter: FlowFilter; range: { fromMs: number; toMs: number }; measure: ExploreState["measure"]; dimension: ExploreState["by"]; top: number } | null;
  /** flows.metric, when the view shows a metric LogQL query typed in code mode. */
  metric: { query: string; range: { fromMs: number; toMs: number }; top: number } | null;
  /** flows.plan: the builder's LogQL. */
  plan: { filter: FlowFilter; range: { fromMs: number; toMs: number } } | null;
}

/**
 * `codeKind`: what the LogQL parser says the code-mode query is (flows.check on the server), or null
 * while it is not known or the query is not valid.
 */
export function exploreInputs(state: ExploreState, nowMs: number, codeKind: "log" | "metric" | null): ExploreInputs {
  const range = resolveRange({ from: state.from, to: state.to }, nowMs);
  const window = { fromMs: Math.round(range.fromMs), toMs: Math.round(range.toMs) };
  const filter = filterOfState(state);
  const limit = Math.min(5000, Math.max(1, state.limit));
  const top = Math.min(30, Math.max(1, state.top));
  if (state.mode === "code") {
    const query = state.q.trim();
    if (query === "" || codeKind === null) return { range: window, filter, lines: null, chart: null, metric: null, plan: null };
    if (codeKind === "metric") return { range: window, filter, lines: null, chart: null, metric: { query, range: window, top }, plan: null };
    return { range: window, filter, lines: { source: { kind: "logql", query }, range: window, limit }, chart: null, metric: null, plan: null };
  }
  const plan = { filter, range: window };
  if (state.show === "chart") return { range: window, filter, lines: null, chart: { filter, range: window, measure: state.measure, dimension: state.by, top }, metric: null, plan };
  return { range: window, filter, lines: { source: { kind: "filter", filter }, range: window, limit }, chart: null, metric: null, plan };
}
