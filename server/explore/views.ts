/**
 * The rejected-traffic and egress views: the same builder, gate and shaping as Explore, with the
 * conditions each view adds. Metric queries aggregate in Loki (`sum by (interface_id)`, `topk` by
 * address) and the portal names the labels through the enrichment lookup; every number is exact:
 * totals are sums of complete answers, and "Other" is total − shown.
 */
import { endpointLabel } from "../enrichment/enrich";
import type { Endpoint } from "../enrichment/lookup";
import { parseCidr } from "../enrichment/ip";
import { AppError } from "../errors";
import { type FlowCondition, type FlowMeasure } from "./builder";
import { type FilterField, type FlowFilter, withFilterValue } from "./filter";
import { addressNamer, interfaceService, portLabel } from "./naming";
import {
  type ChartDimension,
  type ChartResult,
  type ExploreDeps,
  type FlowContext,
  type TimeRangeMs,
  flowContext,
  planFlowQueries,
  queryFlowChart,
  rangeDuration,
  runMetricInstant,
} from "./service";
import { type TopList, type TopListRow, OTHER_KEY, groupedTopList, topList } from "./series";

/** Address space that is never "the internet": RFC 1918, carrier-grade NAT (EKS custom networking), IPv6 unique-local and link-local. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7", "fe80::/10"];

function isWithinPrivate(cidr: string): boolean {
  const range = parseCidr(cidr);
  if (!range) return false;
  return PRIVATE_RANGES.some((p) => {
    const outer = parseCidr(p);
    return outer !== undefined && outer.family === range.family && outer.first <= range.first && range.last <= outer.last;
  });
}

/** The VPCs' CIDRs of the inventory, without those inside the private ranges. */
async function vpcCidrs(ctx: FlowContext): Promise<string[]> {
  const vpcs = await ctx.deps.db.vpc.findMany({ select: { cidrBlocks: true, ipv6CidrBlocks: true } });
  return [...new Set(vpcs.flatMap((v) => [...v.cidrBlocks, ...v.ipv6CidrBlocks]))].sort();
}

export interface PanelQueries {
  [panel: string]: string[];
}

function endpointDetail(endpoint: Endpoint): Record<string, string | null> {
  switch (endpoint.kind) {
    case "interface":
      return { kind: "service", service: endpoint.service, team: endpoint.team, account: endpoint.accountName ?? endpoint.accountId, vpc: endpoint.vpcName ?? endpoint.vpcId };
    case "aws":
      return { kind: "AWS", service: endpoint.service, region: endpoint.region, prefix: endpoint.prefix };
    case "known":
      return { kind: "known network", category: endpoint.category, cidr: endpoint.cidr };
    case "internet":
      return { kind: "internet" };
    case "private":
      return { kind: "private", vpc: endpoint.vpcName ?? endpoint.vpcId };
    case "invalid":
      return { kind: "invalid" };
  }
}

/** Address rows of a top list, named after what the addresses were during the range. */
async function addressRows(ctx: FlowContext, values: { labels: Record<string, string>; value: number }[], label: string): Promise<Omit<TopListRow, "share">[]> {
  const kept = values.filter((v) => v.value > 0 && v.labels[label]);
  const namer = await addressNamer(ctx.deps.db, ctx.lookup, kept.map((v) => v.labels[label] as string), ctx.range);
  return kept.map((v) => {
    const address = v.labels[label] as string;
    const endpoint = namer(address);
    const name = endpointLabel(endpoint);
    // internet addresses have no other name: the address is the label, "internet" its kind
    const shown = name === address || endpoint.kind === "internet" ? address : `${name} · ${address}`;
    return { key: address, label: shown, value: v.value, detail: { address, name, ...endpointDetail(endpoint) } };
  });
}

/**
 * Values by interface over the range: all of them when Loki can return them (then they may be
 * added up by service exactly), else the largest ones (then they are listed one by one).
 */
