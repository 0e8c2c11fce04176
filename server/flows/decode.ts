/**
 * Flow record values in words for people: protocol names (IANA numbers), well-known ports, TCP
 * flags, traffic paths, log status, reject reasons, and the flow's direction.
 */
import type { FlowRecordFields } from "./fields";

/** IANA protocol numbers seen in VPC flow logs, by number. */
export const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [0, "HOPOPT"],
  [1, "ICMP"],
  [2, "IGMP"],
  [4, "IPv4"],
  [6, "TCP"],
  [17, "UDP"],
  [27, "RDP"],
  [41, "IPv6"],
  [43, "IPv6-Route"],
  [44, "IPv6-Frag"],
  [46, "RSVP"],
  [47, "GRE"],
  [50, "ESP"],
  [51, "AH"],
  [58, "IPv6-ICMP"],
  [59, "IPv6-NoNxt"],
  [60, "IPv6-Opts"],
  [88, "EIGRP"],
  [89, "OSPF"],
  [94, "IPIP"],
  [103, "PIM"],
  [112, "VRRP"],
  [115, "L2TP"],
  [132, "SCTP"],
  [136, "UDPLite"],
  [137, "MPLS-in-IP"],
]);

/** `TCP` for 6; `protocol 253` for numbers without a well-known name. */
export function protocolName(protocol: number): string {
  return PROTOCOL_NAMES.get(protocol) ?? `protocol ${protocol}`;
}

type PortProtocol = "tcp" | "udp" | "both";

/** Well-known service ports (IANA registrations and common cloud services). */
const WELL_KNOWN_PORTS: readonly [number, string, PortProtocol][] = [
  [20, "ftp-data", "tcp"],
  [21, "ftp", "tcp"],
  [22, "ssh", "tcp"],
  [23, "telnet", "tcp"],
  [25, "smtp", "tcp"],
  [53, "dns", "both"],
  [67, "dhcp", "udp"],
  [68, "dhcp-client", "udp"],
  [69, "tftp", "udp"],
  [80, "http", "tcp"],
  [88, "kerberos", "both"],
  [110, "pop3", "tcp"],
  [111, "rpcbind", "both"],
  [123, "ntp", "udp"],
  [135, "msrpc", "tcp"],
  [137, "netbios-ns", "udp"],
  [138, "netbios-dgm", "udp"],
  [139, "netbios-ssn", "tcp"],
  [143, "imap", "tcp"],
  [161, "snmp", "udp"],
  [162, "snmptrap", "udp"],
  [179, "bgp", "tcp"],
  [389, "ldap", "both"],
  [443, "https", "tcp"],
  [445, "smb", "tcp"],
  [465, "smtps", "tcp"],
  [500, "isakmp", "udp"],
  [514, "syslog", "udp"],
  [587, "smtp-submission", "tcp"],
  [636, "ldaps", "tcp"],
  [853, "dns-over-tls", "tcp"],
  [873, "rsync", "tcp"],
  [993, "imaps", "tcp"],
  [995, "pop3s", "tcp"],
  [1194, "openvpn", "both"],
  [1433, "mssql", "tcp"],
  [1521, "oracle", "tcp"],
  [1812, "radius", "udp"],
  [2049, "nfs", "both"],
  [2181, "zookeeper", "tcp"],
  [2379, "etcd", "tcp"],
  [2380, "etcd-peer", "tcp"],
  [3000, "grafana", "tcp"],
  [3128, "http-proxy", "tcp"],
  [3306, "mysql", "tcp"],
  [3389, "rdp", "tcp"],
  [4317, "otlp-grpc", "tcp"],
  [4318, "otlp-http", "tcp"],
  [4500, "ipsec-nat-t", "udp"],
  [4789, "vxlan", "udp"],
  [5044, "beats", "tcp"],
  [5353, "mdns", "udp"],
  [5432, "postgresql", "tcp"],
  [5439, "redshift", "tcp"],
  [5671, "amqps", "tcp"],
  [5672, "amqp", "tcp"],
  [6081, "geneve", "udp"],
  [6379, "redis", "tcp"],
  [6443, "kubernetes-api", "tcp"],
  [7001, "cassandra", "tcp"],
  [8080, "http-alt", "tcp"],
  [8125, "statsd", "udp"],
  [8443, "https-alt", "tcp"],
  [8500, "consul", "tcp"],
  [9042, "cassandra-cql", "tcp"],
  [9090, "prometheus", "tcp"],
  [9092, "kafka", "tcp"],
  [9093, "alertmanager", "tcp"],
  [9094, "kafka-tls", "tcp"],
  [9100, "node-exporter", "tcp"],
  [9200, "elasticsearch", "tcp"],
  [9300, "elasticsearch-transport", "tcp"],
  [9418, "git", "tcp"],
  [10250, "kubelet", "tcp"],
  [11211, "memcached", "both"],
  [27017, "mongodb", "tcp"],
];

const TCP_PORTS = new Map<number, string>();
const UDP_PORTS = new Map<number, string>();
for (const [port, name, protocol] of WELL_KNOWN_PORTS) {
  if (protocol !== "udp") TCP_PORTS.set(port, name);
  if (protocol !== "tcp") UDP_PORTS.set(port, name);
}

/** The well-known service on `port` for TCP (6) or UDP (17), e.g. `https` for 443/6; undefined otherwise. */
export function portName(port: number, protocol: number | null): string | undefined {
  if (protocol === 6) return TCP_PORTS.get(port);
  if (protocol === 17) return UDP_PORTS.get(port);
  if (protocol === null) return TCP_PORTS.get(port) ?? UDP_PORTS.get(port);
  return undefined;
}

