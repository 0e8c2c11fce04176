/** The procedure inputs of a view's URL state, computed the same way by the server page (prefetch) and the browser. */
import { resolveRange } from "@/server/timerange";
import type { FlowFilter } from "@/server/explore/filter";
import { filterOfState } from "@/components/explore/view-state";

export interface ViewInputs<By extends string> {
  filter: FlowFilter;
  range: { fromMs: number; toMs: number };
  top: number;
  by: By;
}

export function viewInputs<By extends string>(state: { from: string; to: string; top: number; by: By } & Record<string, unknown>, nowMs: number): ViewInputs<By> {
  const range = resolveRange({ from: state.from, to: state.to }, nowMs);
  return {
    filter: filterOfState(state as Parameters<typeof filterOfState>[0]),
    range: { fromMs: Math.round(range.fromMs), toMs: Math.round(range.toMs) },
    top: Math.min(30, Math.max(1, state.top)),
    by: state.by,
  };
}
