/**
 * Every field an AWS VPC flow log record can carry (record versions 2 to 8), with its type, the
 * version that introduced it, the FlowRecord property it fills, the LogQL label name flowlens
 * extracts it to, and what it means. Source: AWS's "Flow log records" documentation.
 */

/** How a field's text is read: a decimal number, one of a few words, or text (ids, addresses, ARNs). */
export type FlowFieldKind = "number" | "text" | "address" | "enum";

export interface FlowFieldSpec {
  /** The name AWS uses in formats and header lines, e.g. `account-id`. */
  name: string;
  /** The FlowRecord property, e.g. `accountId`. */
  property: keyof FlowRecordFields;
  /** The LogQL label name (a valid identifier), e.g. `account_id`. */
  label: string;
  /** The record version that introduced the field. */
  version: 2 | 3 | 4 | 5 | 7 | 8;
  kind: FlowFieldKind;
  /** For `enum` fields: every value AWS writes. */
  values?: readonly string[];
  description: string;
}

/** The values of one flow record; `null` when the field is not in the format or was logged as `-`. */
export interface FlowRecordFields {
  version: number | null;
  accountId: string | null;
  interfaceId: string | null;
  srcAddr: string | null;
  dstAddr: string | null;
  srcPort: number | null;
  dstPort: number | null;
  protocol: number | null;
  packets: number | null;
  bytes: number | null;
  /** Start of the aggregation window, Unix seconds. */
  start: number | null;
  /** End of the aggregation window, Unix seconds. */
  end: number | null;
  action: "ACCEPT" | "REJECT" | null;
  logStatus: "OK" | "NODATA" | "SKIPDATA" | null;
  vpcId: string | null;
  subnetId: string | null;
  instanceId: string | null;
  tcpFlags: number | null;
  type: "IPv4" | "IPv6" | "EFA" | null;
  pktSrcAddr: string | null;
  pktDstAddr: string | null;
  region: string | null;
  azId: string | null;
  sublocationType: "wavelength" | "outpost" | "localzone" | null;
  sublocationId: string | null;
  pktSrcAwsService: string | null;
  pktDstAwsService: string | null;
  flowDirection: "ingress" | "egress" | null;
  trafficPath: number | null;
  ecsClusterArn: string | null;
  ecsClusterName: string | null;
  ecsContainerInstanceArn: string | null;
  ecsContainerInstanceId: string | null;
  ecsContainerId: string | null;
  ecsSecondContainerId: string | null;
  ecsServiceName: string | null;
  ecsTaskDefinitionArn: string | null;
  ecsTaskArn: string | null;
  ecsTaskId: string | null;
  rejectReason: string | null;
}

const field = (
  name: string,
  property: keyof FlowRecordFields,
  version: FlowFieldSpec["version"],
  kind: FlowFieldKind,
  description: string,
  values?: readonly string[],
): FlowFieldSpec => ({ name, property, label: name.replace(/-/g, "_"), version, kind, description, values });

