/**
 * The inventory as plain data: what the import parsers produce, what the loader reads from
 * PostgreSQL, and what the mapping rules and the enrichment lookup consume. Times are
 * milliseconds since the Unix epoch. Pure types; anything may import them.
 */

export interface InventoryAccount {
  id: string;
  name: string | null;
  environment: string | null;
  team: string | null;
}

export interface InventoryVpc {
  id: string;
  accountId: string;
  region: string | null;
  name: string | null;
  cidrBlocks: string[];
  ipv6CidrBlocks: string[];
  isDefault: boolean;
  state: string | null;
  tags: Record<string, string>;
}

export interface InventorySubnet {
  id: string;
  vpcId: string;
  accountId: string;
  region: string;
  availabilityZone: string;
  availabilityZoneId: string | null;
  cidrBlock: string | null;
  ipv6CidrBlocks: string[];
  name: string | null;
  tags: Record<string, string>;
}

export type InterfaceAddressKind = "private_ipv4" | "public_ipv4" | "ipv6" | "ipv4_prefix" | "ipv6_prefix";

export interface SecurityGroupRef {
  id: string;
  name: string;
}

/** A network interface's attributes (as of its latest import). */
export interface InventoryInterface {
  id: string;
  accountId: string;
  region: string;
  vpcId: string;
  subnetId: string | null;
  availabilityZone: string | null;
  interfaceType: string;
  description: string;
  requesterManaged: boolean;
  requesterId: string | null;
  status: string | null;
  macAddress: string | null;
  privateDnsName: string | null;
  privateIp: string | null;
  publicIp: string | null;
  instanceId: string | null;
  instanceOwnerId: string | null;
  attachmentId: string | null;
  attachmentStatus: string | null;
  securityGroups: SecurityGroupRef[];
  tags: Record<string, string>;
}

/** One address an interface holds in an import. */
export interface InventoryAddress {
  address: string;
  kind: InterfaceAddressKind;
  primary: boolean;
}

/** When something was seen: first and last import that listed it, and when one no longer did. */
export interface Validity {
  firstSeen: number;
  lastSeen: number;
  /** Deleted (interface) or removed (address); null while current. */
  endedAt: number | null;
}

export interface InventoryService {
  name: string;
  team: string | null;
  description: string | null;
}

export interface KnownNetwork {
  cidr: string;
  name: string;
  category: string;
}

export interface AwsIpRange {
  prefix: string;
  service: string;
  region: string;
  networkBorderGroup: string | null;
}

/** The region of an Availability Zone name: `eu-west-3a` → `eu-west-3`, `us-east-1-bos-1a` → `us-east-1`. */
export function regionOfAvailabilityZone(zone: string): string | undefined {
  return /^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)/.exec(zone)?.[1];
}

/** Tags as AWS lists them (`[{ Key, Value }]`) as an object. */
export function tagsToObject(tags: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) result[tag.Key] = tag.Value ?? "";
  return result;
}