async function byInterface(
  ctx: FlowContext,
  filter: FlowFilter,
  measure: FlowMeasure,
  extra: readonly FlowCondition[],
  top: number,
): Promise<{ values: { labels: Record<string, string>; value: number }[]; exact: boolean; queries: string[]; notes: string[] }> {
  const output = { kind: "metric" as const, measure, by: ["interface_id"], range: rangeDuration(ctx.range) };
  const plan = await planFlowQueries(ctx, filter, output, extra);
  try {
    return { values: await runMetricInstant(ctx.deps.gate, plan, ctx.range.toMs), exact: true, queries: plan.queries, notes: plan.notes };
  } catch (error) {
    if (!(error instanceof AppError && error.code === "LIMIT_EXCEEDED")) throw error;
    const topPlan = await planFlowQueries(ctx, filter, { ...output, topk: top * 4 }, extra);
    return {
      values: await runMetricInstant(ctx.deps.gate, topPlan, ctx.range.toMs),
      exact: false,
      queries: [...plan.queries, ...topPlan.queries],
      notes: [`Too many interfaces for one Loki answer: the ${top * 4} largest interfaces are listed one by one (not added up by service); the rest is in Other.`],
    };
  }
}

/** Interface values as a top list by service or team (exact answers), or by interface (largest only). */
function serviceList(ctx: FlowContext, values: { labels: Record<string, string>; value: number }[], exact: boolean, total: number, top: number, by: "service" | "team"): TopList {
  if (!exact) {
    return topList(
      values
        .filter((v) => v.value > 0)
        .map((v) => {
          const named = interfaceService(ctx.lookup, v.labels.interface_id);
          return { key: v.labels.interface_id ?? "-", label: `${by === "team" ? (named.team ?? "no team") : named.label} · ${v.labels.interface_id}`, value: v.value, detail: { team: named.team } };
        })
        .sort((a, b) => b.value - a.value)
        .slice(0, top),
      total,
    );
  }
  return groupedTopList(
    values,
    (labels) => {
      const named = interfaceService(ctx.lookup, labels.interface_id);
      if (by === "team") return named.team ? { key: `team:${named.team}`, label: named.team } : { key: "no-team", label: "no team" };
      return { key: named.key, label: named.label, detail: { team: named.team } };
    },
    top,
  );
}

async function totalOf(ctx: FlowContext, filter: FlowFilter, measure: FlowMeasure, extra: readonly FlowCondition[]): Promise<{ total: number; queries: string[]; notes: string[] }> {
  const plan = await planFlowQueries(ctx, filter, { kind: "metric", measure, by: [], range: rangeDuration(ctx.range) }, extra);
  const values = await runMetricInstant(ctx.deps.gate, plan, ctx.range.toMs);
  return { total: values.reduce((acc, v) => acc + v.value, 0), queries: plan.queries, notes: plan.notes };
}

/** The total: the sum of a complete by-interface answer (every record has one interface), else its own query. */
async function totalFrom(
  ctx: FlowContext,
  interfaces: { values: { value: number }[]; exact: boolean },
  filter: FlowFilter,
  measure: FlowMeasure,
  extra: readonly FlowCondition[],
): Promise<{ total: number; queries: string[]; notes: string[] }> {
  if (interfaces.exact) return { total: interfaces.values.reduce((acc, v) => acc + v.value, 0), queries: [], notes: [] };
  return totalOf(ctx, filter, measure, extra);
}

const instant = (ctx: FlowContext, measure: FlowMeasure, by: string[], topk?: number) => ({
  kind: "metric" as const,
  measure,
  by,
  range: rangeDuration(ctx.range),
  topk,
});

/**
 * The Explore filter showing what a view panel shows: the person's filter plus the view's own
 * conditions written as filter values (a field the person already keeps values of is left as it is,
 * so the link may show a little more than the panel).
 */
