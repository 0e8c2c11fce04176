/**
 * Builds InventorySnapshots by hand, for unit tests and the benchmark: an interface is a few
 * fields, the rest filled with what describe-network-interfaces would say for a plain ENI.
 */
import type { InventoryAddress, Validity } from "../inventory/model";
import type { InventorySnapshot, SnapshotInterface } from "./lookup";

export const T0 = Date.UTC(2026, 10, 1);

export function emptySnapshot(): InventorySnapshot {
  return { version: 1, accounts: [], vpcs: [], subnets: [], interfaces: [], services: [], knownNetworks: [], awsRanges: [], rules: [] };
}

export function address(text: string, options: Partial<InventoryAddress & Validity> = {}): InventoryAddress & Validity {
  const kind = options.kind ?? (text.includes("/") ? (text.includes(":") ? "ipv6_prefix" : "ipv4_prefix") : text.includes(":") ? "ipv6" : "private_ipv4");
  return { address: text, kind, primary: false, firstSeen: T0, lastSeen: T0, endedAt: null, ...options };
}

export function networkInterface(
  fields: Partial<SnapshotInterface> & Pick<SnapshotInterface, "id" | "vpcId">,
  addresses: (InventoryAddress & Validity)[] = [],
): SnapshotInterface {
  const primary = addresses.find((a) => a.kind === "private_ipv4");
  return {
    accountId: "111111111111",
    region: "eu-west-3",
    subnetId: null,
    availabilityZone: "eu-west-3a",
    interfaceType: "interface",
    description: "",
    requesterManaged: false,
    requesterId: null,
    status: "in-use",
    macAddress: null,
    privateDnsName: null,
    privateIp: primary?.address ?? null,
    publicIp: addresses.find((a) => a.kind === "public_ipv4")?.address ?? null,
    instanceId: null,
    instanceOwnerId: null,
    attachmentId: null,
    attachmentStatus: null,
    securityGroups: [],
    tags: {},
    firstSeen: T0,
    lastSeen: T0,
    endedAt: null,
    ...fields,
    addresses: addresses.map((a, i) => (i === 0 && a.kind === "private_ipv4" ? { ...a, primary: true } : a)),
  };
}
