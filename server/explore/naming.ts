/**
 * Names for the labels of metric answers: accounts, flow logs (their VPC), interfaces (their
 * service and team), addresses (whatever the enrichment lookup says they were at the time), ports.
 */
import type { Database } from "../db/client";
import { endpointLabel } from "../enrichment/enrich";
import type { Endpoint, EnrichmentLookup, InterfaceEndpoint } from "../enrichment/lookup";
import { portName, protocolName } from "../flows/decode";
import type { FlowLogInfo } from "./flow-logs";

export interface InventoryNames {
  accounts: Map<string, string>;
  vpcs: Map<string, { name: string | null; accountId: string; region: string | null }>;
}

export async function inventoryNames(db: Database): Promise<InventoryNames> {
  const [accounts, vpcs] = await Promise.all([
    db.awsAccount.findMany({ select: { id: true, name: true } }),
    db.vpc.findMany({ select: { id: true, name: true, accountId: true, region: true } }),
  ]);
  return {
    accounts: new Map(accounts.filter((a) => a.name).map((a) => [a.id, a.name as string])),
    vpcs: new Map(vpcs.map((v) => [v.id, { name: v.name, accountId: v.accountId, region: v.region }])),
  };
}

export function accountLabel(names: InventoryNames, id: string | undefined): string {
  if (!id) return "unknown account";
  const name = names.accounts.get(id);
  return name ? `${name} (${id})` : id;
}

export function vpcLabel(names: InventoryNames, vpcId: string | null): string {
  if (!vpcId) return "unknown VPC";
  const name = names.vpcs.get(vpcId)?.name;
  return name ? `${name} (${vpcId})` : vpcId;
}

/** The VPC a flow log label stands for: key and label. */
export function flowLogVpc(names: InventoryNames, flowLogs: readonly FlowLogInfo[], flowLogId: string | undefined): { key: string; label: string } {
  const info = flowLogs.find((f) => f.id === flowLogId);
  if (!info?.vpcId) return { key: `flowlog:${flowLogId ?? "?"}`, label: `flow log ${flowLogId ?? "?"} (VPC unknown)` };
  return { key: info.vpcId, label: vpcLabel(names, info.vpcId) };
}

/** The service of an interface id (the one that logged the flow). */
export function interfaceService(lookup: EnrichmentLookup, interfaceId: string | undefined): { key: string; label: string; team: string | null } {
  if (!interfaceId) return { key: "?", label: "no interface", team: null };
  const entry = lookup.interface(interfaceId);
  if (!entry) return { key: "unknown-interfaces", label: "interfaces not in the inventory", team: null };
  const endpoint = entry.endpoint;
  if (!endpoint.service) return { key: "unmapped-interfaces", label: "interfaces without a service", team: endpoint.team };
  return { key: `service:${endpoint.service}`, label: endpoint.service, team: endpoint.team };
}

export function interfaceTeam(lookup: EnrichmentLookup, interfaceId: string | undefined): { key: string; label: string } {
  const team = interfaceId ? lookup.interface(interfaceId)?.endpoint.team : undefined;
  return team ? { key: `team:${team}`, label: team } : { key: "no-team", label: "no team" };
}

/** What an address was at `atSeconds`, seen from nowhere in particular (no VPC context). */
export function addressEndpoint(lookup: EnrichmentLookup, address: string, atSeconds: number): Endpoint {
  return lookup.resolve(address, atSeconds, -1, null, undefined);
}

/** Names addresses over a whole time range (their holders may have changed during it). */
export type AddressNamer = (address: string, vpcId?: string | null) => Endpoint;

/**
 * For metric answers aggregated over a range, where the flow's own time is gone: an address is
 * named after the interface that held it during the range (the newest holder, in the given VPC
 * when one is given), from the inventory's address history; addresses no interface held are named
 * by the lookup (AWS range, known network, internet, private) at the end of the range.
 */
export async function addressNamer(db: Database, lookup: EnrichmentLookup, addresses: readonly string[], range: { fromMs: number; toMs: number }): Promise<AddressNamer> {
  const unique = [...new Set(addresses)];
  const rows =
    unique.length === 0
      ? []
      : await db.interfaceAddress.findMany({
          where: { address: { in: unique } },
          select: { interfaceId: true, address: true, firstSeen: true, removedAt: true, interface: { select: { vpcId: true } } },
        });
  const lists = new Map<string, { interfaceId: string; vpcId: string; firstSeen: number; removedAt: number | null }[]>();
  for (const r of rows) {
    const key = `${r.interface.vpcId}|${r.address}`;
    const list = lists.get(key) ?? [];
    list.push({ interfaceId: r.interfaceId, vpcId: r.interface.vpcId, firstSeen: r.firstSeen.getTime(), removedAt: r.removedAt?.getTime() ?? null });
    lists.set(key, list);
  }
  // holders during the range, per address, newest last
  const holders = new Map<string, { vpcId: string; endpoint: InterfaceEndpoint; to: number }[]>();
  for (const [key, list] of lists) {
    const address = key.slice(key.indexOf("|") + 1);
    list.sort((a, b) => a.firstSeen - b.firstSeen);
    list.forEach((h, i) => {
      const previous = list[i - 1];
      const from = previous === undefined ? -Infinity : Math.min(h.firstSeen, previous.removedAt ?? h.firstSeen);
      const to = h.removedAt ?? Infinity;
      if (from > range.toMs || to < range.fromMs) return;
      const endpoint = lookup.interface(h.interfaceId)?.endpoint;
      if (!endpoint) return;
      const found = holders.get(address) ?? [];
      found.push({ vpcId: h.vpcId, endpoint, to });
      holders.set(address, found);
    });
  }
  const at = range.toMs / 1000;
  return (address, vpcId) => {
    const found = holders.get(address);
    const candidates = found?.filter((h) => !vpcId || h.vpcId === vpcId) ?? [];
    const pick = (candidates.length > 0 ? candidates : (found ?? [])).reduce<{ endpoint: InterfaceEndpoint; to: number } | undefined>(
      (best, h) => (best === undefined || h.to >= best.to ? h : best),
      undefined,
    );
    if (pick) return pick.endpoint;
    if (vpcId) {
      const scope = lookup.vpcScope(vpcId);
      return lookup.resolve(address, at, scope, null, undefined);
    }
    return addressEndpoint(lookup, address, at);
  };
}

export function addressLabel(namer: AddressNamer, address: string | undefined): { key: string; label: string; kind: string; name: string } {
  if (!address) return { key: "-", label: "no address", kind: "none", name: "-" };
  const endpoint = namer(address);
  const name = endpointLabel(endpoint);
  return { key: address, label: name === address ? address : `${name} · ${address}`, kind: endpoint.kind, name };
}

export function portLabel(port: string | undefined): { key: string; label: string } {
  if (port === undefined || port === "-") return { key: "-", label: "no port" };
  const name = portName(Number(port), null);
  return { key: port, label: name ? `${port} (${name})` : port };
}

export function protocolLabel(protocol: string | undefined): { key: string; label: string } {
  if (protocol === undefined || protocol === "-") return { key: "-", label: "no protocol" };
  return { key: protocol, label: protocolName(Number(protocol)) };
}