export function withViewValues(filter: FlowFilter, additions: Partial<Record<FilterField, { in?: string[]; out?: string[] }>>): FlowFilter {
  const out: FlowFilter = { ...filter };
  for (const [field, add] of Object.entries(additions) as [FilterField, { in?: string[]; out?: string[] }][]) {
    const current = out[field] ?? { in: [], out: [] };
    out[field] = {
      in: current.in.length > 0 ? current.in : [...(add.in ?? [])],
      out: [...new Set([...current.out, ...(add.out ?? [])])],
    };
  }
  return out;
}

export interface ViewInput {
  filter: FlowFilter;
  range: TimeRangeMs;
  /** How many rows or series are shown on their own (the rest is Other). */
  top: number;
}

// ─── Rejected traffic ──────────────────────────────────────────────────────────────────────

/** The view's filter: the person's, with action REJECT. */
export function rejectedFilter(filter: FlowFilter): FlowFilter {
  if (filter.action?.in.includes("ACCEPT")) throw new AppError("BAD_REQUEST", "The rejected-traffic view shows rejected flows only: remove the ACCEPT filter.");
  return withFilterValue(filter, "action", "REJECT");
}

/** Sources inside the organisation: private ranges and the VPCs' own CIDRs. */
async function internalSpace(ctx: FlowContext): Promise<string[]> {
  const cidrs = await vpcCidrs(ctx);
  return [...PRIVATE_RANGES, ...cidrs.filter((c) => !isWithinPrivate(c))];
}

export async function rejectedOverTime(deps: ExploreDeps, input: ViewInput & { by: ChartDimension }): Promise<ChartResult & { explore: FlowFilter }> {
  const filter = rejectedFilter(input.filter);
  return { ...(await queryFlowChart(deps, { filter, range: input.range, measure: "flows", dimension: input.by, top: input.top })), explore: filter };
}

export interface RejectedSummary {
  total: number;
  topSources: TopList;
  targetedPorts: TopList;
  /** The services whose interfaces logged the rejects: the ones the traffic was aimed at. */
  targetedServices: TopList;
  queries: PanelQueries;
  notes: string[];
  explore: FlowFilter;
}

export async function rejectedSummary(deps: ExploreDeps, input: ViewInput): Promise<RejectedSummary> {
  const ctx = await flowContext(deps, input.range);
  const filter = rejectedFilter(input.filter);
  const [sourcesPlan, portsPlan] = await Promise.all([
    planFlowQueries(ctx, filter, instant(ctx, "flows", ["srcaddr"], input.top)),
    planFlowQueries(ctx, filter, instant(ctx, "flows", ["dstport"], input.top)),
  ]);
  const [sources, ports, services] = await Promise.all([
    runMetricInstant(deps.gate, sourcesPlan, input.range.toMs),
    runMetricInstant(deps.gate, portsPlan, input.range.toMs),
    byInterface(ctx, filter, "flows", [], input.top),
  ]);
  const totals = await totalFrom(ctx, services, filter, "flows", []);
  return {
    total: totals.total,
    topSources: topList(await addressRows(ctx, sources, "srcaddr"), totals.total),
    targetedPorts: topList(
      ports.filter((p) => p.value > 0).map((p) => ({ ...portLabel(p.labels.dstport), value: p.value })),
      totals.total,
    ),
    targetedServices: serviceList(ctx, services.values, services.exact, totals.total, input.top, "service"),
    queries: { total: totals.queries, topSources: sourcesPlan.queries, targetedPorts: portsPlan.queries, targetedServices: services.queries },
    notes: [...new Set([...totals.notes, ...services.notes])],
    explore: filter,
  };
}

export interface InternalRejectRow {
  source: string;
  sourceTeam: string | null;
  /** The service name when the source is an interface with a service (for links to Explore). */
  sourceService: string | null;
  destination: string;
  destinationTeam: string | null;
  destinationService: string | null;
  port: string;
  count: number;
  /** How many address combinations the row adds up. */
  combinations: number;
}

export interface InternalRejects {
  rows: InternalRejectRow[];
  total: number;
  /** False when only the largest combinations could be read: rows are then address combinations, not added up. */
  exact: boolean;
  queries: string[];
  notes: string[];
  explore: FlowFilter;
}