/**
 * The port that names the service of a flow: the well-known one when exactly one end is
 * well-known, else the lower of the two (ephemeral ports are high). Undefined without ports
 * (ICMP, NODATA records).
 */
export function servicePort(record: Pick<FlowRecordFields, "srcPort" | "dstPort" | "protocol">): number | undefined {
  const { srcPort, dstPort, protocol } = record;
  if (srcPort === null || dstPort === null || (protocol !== 6 && protocol !== 17 && protocol !== 132)) return undefined;
  const srcKnown = portName(srcPort, protocol) !== undefined;
  const dstKnown = portName(dstPort, protocol) !== undefined;
  if (dstKnown && !srcKnown) return dstPort;
  if (srcKnown && !dstKnown) return srcPort;
  return Math.min(srcPort, dstPort);
}

/** TCP flag bits as AWS logs them, in bit order. */
export const TCP_FLAGS: readonly [number, string][] = [
  [1, "FIN"],
  [2, "SYN"],
  [4, "RST"],
  [8, "PSH"],
  [16, "ACK"],
  [32, "URG"],
  [64, "ECE"],
  [128, "CWR"],
];

/** `SYN,ACK` for 18, `FIN,SYN` for 3, `` for 0. */
export function tcpFlagNames(flags: number): string {
  const names: string[] = [];
  for (const [bit, name] of TCP_FLAGS) if ((flags & bit) !== 0) names.push(name);
  return names.join(",");
}

/** The egress traffic-path codes of version 5. */
export const TRAFFIC_PATHS: ReadonlyMap<number, string> = new Map([
  [1, "through another resource in the same VPC"],
  [2, "through an internet gateway or a gateway VPC endpoint"],
  [3, "through a virtual private gateway"],
  [4, "through an intra-region VPC peering connection"],
  [5, "through an inter-region VPC peering connection"],
  [6, "through a local gateway"],
  [7, "through a gateway VPC endpoint (Nitro)"],
  [8, "through an internet gateway (Nitro)"],
]);

export function trafficPathLabel(path: number): string {
  return TRAFFIC_PATHS.get(path) ?? `traffic path ${path}`;
}

export const LOG_STATUS_LABELS: Readonly<Record<string, string>> = {
  OK: "logged normally",
  NODATA: "no traffic to or from the interface during the interval",
  SKIPDATA: "some records were skipped during the interval (capacity limit or error)",
};

export function logStatusLabel(status: string): string {
  return LOG_STATUS_LABELS[status] ?? status;
}

export const ACTION_LABELS: Readonly<Record<string, string>> = {
  ACCEPT: "accepted",
  REJECT: "rejected by a security group or network ACL (or arrived after the connection closed)",
};

export const REJECT_REASON_LABELS: Readonly<Record<string, string>> = {
  BPA: "blocked by VPC Block Public Access",
};

export function rejectReasonLabel(reason: string): string {
  return REJECT_REASON_LABELS[reason] ?? reason;
}

export type FlowDirection = "ingress" | "egress";

/**
 * The flow's direction with respect to the interface that logged it: `flow-direction` when the
 * format has it; otherwise from which side is the interface (its addresses, as the inventory
 * knows them); undefined when neither tells.
 */
export function flowDirectionOf(
  record: Pick<FlowRecordFields, "flowDirection" | "srcAddr" | "dstAddr">,
  isInterfaceAddress?: (address: string) => boolean,
): FlowDirection | undefined {
  if (record.flowDirection !== null) return record.flowDirection;
  if (!isInterfaceAddress) return undefined;
  const fromInterface = record.srcAddr !== null && isInterfaceAddress(record.srcAddr);
  const toInterface = record.dstAddr !== null && isInterfaceAddress(record.dstAddr);
  if (fromInterface && !toInterface) return "egress";
  if (toInterface && !fromInterface) return "ingress";
  return undefined;
}

/** The human reading of a record's coded values, for tables and JSON output. */
export interface DecodedFlow {
  protocol?: string;
  srcPort?: string;
  dstPort?: string;
  service?: string;
  tcpFlags?: string;
  trafficPath?: string;
  logStatus?: string;
  rejectReason?: string;
}

export function decodeFlowRecord(record: FlowRecordFields): DecodedFlow {
  const decoded: DecodedFlow = {};
  if (record.protocol !== null) decoded.protocol = protocolName(record.protocol);
  if (record.srcPort !== null) decoded.srcPort = portName(record.srcPort, record.protocol);
  if (record.dstPort !== null) decoded.dstPort = portName(record.dstPort, record.protocol);
  const port = servicePort(record);
  if (port !== undefined) decoded.service = portName(port, record.protocol) ?? `${decoded.protocol}/${port}`;
  if (record.tcpFlags !== null) decoded.tcpFlags = tcpFlagNames(record.tcpFlags);
  if (record.trafficPath !== null) decoded.trafficPath = trafficPathLabel(record.trafficPath);
  if (record.logStatus !== null) decoded.logStatus = logStatusLabel(record.logStatus);
  if (record.rejectReason !== null) decoded.rejectReason = rejectReasonLabel(record.rejectReason);
  for (const key of Object.keys(decoded) as (keyof DecodedFlow)[]) if (decoded[key] === undefined) delete decoded[key];
  return decoded;
}