/** All fields, in AWS's documentation order (which is also the order of the default format's fields). */
export const FLOW_FIELDS: readonly FlowFieldSpec[] = [
  field("version", "version", 2, "number", "The flow log version: 2 for the default format; for a custom format, the highest version among its fields."),
  field("account-id", "accountId", 2, "text", "The AWS account ID of the owner of the source network interface for which traffic is recorded."),
  field("interface-id", "interfaceId", 2, "text", "The ID of the network interface for which the traffic is recorded."),
  field("srcaddr", "srcAddr", 2, "address", "For incoming traffic, the source address; for outgoing traffic, the IPv4 or IPv6 address of the network interface (its primary private address unless the packet used a secondary one)."),
  field("dstaddr", "dstAddr", 2, "address", "For outgoing traffic, the destination address; for incoming traffic, the IPv4 or IPv6 address of the network interface."),
  field("srcport", "srcPort", 2, "number", "The source port of the traffic."),
  field("dstport", "dstPort", 2, "number", "The destination port of the traffic."),
  field("protocol", "protocol", 2, "number", "The IANA protocol number of the traffic (6 TCP, 17 UDP, 1 ICMP …)."),
  field("packets", "packets", 2, "number", "The number of packets transferred during the flow."),
  field("bytes", "bytes", 2, "number", "The number of bytes transferred during the flow."),
  field("start", "start", 2, "number", "The time, in Unix seconds, when the first packet of the flow was received within the aggregation interval."),
  field("end", "end", 2, "number", "The time, in Unix seconds, when the last packet of the flow was received within the aggregation interval."),
  field("action", "action", 2, "enum", "ACCEPT: the traffic was accepted. REJECT: a security group or network ACL denied it, or it arrived after the connection closed.", ["ACCEPT", "REJECT"]),
  field("log-status", "logStatus", 2, "enum", "OK: data is logging normally. NODATA: no traffic to or from the interface during the interval. SKIPDATA: some records were skipped during the interval.", ["OK", "NODATA", "SKIPDATA"]),
  field("vpc-id", "vpcId", 3, "text", "The ID of the VPC that contains the network interface."),
  field("subnet-id", "subnetId", 3, "text", "The ID of the subnet that contains the network interface."),
  field("instance-id", "instanceId", 3, "text", "The ID of the instance associated with the network interface, if the instance is owned by you."),
  field("tcp-flags", "tcpFlags", 3, "number", "The bitwise OR of the TCP flags seen during the interval: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32 (SYN-ACK is 18)."),
  field("type", "type", 3, "enum", "The type of traffic: IPv4, IPv6 or EFA.", ["IPv4", "IPv6", "EFA"]),
  field("pkt-srcaddr", "pktSrcAddr", 3, "address", "The packet-level (original) source address of the traffic, e.g. behind a NAT gateway or for an EKS pod."),
  field("pkt-dstaddr", "pktDstAddr", 3, "address", "The packet-level (original) destination address of the traffic."),
  field("region", "region", 4, "text", "The Region that contains the network interface."),
  field("az-id", "azId", 4, "text", "The ID of the Availability Zone that contains the network interface (e.g. use1-az4)."),
  field("sublocation-type", "sublocationType", 4, "enum", "The type of sublocation: wavelength, outpost or localzone.", ["wavelength", "outpost", "localzone"]),
  field("sublocation-id", "sublocationId", 4, "text", "The ID of the sublocation (Wavelength zone, Outpost or Local Zone)."),
  field("pkt-src-aws-service", "pktSrcAwsService", 5, "text", "The AWS service the pkt-srcaddr belongs to, when it is in an AWS public range (S3, DYNAMODB, EC2, AMAZON, ROUTE53, CLOUDFRONT …)."),
  field("pkt-dst-aws-service", "pktDstAwsService", 5, "text", "The AWS service the pkt-dstaddr belongs to, when it is in an AWS public range."),
  field("flow-direction", "flowDirection", 5, "enum", "The direction of the flow with respect to the interface: ingress or egress.", ["ingress", "egress"]),
  field("traffic-path", "trafficPath", 5, "number", "For egress traffic, the path it took to its destination (1 same VPC … 8 internet gateway, Nitro)."),
  field("ecs-cluster-arn", "ecsClusterArn", 7, "text", "The ARN of the ECS cluster, when the traffic is from a running ECS task."),
  field("ecs-cluster-name", "ecsClusterName", 7, "text", "The name of the ECS cluster."),
  field("ecs-container-instance-arn", "ecsContainerInstanceArn", 7, "text", "The ARN of the ECS container instance (EC2 launch type)."),
  field("ecs-container-instance-id", "ecsContainerInstanceId", 7, "text", "The ID of the ECS container instance (EC2 launch type)."),
  field("ecs-container-id", "ecsContainerId", 7, "text", "The Docker runtime ID of the task's container."),
  field("ecs-second-container-id", "ecsSecondContainerId", 7, "text", "The Docker runtime ID of the task's second container."),
  field("ecs-service-name", "ecsServiceName", 7, "text", "The name of the ECS service the task belongs to."),
  field("ecs-task-definition-arn", "ecsTaskDefinitionArn", 7, "text", "The ARN of the ECS task definition."),
  field("ecs-task-arn", "ecsTaskArn", 7, "text", "The ARN of the ECS task."),
  field("ecs-task-id", "ecsTaskId", 7, "text", "The ID of the ECS task."),
  field("reject-reason", "rejectReason", 8, "text", "Why the traffic was rejected, when AWS knows a reason beyond security groups and ACLs (BPA: VPC Block Public Access)."),
];

/** The AWS field names, e.g. `account-id`. */
export type FlowFieldName = string;

const byName = new Map(FLOW_FIELDS.map((spec) => [spec.name, spec]));

/** The field called `name` in AWS formats (`account-id`), or undefined. */
export function flowField(name: string): FlowFieldSpec | undefined {
  return byName.get(name);
}

/** The field by its FlowRecord property name (`accountId`). */
export function flowFieldByProperty(property: keyof FlowRecordFields): FlowFieldSpec {
  const spec = FLOW_FIELDS.find((f) => f.property === property);
  if (!spec) throw new Error(`no flow log field for property ${property}`);
  return spec;
}

/** The 14 fields of the default format (version 2), in order. */
export const DEFAULT_FORMAT_FIELDS: readonly string[] = [
  "version",
  "account-id",
  "interface-id",
  "srcaddr",
  "dstaddr",
  "srcport",
  "dstport",
  "protocol",
  "packets",
  "bytes",
  "start",
  "end",
  "action",
  "log-status",
];