/** Rejects whose source is inside the organisation (a service blocked from a dependency), by source, destination and port. */
export async function rejectedInternal(deps: ExploreDeps, input: ViewInput): Promise<InternalRejects> {
  const ctx = await flowContext(deps, input.range);
  const filter = rejectedFilter(input.filter);
  const space = await internalSpace(ctx);
  const internal: FlowCondition = { kind: "address", field: "srcaddr", values: space, negate: false, origin: "view" };
  const explore = withViewValues(filter, { src: { in: space } });
  const by = ["srcaddr", "dstaddr", "dstport", "interface_id"];
  const plan = await planFlowQueries(ctx, filter, instant(ctx, "flows", by), [internal]);
  try {
    const combos = await runMetricInstant(deps.gate, plan, input.range.toMs);
    return {
      rows: await internalRejectRows(ctx, combos, true),
      total: combos.reduce((acc, c) => acc + c.value, 0),
      exact: true,
      queries: plan.queries,
      notes: plan.notes,
      explore,
    };
  } catch (error) {
    if (!(error instanceof AppError && error.code === "LIMIT_EXCEEDED")) throw error;
    const topPlan = await planFlowQueries(ctx, filter, instant(ctx, "flows", by, 200), [internal]);
    const [combos, totals] = await Promise.all([runMetricInstant(deps.gate, topPlan, input.range.toMs), totalOf(ctx, filter, "flows", [internal])]);
    return {
      rows: await internalRejectRows(ctx, combos, false),
      total: totals.total,
      exact: false,
      queries: [...plan.queries, ...topPlan.queries, ...totals.queries],
      notes: ["Too many internal reject combinations for one Loki answer: the 200 largest address combinations are listed one by one; the total counts them all."],
      explore,
    };
  }
}

/** Names both ends of each combination (in the VPC of the interface that logged it) and adds up equal rows when exact. */
async function internalRejectRows(ctx: FlowContext, combos: { labels: Record<string, string>; value: number }[], group: boolean): Promise<InternalRejectRow[]> {
  const kept = combos.filter((c) => c.value > 0);
  const namer = await addressNamer(
    ctx.deps.db,
    ctx.lookup,
    kept.flatMap((c) => [c.labels.srcaddr, c.labels.dstaddr]).filter((a): a is string => Boolean(a)),
    ctx.range,
  );
  const rows = new Map<string, InternalRejectRow>();
  const list: InternalRejectRow[] = [];
  for (const combo of kept) {
    const own = combo.labels.interface_id ? ctx.lookup.interface(combo.labels.interface_id) : undefined;
    const vpcId = own?.endpoint.vpcId ?? null;
    const name = (address: string | undefined) => {
      if (!address) return { label: "-", team: null as string | null, service: null as string | null };
      const endpoint = namer(address, vpcId);
      const label = endpointLabel(endpoint);
      if (endpoint.kind === "interface") return { label, team: endpoint.team, service: endpoint.service };
      return { label: `${label} (${address})`, team: null, service: null };
    };
    const src = name(combo.labels.srcaddr);
    const dst = name(combo.labels.dstaddr);
    const port = portLabel(combo.labels.dstport).label;
    const row: InternalRejectRow = {
      source: src.label,
      sourceTeam: src.team,
      sourceService: src.service,
      destination: dst.label,
      destinationTeam: dst.team,
      destinationService: dst.service,
      port,
      count: combo.value,
      combinations: 1,
    };
    if (!group) {
      list.push({ ...row, source: `${src.label} · ${combo.labels.srcaddr}`, destination: `${dst.label} · ${combo.labels.dstaddr}` });
      continue;
    }
    const key = `${row.source}|${row.destination}|${row.port}`;
    const existing = rows.get(key);
    if (existing) {
      existing.count += row.count;
      existing.combinations++;
    } else rows.set(key, row);
  }
  return (group ? [...rows.values()] : list).sort((a, b) => b.count - a.count || a.source.localeCompare(b.source));
}

