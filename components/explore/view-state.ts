/**
 * The view state of Explore and of the rejected and egress views, in the URL: one nuqs parser map
 * per page, used by the server page (to prefetch exactly what the browser will ask for) and by the
 * client (`useQueryStates`). Any view is a link the moment it exists.
 *
 * Filters: one URL key per field (`dst_port=5432,8443`), values left out prefixed with `!`
 * (`action=!ACCEPT`). Times as Grafana writes them (`now-1h`, or epoch milliseconds).
 */
import {
  createLoader,
  createSerializer,
  parseAsArrayOf,
  parseAsInteger,
  parseAsString,
  parseAsStringLiteral,
  type inferParserType,
} from "nuqs/server";
import { FILTER_FIELDS, type FilterField, type FlowFilter, decodeFilterValues, encodeFilterValues } from "@/server/explore/filter";
import { DEFAULT_RANGE, type TimeRangeText } from "@/server/timerange";

/** URL keys of the filter fields (short and lower case). */
export const FILTER_URL_KEYS: Readonly<Record<FilterField, string>> = {
  account: "account",
  vpc: "vpc",
  subnet: "subnet",
  flowLog: "flow_log",
  interface: "eni",
  service: "service",
  team: "team",
  srcService: "src_service",
  dstService: "dst_service",
  srcTeam: "src_team",
  dstTeam: "dst_team",
  src: "src",
  dst: "dst",
  srcPort: "src_port",
  dstPort: "dst_port",
  protocol: "protocol",
  action: "action",
  direction: "direction",
  text: "text",
};

const filterParsers = Object.fromEntries(FILTER_FIELDS.map((field) => [field, parseAsArrayOf(parseAsString).withDefault([])])) as Record<
  FilterField,
  ReturnType<ReturnType<typeof parseAsArrayOf<string>>["withDefault"]>
>;

export const DIMENSIONS = ["none", "action", "account", "vpc", "service", "team", "protocol", "dstPort", "destination", "source"] as const;
export const MEASURES = ["flows", "bytes", "packets"] as const;

/** Explore: time range, filter or LogQL, what is shown, the flow in the drawer. */
export const exploreParsers = {
  from: parseAsString.withDefault(DEFAULT_RANGE.from),
  to: parseAsString.withDefault(DEFAULT_RANGE.to),
  /** builder: the filter writes the LogQL; code: the LogQL is edited by hand. */
  mode: parseAsStringLiteral(["builder", "code"] as const).withDefault("builder"),
  /** The LogQL of code mode. */
  q: parseAsString.withDefault(""),
  /** flows: the flow table; chart: flows/bytes/packets over time. */
  show: parseAsStringLiteral(["flows", "chart"] as const).withDefault("flows"),
  measure: parseAsStringLiteral(MEASURES).withDefault("flows"),
  by: parseAsStringLiteral(DIMENSIONS).withDefault("action"),
  top: parseAsInteger.withDefault(8),
  /** Lines per page. */
  limit: parseAsInteger.withDefault(1000),
  /** The flow open in the drawer (see encodeFlowRef). */
  flow: parseAsString,
  ...filterParsers,
};

export const VIEW_DEFAULT_RANGE: TimeRangeText = { from: "now-24h", to: "now" };

/** The rejected and egress views. */
export function viewParsers<const By extends string>(dimensions: readonly By[], defaultBy: By) {
  return {
    from: parseAsString.withDefault(VIEW_DEFAULT_RANGE.from),
    to: parseAsString.withDefault(VIEW_DEFAULT_RANGE.to),
    by: parseAsStringLiteral(dimensions).withDefault(defaultBy),
    top: parseAsInteger.withDefault(8),
    ...filterParsers,
  };
}

export const REJECTED_DIMENSIONS = ["vpc", "account", "service", "dstPort", "source"] as const;
export const EGRESS_DIMENSIONS = ["service", "team", "destination", "account", "vpc"] as const;
export const rejectedParsers = viewParsers(REJECTED_DIMENSIONS, "vpc");
export const egressParsers = viewParsers(EGRESS_DIMENSIONS, "service");

export const exploreUrlKeys = { ...FILTER_URL_KEYS } as const;
export const viewUrlKeys = { ...FILTER_URL_KEYS } as const;

export const loadExploreState = createLoader(exploreParsers, { urlKeys: exploreUrlKeys });
export const loadRejectedState = createLoader(rejectedParsers, { urlKeys: viewUrlKeys });
export const loadEgressState = createLoader(egressParsers, { urlKeys: viewUrlKeys });

export const serializeExplore = createSerializer(exploreParsers, { urlKeys: exploreUrlKeys, clearOnDefault: true });
export const serializeRejected = createSerializer(rejectedParsers, { urlKeys: viewUrlKeys, clearOnDefault: true });
export const serializeEgress = createSerializer(egressParsers, { urlKeys: viewUrlKeys, clearOnDefault: true });

export type ExploreState = inferParserType<typeof exploreParsers>;
type FilterState = Record<FilterField, string[]>;

/** The filter held by a state's filter keys. */
export function filterOfState(state: Partial<FilterState>): FlowFilter {
  const filter: FlowFilter = {};
  for (const field of FILTER_FIELDS) {
    const items = state[field];
    if (items && items.length > 0) filter[field] = decodeFilterValues(items);
  }
  return filter;
}

/** A filter as the state's filter keys (every field, empty ones as []). */
export function stateOfFilter(filter: FlowFilter): FilterState {
  return Object.fromEntries(FILTER_FIELDS.map((field) => [field, filter[field] ? encodeFilterValues(filter[field]) : []])) as FilterState;
}

/** A flow in the URL: its timestamp, stream labels and line (enough to show it again anywhere). */
export interface FlowRef {
  tsNs: string;
  labels: Record<string, string>;
  line: string;
}

const toBase64Url = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
const fromBase64Url = (text: string) => {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
};

export function encodeFlowRef(flow: FlowRef): string {
  return `${flow.tsNs}.${toBase64Url(JSON.stringify([flow.labels, flow.line]))}`;
}

export function decodeFlowRef(text: string | null | undefined): FlowRef | null {
  if (!text) return null;
  const dot = text.indexOf(".");
  if (dot < 1 || !/^\d+$/.test(text.slice(0, dot))) return null;
  try {
    const [labels, line] = JSON.parse(fromBase64Url(text.slice(dot + 1))) as [unknown, unknown];
    if (typeof line !== "string" || typeof labels !== "object" || labels === null) return null;
    const clean = Object.fromEntries(Object.entries(labels as Record<string, unknown>).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    return { tsNs: text.slice(0, dot), labels: clean, line };
  } catch {
    return null;
  }
}

/** The Explore link showing `filter` over `range` (as chart or flows). */
export function exploreHref(input: { filter: FlowFilter; from: string; to: string; show?: "flows" | "chart"; by?: (typeof DIMENSIONS)[number]; measure?: (typeof MEASURES)[number]; mode?: "builder" | "code"; q?: string }): string {
  return `/explore${serializeExplore({
    from: input.from,
    to: input.to,
    show: input.show ?? "flows",
    by: input.by ?? "action",
    measure: input.measure ?? "flows",
    mode: input.mode ?? "builder",
    q: input.q ?? "",
    ...stateOfFilter(input.filter),
  })}`;
}
