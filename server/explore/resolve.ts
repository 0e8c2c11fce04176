/**
 * Resolves the inventory terms of a filter for a time range: a VPC → its flow logs, a subnet → its
 * interfaces, a service or team → the interfaces it had and the addresses they held *during the
 * range* (addresses move between interfaces as Lambda, EKS and ECS interfaces churn; the validity
 * rule is the enrichment lookup's: a holder owns an address from when the previous holder lost it
 * until it was removed).
 */
import type { Database } from "../db/client";
import type { EnrichmentLookup, InterfaceEndpoint } from "../enrichment/lookup";
import { type FilterResolution, resolutionKey } from "./compile";
import type { FilterField, FlowFilter } from "./filter";
import type { FlowLogInfo } from "./flow-logs";

export interface AddressHolding {
  interfaceId: string;
  /** The holder's VPC: private addresses are only unique within one. */
  vpcId: string;
  address: string;
  /** ms */
  firstSeen: number;
  removedAt: number | null;
}

/**
 * The addresses `interfaces` held at some point of [fromMs, toMs], given every holding of those
 * addresses (by any interface). Pure.
 */
export function addressesHeldIn(holdings: readonly AddressHolding[], interfaces: ReadonlySet<string>, range: { fromMs: number; toMs: number }): string[] {
  const byAddress = new Map<string, AddressHolding[]>();
  for (const h of holdings) {
    const key = `${h.vpcId}|${h.address}`;
    const list = byAddress.get(key) ?? [];
    list.push(h);
    byAddress.set(key, list);
  }
  const held = new Set<string>();
  for (const list of byAddress.values()) {
    list.sort((a, b) => a.firstSeen - b.firstSeen);
    list.forEach((h, i) => {
      if (!interfaces.has(h.interfaceId)) return;
      const previous = list[i - 1];
      const from = previous === undefined ? -Infinity : Math.min(h.firstSeen, previous.removedAt ?? h.firstSeen);
      const to = h.removedAt ?? Infinity;
      if (from <= range.toMs && to >= range.fromMs) held.add(h.address);
    });
  }
  return [...held].sort();
}

const alive = (endpoint: InterfaceEndpoint, fromMs: number) => endpoint.deletedAt === null || endpoint.deletedAt >= fromMs;

export interface ResolveDeps {
  db: Database;
  lookup: EnrichmentLookup;
  flowLogs: () => Promise<FlowLogInfo[]>;
}

const INTERFACE_FIELDS = new Set<FilterField>(["service", "team", "subnet"]);
const ADDRESS_FIELDS = new Set<FilterField>(["srcService", "dstService", "srcTeam", "dstTeam"]);

function interfacesOf(endpoints: readonly InterfaceEndpoint[], field: FilterField, value: string, fromMs: number): string[] {
  return endpoints
    .filter((e) => alive(e, fromMs))
    .filter((e) => {
      if (field === "subnet") return e.subnetId === value;
      if (field === "service" || field === "srcService" || field === "dstService") return e.service === value;
      return e.team === value;
    })
    .map((e) => e.interfaceId)
    .sort();
}

/** Looks up every inventory term of `filter` for the range. */
export async function resolveFilter(deps: ResolveDeps, filter: FlowFilter, range: { fromMs: number; toMs: number }): Promise<FilterResolution> {
  const resolution = new Map<string, string[]>();
  const endpoints = deps.lookup.interfaceEndpoints();
  const values = (field: FilterField) => [...(filter[field]?.in ?? []), ...(filter[field]?.out ?? [])];

  const vpcs = values("vpc");
  if (vpcs.length > 0) {
    const flowLogs = await deps.flowLogs();
    for (const vpc of vpcs) resolution.set(resolutionKey("vpc", vpc), flowLogs.filter((f) => f.vpcId === vpc).map((f) => f.id));
  }
  for (const field of INTERFACE_FIELDS) {
    for (const value of values(field)) resolution.set(resolutionKey(field, value), interfacesOf(endpoints, field, value, range.fromMs));
  }
  const wanted: { field: FilterField; value: string; interfaces: string[] }[] = [];
  for (const field of ADDRESS_FIELDS) {
    for (const value of values(field)) wanted.push({ field, value, interfaces: interfacesOf(endpoints, field, value, range.fromMs) });
  }
  if (wanted.length > 0) {
    const ids = [...new Set(wanted.flatMap((w) => w.interfaces))];
    const own = await deps.db.interfaceAddress.findMany({ where: { interfaceId: { in: ids } }, select: { address: true } });
    const addresses = [...new Set(own.map((a) => a.address))];
    const rows = await deps.db.interfaceAddress.findMany({
      where: { address: { in: addresses } },
      select: { interfaceId: true, address: true, firstSeen: true, removedAt: true, interface: { select: { vpcId: true } } },
    });
    const holdings: AddressHolding[] = rows.map((r) => ({
      interfaceId: r.interfaceId,
      vpcId: r.interface.vpcId,
      address: r.address,
      firstSeen: r.firstSeen.getTime(),
      removedAt: r.removedAt?.getTime() ?? null,
    }));
    for (const w of wanted) resolution.set(resolutionKey(w.field, w.value), addressesHeldIn(holdings, new Set(w.interfaces), range));
  }
  return resolution;
}