export interface InternetScans {
  sources: TopList;
  ports: TopList;
  total: number;
  /** Null when Loki could not count them in one answer. */
  distinctSources: number | null;
  queries: string[];
  notes: string[];
  explore: FlowFilter;
}

/** Rejects whose source is on the internet: scans and probes. */
export async function rejectedScans(deps: ExploreDeps, input: ViewInput): Promise<InternetScans> {
  const ctx = await flowContext(deps, input.range);
  const filter = rejectedFilter(input.filter);
  const space = await internalSpace(ctx);
  const external: FlowCondition = { kind: "address", field: "srcaddr", values: space, negate: true, origin: "view" };
  const [sourcesPlan, portsPlan, distinctPlan] = await Promise.all([
    planFlowQueries(ctx, filter, instant(ctx, "flows", ["srcaddr"], input.top), [external]),
    planFlowQueries(ctx, filter, instant(ctx, "flows", ["dstport"], input.top), [external]),
    planFlowQueries(ctx, filter, instant(ctx, "flows", ["srcaddr"]), [external]),
  ]);
  // count(sum by (srcaddr) (…)): one series however many sources there are.
  const distinctQueries = distinctPlan.queries.length === 1 ? [`count(${distinctPlan.queries[0]})`] : [];
  const [totals, sources, ports, distinct] = await Promise.all([
    totalOf(ctx, filter, "flows", [external]),
    runMetricInstant(deps.gate, sourcesPlan, input.range.toMs),
    runMetricInstant(deps.gate, portsPlan, input.range.toMs),
    distinctQueries.length === 1 ? runMetricInstant(deps.gate, { ...distinctPlan, queries: distinctQueries }, input.range.toMs) : Promise.resolve(undefined),
  ]);
  return {
    sources: topList(await addressRows(ctx, sources, "srcaddr"), totals.total),
    ports: topList(
      ports.filter((p) => p.value > 0).map((p) => ({ ...portLabel(p.labels.dstport), value: p.value })),
      totals.total,
    ),
    total: totals.total,
    distinctSources: distinct ? (distinct[0]?.value ?? 0) : null,
    queries: [...totals.queries, ...sourcesPlan.queries, ...portsPlan.queries, ...distinctQueries],
    notes: totals.notes,
    explore: withViewValues(filter, { src: { out: space } }),
  };
}

// ─── Egress ────────────────────────────────────────────────────────────────────────────────

export interface SankeyData {
  nodes: { name: string; side: "source" | "destination" }[];
  links: { source: number; target: number; value: number }[];
}

/** The conditions that make a flow record "bytes out", and that definition in words. */
export async function egressConditions(ctx: FlowContext): Promise<{ conditions: FlowCondition[]; definition: string; notes: string[]; additions: Partial<Record<FilterField, { in?: string[]; out?: string[] }>> }> {
  const cidrs = await vpcCidrs(ctx);
  const notes: string[] = [];
  const inside = cidrs.length > 0 ? cidrs : PRIVATE_RANGES;
  if (cidrs.length === 0) notes.push("The inventory has no VPCs: private destinations count as inside, everything else as egress.");
  const hops = ctx.lookup
    .interfaceEndpoints()
    .filter((e) => (e.interfaceType === "nat_gateway" || e.interfaceType === "transit_gateway") && (e.deletedAt === null || e.deletedAt >= ctx.range.fromMs))
    .map((e) => e.interfaceId)
    .sort();
  const conditions: FlowCondition[] = [{ kind: "address", field: "dstaddr", values: inside, negate: true, origin: "view" }];
  if (hops.length > 0) conditions.push({ kind: "equals", field: "interface-id", values: hops, negate: true, origin: "view" });
  const definition =
    `Bytes out: flow records whose destination is outside the organisation's VPCs (${cidrs.length > 0 ? `${cidrs.length} CIDRs from the inventory` : "private ranges"}), ` +
    `counted once, on the interface that sent them: records of NAT gateway and transit gateway interfaces (${hops.length} in the range) are left out, as they log the same bytes again.`;
  return { conditions, definition, notes, additions: { dst: { out: inside }, ...(hops.length > 0 ? { interface: { out: hops } } : {}) } };
}

export async function egressOverTime(deps: ExploreDeps, input: ViewInput & { by: ChartDimension }): Promise<ChartResult & { definition: string; explore: FlowFilter }> {
  const ctx = await flowContext(deps, input.range);
  const { conditions, definition, notes, additions } = await egressConditions(ctx);
  const chart = await queryFlowChart(deps, { filter: input.filter, range: input.range, measure: "bytes", dimension: input.by, top: input.top, extra: conditions, ctx });
  return { ...chart, definition, notes: [...new Set([...notes, ...chart.notes])], explore: withViewValues(input.filter, additions) };
}

/** How many destination addresses are named (by the top list, the name grouping and the Sankey). */
export const NAMED_DESTINATIONS = 100;

export interface EgressBreakdown {
  /** Bytes out in the range. */
  total: number;
  definition: string;
  byService: TopList;
  byTeam: TopList;
  topDestinations: TopList;
  /** The named destination addresses added up by name (AWS service and region, network, internet …), and Other. */
  byDestinationName: TopList;
  sankey: SankeyData;
  queries: PanelQueries;
  notes: string[];
  explore: FlowFilter;
}

export async function egressBreakdown(deps: ExploreDeps, input: ViewInput): Promise<EgressBreakdown> {
  const ctx = await flowContext(deps, input.range);
  const { conditions, definition, notes, additions } = await egressConditions(ctx);
  const named = Math.max(NAMED_DESTINATIONS, input.top);
  const destinationPlan = await planFlowQueries(ctx, input.filter, instant(ctx, "bytes", ["dstaddr"], named), conditions);
  const [interfaces, destinations] = await Promise.all([
    byInterface(ctx, input.filter, "bytes", conditions, input.top),
    runMetricInstant(deps.gate, destinationPlan, input.range.toMs),
  ]);
  const totals = await totalFrom(ctx, interfaces, input.filter, "bytes", conditions);
  const total = totals.total;
  notes.push(...totals.notes, ...interfaces.notes);
  const byService = serviceList(ctx, interfaces.values, interfaces.exact, total, input.top, "service");
  const byTeam = serviceList(ctx, interfaces.values, interfaces.exact, total, input.top, "team");
  const destinationRows = (await addressRows(ctx, destinations, "dstaddr")).sort((a, b) => b.value - a.value);
  const nameTotals = new Map<string, { value: number; kind: string | null; addresses: number }>();
  for (const row of destinationRows) {
    const name = (row.detail?.name as string | undefined) ?? row.label;
    const existing = nameTotals.get(name);
    if (existing) {
      existing.value += row.value;
      existing.addresses++;
    } else nameTotals.set(name, { value: row.value, kind: row.detail?.kind ?? null, addresses: 1 });
  }
  const byDestinationName = topList(
    [...nameTotals.entries()].map(([name, v]) => ({ key: name, label: name, value: v.value, detail: { kind: v.kind, addresses: String(v.addresses) } })),
    total,
    `Addresses outside the ${named} largest`,
  );
  const queries: PanelQueries = { total: totals.queries, byService: interfaces.queries, topDestinations: destinationPlan.queries };
  let sankey: SankeyData = { nodes: [], links: [] };
  if (total > 0 && interfaces.exact) {
    let pairs: { labels: Record<string, string>; value: number }[] = [];
    const addresses = destinationRows.map((r) => r.key);
    if (addresses.length > 0) {
      const pairPlan = await planFlowQueries(ctx, input.filter, instant(ctx, "bytes", ["interface_id", "dstaddr"]), [
        ...conditions,
        { kind: "address", field: "dstaddr", values: addresses, negate: false, origin: "view" },
      ]);
      queries.sankey = pairPlan.queries;
      pairs = await runMetricInstant(deps.gate, pairPlan, input.range.toMs).catch((error: unknown) => {
        if (error instanceof AppError && error.code === "LIMIT_EXCEEDED") {
          notes.push("Too many service–destination pairs for one Loki answer: the Sankey sends every service to Other destinations.");
          return [];
        }
        throw error;
      });
    }
    const nameOf = new Map(destinationRows.map((r) => [r.key, (r.detail?.name as string | undefined) ?? r.label]));
    sankey = buildSankey(
      byService.rows.filter((r) => r.role !== "other").map((r) => ({ key: r.key, label: r.label, value: r.value })),
      total,
      pairs.map((p) => ({
        service: interfaceService(ctx.lookup, p.labels.interface_id),
        destination: nameOf.get(p.labels.dstaddr ?? "") ?? "Other destinations",
        value: p.value,
      })),
      input.top,
    );
  }
  return {
    total,
    definition,
    byService,
    byTeam,
    topDestinations: topList(destinationRows.slice(0, input.top), total),
    byDestinationName,
    sankey,
    queries,
    notes: [...new Set([...notes, ...destinationPlan.notes])],
    explore: withViewValues(input.filter, additions),
  };
}

/**
 * Service → destination flows for a Sankey: top services (the rest as "Other services"), named
 * destinations, and for each source the rest of its bytes to "Other destinations" (its total minus
 * its named links), so that every node's in- and outflow are its exact totals.
 */
export function buildSankey(
  services: { key: string; label: string; value: number }[],
  total: number,
  pairs: { service: { key: string; label: string }; destination: string; value: number }[],
  top: number,
): SankeyData {
  const shownServices = services.slice(0, top);
  const shownKeys = new Set(shownServices.map((s) => s.key));
  const sources = new Map<string, { label: string; total: number }>();
  for (const s of shownServices) sources.set(s.key, { label: s.label, total: s.value });
  const otherServicesTotal = total - shownServices.reduce((acc, s) => acc + s.value, 0);
  if (otherServicesTotal > 0) sources.set(OTHER_KEY, { label: "Other services", total: otherServicesTotal });
  const links = new Map<string, number>(); // `${sourceKey}|${destination}`
  for (const pair of pairs) {
    const sourceKey = shownKeys.has(pair.service.key) ? pair.service.key : OTHER_KEY;
    const key = `${sourceKey}|${pair.destination}`;
    links.set(key, (links.get(key) ?? 0) + pair.value);
  }
  const destinations = [...new Set([...links.keys()].map((k) => k.slice(k.indexOf("|") + 1)))].filter((d) => d !== "Other destinations").sort();
  const nodes: SankeyData["nodes"] = [];
  const index = new Map<string, number>();
  for (const [key, source] of sources) {
    index.set(`s:${key}`, nodes.length);
    nodes.push({ name: source.label, side: "source" });
  }
  for (const destination of [...destinations, "Other destinations"]) {
    index.set(`d:${destination}`, nodes.length);
    nodes.push({ name: destination, side: "destination" });
  }
  const out: SankeyData["links"] = [];
  for (const [key, source] of sources) {
    let named = 0;
    for (const destination of destinations) {
      const value = links.get(`${key}|${destination}`) ?? 0;
      if (value > 0) {
        out.push({ source: index.get(`s:${key}`) as number, target: index.get(`d:${destination}`) as number, value });
        named += value;
      }
    }
    const rest = source.total - named;
    if (rest > 0) out.push({ source: index.get(`s:${key}`) as number, target: index.get("d:Other destinations") as number, value: rest });
  }
  // Drop destination nodes nothing flows to (Other destinations when everything is named).
  const used = new Set(out.flatMap((l) => [l.source, l.target]));
  const keep = nodes.map((_, i) => used.has(i));
  const renumber = new Map<number, number>();
  const finalNodes = nodes.filter((_, i) => {
    if (!keep[i]) return false;
    renumber.set(i, renumber.size);
    return true;
  });
  return { nodes: finalNodes, links: out.map((l) => ({ ...l, source: renumber.get(l.source) as number, target: renumber.get(l.target) as number })) };
}
