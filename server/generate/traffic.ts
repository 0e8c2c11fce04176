/**
 * The traffic model: who talks to whom (edges), how much and when (a daily and weekly rhythm in
 * each VPC's local time), and the incidents. `trafficInWindow` turns one 10-minute window into
 * conversations and each conversation into the flow log records every interface on its path
 * writes: both ends of an intra-VPC or peered call, the NAT gateway's interface on both of its
 * sides, interface endpoints; gateway endpoints and the internet gateway have no interface.
 */
import {
  type AwsRegion,
  type AwsService,
  EXFIL_DESTINATION,
  SCANNER_SOURCES,
  addressIn,
  awsServiceCidrs,
  awsServiceOf,
  ipToInt,
  knownNetworkCidr,
  visitorAddress,
} from "./addresses";
import { type Incident, type IncidentPlan, SCAN_SOURCE, planIncidents } from "./incidents";
import {
  type Instance,
  type InterfaceEndpointService,
  type NetworkInterface,
  type Organisation,
  type Vpc,
  type Workload,
  generationAt,
} from "./organisation";
import { Random } from "./random";
import { DAY, WINDOW, hourOfDay, weekday } from "./time";
import type { FlowRecordFields } from "../flows";

export type Peer =
  | { kind: "workload"; key: string }
  | { kind: "aws"; service: "S3" | "DYNAMODB" | "AMAZON"; endpoint?: InterfaceEndpointService; region?: AwsRegion }
  | { kind: "known"; name: string }
  | { kind: "visitors" }
  | { kind: "scanners" }
  | { kind: "address"; ip: string }
  | { kind: "office" };

export type Rhythm = "consumer" | "office" | "flat" | "nightly" | "hourly" | "deploys" | "incident";

export interface Edge {
  id: string;
  /** The VPC whose clock and intensity drive the edge. */
  vpc: Vpc;
  from: Peer;
  to: Peer;
  ports: readonly number[];
  protocol: 6 | 17;
  /** Conversations per 10-minute window at the rhythm's peak, at scale 1. */
  rate: number;
  rhythm: Rhythm;
  /** Median bytes and log-normal shape of the request and the response. */
  request: readonly [number, number];
  response: readonly [number, number];
  /** Median duration in seconds and its shape. */
  duration?: readonly [number, number];
  /** Long-lived connections per client instance (a pool), present in every window. */
  persistent?: number;
  /** With `persistent`: one pool per (client, server) pair, e.g. a Prometheus scraping every node. */
  fanout?: boolean;
  /** Always rejected by the server's security group. */
  reject?: boolean;
  /** Only active during this incident. */
  incident?: Incident;
}

/**
 * One flow log record as server/flows models it (FlowRecordFields), plus the interface that logs
 * it. Traffic fields are absent in NODATA/SKIPDATA records; the interface's own fields (account,
 * VPC, subnet, AZ…) are filled when the record is pushed.
 */
export interface GeneratedRecord extends Partial<Omit<FlowRecordFields, "pktSrcAwsService" | "pktDstAwsService">> {
  eni: NetworkInterface;
  start: number;
  end: number;
  logStatus: "OK" | "NODATA" | "SKIPDATA";
  pktSrcAwsService?: AwsService;
  pktDstAwsService?: AwsService;
}

export interface TrafficOptions {
  /** Traffic multiplier (conversations per window). */
  scale: number;
  /** End of the generated period (Unix seconds): incidents are placed relative to it. */
  anchor: number;
  /** Length of the generated period in days. */
  days: number;
}

export interface TrafficModel {
  org: Organisation;
  options: TrafficOptions;
  edges: Edge[];
  incidents: IncidentPlan;
}

const SCAN_PORTS = [21, 22, 23, 25, 110, 135, 139, 445, 1433, 1521, 2375, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200, 11211, 27017];

/** Hourly shape (0–23, local time) of each rhythm; weekends scale it by the second number. */
const SHAPES: Record<"consumer" | "office" | "flat" | "nightly", { hours: number[]; weekend: number }> = {
  consumer: {
    hours: [0.35, 0.25, 0.18, 0.15, 0.15, 0.2, 0.3, 0.45, 0.6, 0.7, 0.78, 0.85, 0.95, 0.9, 0.85, 0.85, 0.88, 0.92, 1, 1, 0.95, 0.85, 0.65, 0.5],
    weekend: 1.1,
  },
  office: {
    hours: [0.04, 0.03, 0.03, 0.03, 0.03, 0.05, 0.12, 0.35, 0.75, 1, 1, 0.95, 0.7, 0.9, 1, 1, 0.95, 0.75, 0.4, 0.2, 0.12, 0.08, 0.06, 0.05],
    weekend: 0.12,
  },
  flat: { hours: new Array(24).fill(1) as number[], weekend: 1 },
  nightly: {
    hours: [0.05, 1, 1, 0.8, 0.1, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02],
    weekend: 1,
  },
};

/** The rhythm's multiplier at time t for a VPC `utcOffset` hours east of UTC. */
export function rhythmAt(rhythm: Rhythm, t: number, utcOffset: number): number {
  if (rhythm === "deploys" || rhythm === "incident") return 1;
  if (rhythm === "hourly") {
    const minute = (hourOfDay(t, utcOffset) % 1) * 60;
    return minute < 10 ? 1 : 0.03;
  }
  const shape = SHAPES[rhythm];
  const h = hourOfDay(t, utcOffset);
  const i = Math.floor(h);
  const frac = h - i;
  const a = shape.hours[i % 24] as number;
  const b = shape.hours[(i + 1) % 24] as number;
  const dow = weekday(t, utcOffset);
  const weekendFactor = dow === 0 || dow === 6 ? shape.weekend : 1;
  return (a + (b - a) * frac) * weekendFactor;
}

// ─── Edges ──────────────────────────────────────────────────────────────────────────────────

const KB = 1024;
const MB = 1024 * 1024;

interface EdgeInput extends Omit<Edge, "id" | "vpc"> {
  name: string;
}

function productEdges(v: string, env: "prod" | "staging"): EdgeInput[] {
  const w = (name: string): Peer => ({ kind: "workload", key: `${v}/${name}` });
  const edges: EdgeInput[] = [
    { name: "visitors→alb:443", from: { kind: "visitors" }, to: w("alb"), ports: [443], protocol: 6, rate: 60, rhythm: "consumer", request: [2 * KB, 1], response: [40 * KB, 1.2], duration: [4, 1] },
    { name: "visitors→alb:80", from: { kind: "visitors" }, to: w("alb"), ports: [80], protocol: 6, rate: 5, rhythm: "consumer", request: [500, 0.3], response: [400, 0.3], duration: [0.5, 0.5] },
    { name: "alb→web-frontend", from: w("alb"), to: w("web-frontend"), ports: [8080], protocol: 6, rate: 70, rhythm: "consumer", request: [1.5 * KB, 0.8], response: [35 * KB, 1.1], duration: [3, 1] },
    { name: "web-frontend→checkout", from: w("web-frontend"), to: w("checkout"), ports: [8080], protocol: 6, rate: 22, rhythm: "consumer", request: [3 * KB, 0.6], response: [5 * KB, 0.8] },
    { name: "web-frontend→catalog", from: w("web-frontend"), to: w("catalog"), ports: [8080], protocol: 6, rate: 35, rhythm: "consumer", request: [1 * KB, 0.5], response: [20 * KB, 1] },
    { name: "web-frontend→sessions", from: w("web-frontend"), to: w("sessions"), ports: [6379], protocol: 6, rate: 0, persistent: 1, rhythm: "consumer", request: [200 * KB, 0.5], response: [600 * KB, 0.5] },
    { name: "checkout→payments-api", from: w("checkout"), to: w("payments-api"), ports: [8443], protocol: 6, rate: 12, rhythm: "consumer", request: [4 * KB, 0.5], response: [2 * KB, 0.5] },
    { name: "checkout→orders-db", from: w("checkout"), to: w("orders-db"), ports: [5432], protocol: 6, rate: 0, persistent: 1, rhythm: "consumer", request: [300 * KB, 0.6], response: [900 * KB, 0.6] },
    { name: "checkout→sessions", from: w("checkout"), to: w("sessions"), ports: [6379], protocol: 6, rate: 12, rhythm: "consumer", request: [600, 0.4], response: [1.5 * KB, 0.6], duration: [0.2, 0.5] },
    { name: "payments-api→ledger", from: w("payments-api"), to: w("ledger"), ports: [5432], protocol: 6, rate: 0, persistent: 2, rhythm: "consumer", request: [150 * KB, 0.5], response: [400 * KB, 0.6] },
    { name: "payments-api→fraud-scoring", from: w("payments-api"), to: w("fraud-scoring"), ports: [9000], protocol: 6, rate: 12, rhythm: "consumer", request: [3 * KB, 0.5], response: [1 * KB, 0.4] },
    { name: "payments-api→stripe", from: w("payments-api"), to: { kind: "known", name: "Stripe" }, ports: [443], protocol: 6, rate: 10, rhythm: "consumer", request: [3 * KB, 0.5], response: [6 * KB, 0.5], duration: [1.5, 0.6] },
    { name: "payments-api→sts", from: w("payments-api"), to: { kind: "aws", service: "AMAZON", endpoint: "sts" }, ports: [443], protocol: 6, rate: 1, rhythm: "flat", request: [2 * KB, 0.3], response: [4 * KB, 0.3] },
    { name: "fraud-scoring→dynamodb", from: w("fraud-scoring"), to: { kind: "aws", service: "DYNAMODB" }, ports: [443], protocol: 6, rate: 18, rhythm: "consumer", request: [2 * KB, 0.6], response: [8 * KB, 0.8] },
    { name: "catalog→s3", from: w("catalog"), to: { kind: "aws", service: "S3" }, ports: [443], protocol: 6, rate: 14, rhythm: "consumer", request: [1 * KB, 0.4], response: [400 * KB, 1.3], duration: [3, 1] },
    { name: "notifications→sendgrid", from: w("notifications"), to: { kind: "known", name: "SendGrid" }, ports: [443], protocol: 6, rate: 6, rhythm: "office", request: [20 * KB, 0.8], response: [2 * KB, 0.3] },
    { name: "notifications→sqs", from: w("notifications"), to: { kind: "aws", service: "AMAZON" }, ports: [443], protocol: 6, rate: 6, rhythm: "flat", request: [2 * KB, 0.5], response: [3 * KB, 0.5] },
    { name: "reporting→s3", from: w("reporting"), to: { kind: "aws", service: "S3" }, ports: [443], protocol: 6, rate: 16, rhythm: "nightly", request: [5 * MB, 1], response: [20 * KB, 0.5], duration: [20, 0.8] },
    { name: "reporting→acme-bank-sftp", from: w("reporting"), to: { kind: "known", name: "Acme Bank SFTP" }, ports: [22], protocol: 6, rate: 2, rhythm: "nightly", request: [50 * MB, 0.7], response: [100 * KB, 0.5], duration: [60, 0.5] },
    { name: "nodes→control-plane", from: w("eks-nodes"), to: w("eks-control-plane"), ports: [443], protocol: 6, rate: 0, persistent: 1, rhythm: "flat", request: [50 * KB, 0.4], response: [200 * KB, 0.5] },
    { name: "control-plane→kubelet", from: w("eks-control-plane"), to: w("eks-nodes"), ports: [10250], protocol: 6, rate: 4, rhythm: "flat", request: [2 * KB, 0.4], response: [20 * KB, 0.8] },
    { name: "web-frontend→coredns", from: w("web-frontend"), to: w("coredns"), ports: [53], protocol: 17, rate: 20, rhythm: "consumer", request: [80, 0.2], response: [160, 0.3], duration: [0.05, 0.3] },
    { name: "checkout→coredns", from: w("checkout"), to: w("coredns"), ports: [53], protocol: 17, rate: 10, rhythm: "consumer", request: [80, 0.2], response: [160, 0.3], duration: [0.05, 0.3] },
    { name: "nodes→ecr-api", from: w("eks-nodes"), to: { kind: "aws", service: "AMAZON", endpoint: "ecr.api" }, ports: [443], protocol: 6, rate: 1.5, rhythm: "deploys", request: [20 * KB, 0.3], response: [10 * KB, 0.3] },
    { name: "nodes→ecr-dkr", from: w("eks-nodes"), to: { kind: "aws", service: "AMAZON", endpoint: "ecr.dkr" }, ports: [443], protocol: 6, rate: 2, rhythm: "deploys", request: [30 * KB, 0.3], response: [50 * KB, 0.4] },
    { name: "nodes→s3-image-layers", from: w("eks-nodes"), to: { kind: "aws", service: "S3" }, ports: [443], protocol: 6, rate: 4, rhythm: "deploys", request: [10 * KB, 0.3], response: [60 * MB, 0.8], duration: [15, 0.5] },
    { name: "invoice-pdf→s3", from: w("invoice-pdf"), to: { kind: "aws", service: "S3" }, ports: [443], protocol: 6, rate: 6, rhythm: "office", request: [300 * KB, 0.8], response: [5 * KB, 0.3] },
    { name: "invoice-pdf→ledger", from: w("invoice-pdf"), to: w("ledger"), ports: [5432], protocol: 6, rate: 4, rhythm: "office", request: [5 * KB, 0.5], response: [40 * KB, 0.8] },
    { name: "scanners→alb", from: { kind: "scanners" }, to: w("alb"), ports: SCAN_PORTS, protocol: 6, rate: 8, rhythm: "flat", request: [60, 0.2], response: [0, 0], reject: true },
  ];
  for (const service of ["web-frontend", "checkout", "catalog", "payments-api", "fraud-scoring", "notifications", "reporting"]) {
    edges.push({ name: `${service}→datadog`, from: w(service), to: { kind: "known", name: "Datadog" }, ports: [443], protocol: 6, rate: 1.5, rhythm: "flat", request: [60 * KB, 0.6], response: [2 * KB, 0.3] });
  }
  edges.push({ name: "nodes→datadog", from: w("eks-nodes"), to: { kind: "known", name: "Datadog" }, ports: [443], protocol: 6, rate: 6, rhythm: "flat", request: [200 * KB, 0.5], response: [3 * KB, 0.3] });
  if (env === "prod") {
    edges.push(
      { name: "notifications→ledger (denied)", from: w("notifications"), to: w("ledger"), ports: [5432], protocol: 6, rate: 0.6, rhythm: "flat", request: [60, 0.2], response: [0, 0], reject: true },
      { name: "ledger→s3-backup-eu-west-1", from: w("ledger"), to: { kind: "aws", service: "S3", region: "eu-west-1" }, ports: [443], protocol: 6, rate: 12, rhythm: "nightly", request: [150 * MB, 0.6], response: [30 * KB, 0.4], duration: [90, 0.4] },
    );
  }
  return edges;
}

function vpcEdges(v: Vpc): EdgeInput[] {
  const w = (name: string, vpcKey = v.key): Peer => ({ kind: "workload", key: `${vpcKey}/${name}` });
  switch (v.key) {
    case "prod-core":
      return productEdges(v.key, "prod");
    case "staging-core":
      return productEdges(v.key, "staging");
    case "prod-edge-us":
      return [
        { name: "visitors→alb:443", from: { kind: "visitors" }, to: w("alb"), ports: [443], protocol: 6, rate: 40, rhythm: "consumer", request: [2 * KB, 1], response: [30 * KB, 1.2], duration: [3, 1] },
        { name: "alb→edge-api", from: w("alb"), to: w("edge-api"), ports: [8080], protocol: 6, rate: 40, rhythm: "consumer", request: [1.5 * KB, 0.8], response: [28 * KB, 1.1], duration: [2, 1] },
        { name: "edge-api→payments-api", from: w("edge-api"), to: w("payments-api", "prod-core"), ports: [8443], protocol: 6, rate: 6, rhythm: "consumer", request: [4 * KB, 0.5], response: [2 * KB, 0.5] },
        { name: "edge-api→catalog", from: w("edge-api"), to: w("catalog", "prod-core"), ports: [8080], protocol: 6, rate: 10, rhythm: "consumer", request: [1 * KB, 0.5], response: [20 * KB, 1] },
        { name: "edge-api→s3", from: w("edge-api"), to: { kind: "aws", service: "S3" }, ports: [443], protocol: 6, rate: 10, rhythm: "consumer", request: [1 * KB, 0.4], response: [2 * MB, 1], duration: [4, 0.8] },
        { name: "edge-api→ecr", from: w("edge-api"), to: { kind: "aws", service: "AMAZON", endpoint: "ecr.dkr" }, ports: [443], protocol: 6, rate: 0.4, rhythm: "office", request: [30 * KB, 0.3], response: [50 * KB, 0.3] },
        { name: "edge-api→s3-image-layers", from: w("edge-api"), to: { kind: "aws", service: "S3" }, ports: [443], protocol: 6, rate: 0.6, rhythm: "office", request: [10 * KB, 0.3], response: [80 * MB, 0.6], duration: [15, 0.5] },
        { name: "edge-api→datadog", from: w("edge-api"), to: { kind: "known", name: "Datadog" }, ports: [443], protocol: 6, rate: 3, rhythm: "flat", request: [80 * KB, 0.5], response: [2 * KB, 0.3] },
        { name: "scanners→alb", from: { kind: "scanners" }, to: w("alb"), ports: SCAN_PORTS, protocol: 6, rate: 5, rhythm: "flat", request: [60, 0.2], response: [0, 0], reject: true },
      ];
    case "shared-services":
      return [
        { name: "office→bastion", from: { kind: "office" }, to: w("bastion"), ports: [22], protocol: 6, rate: 4, rhythm: "office", request: [50 * KB, 1], response: [500 * KB, 1.2], duration: [120, 1] },
        { name: "scanners→bastion", from: { kind: "scanners" }, to: w("bastion"), ports: [22, 22, 22, 3389, 23, 445, 5900, 2222], protocol: 6, rate: 10, rhythm: "flat", request: [60, 0.2], response: [0, 0], reject: true },
        { name: "bastion→ledger", from: w("bastion"), to: w("ledger", "prod-core"), ports: [22], protocol: 6, rate: 1, rhythm: "office", request: [20 * KB, 1], response: [200 * KB, 1.2], duration: [90, 1] },
        { name: "bastion→prod-nodes", from: w("bastion"), to: w("eks-nodes", "prod-core"), ports: [22], protocol: 6, rate: 0.5, rhythm: "office", request: [20 * KB, 1], response: [150 * KB, 1.2], duration: [90, 1] },
        { name: "prometheus→prod-nodes", from: w("prometheus"), to: w("eks-nodes", "prod-core"), ports: [9100], protocol: 6, rate: 0, persistent: 1, fanout: true, rhythm: "flat", request: [40 * KB, 0.2], response: [1.2 * MB, 0.3] },
        { name: "prometheus→staging-nodes", from: w("prometheus"), to: w("eks-nodes", "staging-core"), ports: [9100], protocol: 6, rate: 0, persistent: 1, fanout: true, rhythm: "flat", request: [40 * KB, 0.2], response: [1 * MB, 0.3] },
        { name: "grafana→prometheus", from: w("grafana"), to: w("prometheus"), ports: [9090], protocol: 6, rate: 10, rhythm: "office", request: [2 * KB, 0.4], response: [200 * KB, 1] },
        { name: "ci-runner→github", from: w("ci-runner"), to: { kind: "known", name: "GitHub" }, ports: [443], protocol: 6, rate: 8, rhythm: "office", request: [5 * KB, 0.5], response: [30 * MB, 1.2], duration: [10, 0.8] },
        { name: "ci-runner-burst→github", from: w("ci-runner-burst"), to: { kind: "known", name: "GitHub" }, ports: [443], protocol: 6, rate: 14, rhythm: "office", request: [5 * KB, 0.5], response: [30 * MB, 1.2], duration: [10, 0.8] },
        { name: "ci-runner→ecr", from: w("ci-runner"), to: { kind: "aws", service: "AMAZON", endpoint: "ecr.api" }, ports: [443], protocol: 6, rate: 6, rhythm: "office", request: [50 * KB, 0.5], response: [5 * KB, 0.3] },
        { name: "ci-runner-burst→ecr", from: w("ci-runner-burst"), to: { kind: "aws", service: "AMAZON", endpoint: "ecr.dkr" }, ports: [443], protocol: 6, rate: 10, rhythm: "office", request: [50 * KB, 0.5], response: [5 * KB, 0.3] },
        { name: "ci-runner-burst→s3-image-layers", from: w("ci-runner-burst"), to: { kind: "aws", service: "S3" }, ports: [443], protocol: 6, rate: 6, rhythm: "office", request: [80 * MB, 0.7], response: [10 * KB, 0.3], duration: [20, 0.5] },
        { name: "grafana→datadog", from: w("grafana"), to: { kind: "known", name: "Datadog" }, ports: [443], protocol: 6, rate: 1, rhythm: "flat", request: [30 * KB, 0.5], response: [2 * KB, 0.3] },
        { name: "bastion→github", from: w("bastion"), to: { kind: "known", name: "GitHub" }, ports: [443], protocol: 6, rate: 0.5, rhythm: "office", request: [5 * KB, 0.5], response: [2 * MB, 1] },
      ];
    case "data-lake":
      return [
        { name: "etl-runner→s3", from: w("etl-runner"), to: { kind: "aws", service: "S3" }, ports: [443], protocol: 6, rate: 30, rhythm: "nightly", request: [2 * KB, 0.4], response: [150 * MB, 0.8], duration: [40, 0.6] },
        { name: "etl-runner→dynamodb", from: w("etl-runner"), to: { kind: "aws", service: "DYNAMODB" }, ports: [443], protocol: 6, rate: 8, rhythm: "nightly", request: [4 * KB, 0.5], response: [2 * MB, 0.8] },
        { name: "etl-runner→ledger", from: w("etl-runner"), to: w("ledger", "prod-core"), ports: [5432], protocol: 6, rate: 3, rhythm: "nightly", request: [10 * KB, 0.5], response: [200 * MB, 0.6], duration: [120, 0.5] },
        { name: "warehouse-loader→s3", from: w("warehouse-loader"), to: { kind: "aws", service: "S3" }, ports: [443], protocol: 6, rate: 10, rhythm: "hourly", request: [20 * MB, 0.8], response: [10 * KB, 0.3] },
        { name: "etl-runner→datadog", from: w("etl-runner"), to: { kind: "known", name: "Datadog" }, ports: [443], protocol: 6, rate: 2, rhythm: "flat", request: [60 * KB, 0.5], response: [2 * KB, 0.3] },
      ];
    case "sandbox":
      return [
        { name: "dev-box→github", from: w("dev-box"), to: { kind: "known", name: "GitHub" }, ports: [443, 22], protocol: 6, rate: 5, rhythm: "office", request: [10 * KB, 0.8], response: [8 * MB, 1.3] },
        { name: "dev-box→s3", from: w("dev-box"), to: { kind: "aws", service: "S3" }, ports: [443], protocol: 6, rate: 4, rhythm: "office", request: [1 * MB, 1.2], response: [3 * MB, 1.2] },
        { name: "scanners→dev-box", from: { kind: "scanners" }, to: w("dev-box"), ports: SCAN_PORTS, protocol: 6, rate: 12, rhythm: "flat", request: [60, 0.2], response: [0, 0], reject: true },
      ];
    default:
      return [
        { name: "app→s3", from: w("app"), to: { kind: "aws", service: "S3" }, ports: [443], protocol: 6, rate: 6, rhythm: "office", request: [20 * KB, 0.8], response: [2 * MB, 1] },
        { name: "app→datadog", from: w("app"), to: { kind: "known", name: "Datadog" }, ports: [443], protocol: 6, rate: 2, rhythm: "flat", request: [60 * KB, 0.5], response: [2 * KB, 0.3] },
      ];
  }
}

function incidentEdges(org: Organisation, plan: IncidentPlan): Edge[] {
  const edges: Edge[] = [];
  const prod = org.vpcByKey.get("prod-core");
  if (!prod) return edges;
  edges.push({
    id: "prod-core:reporting→exfil (incident)",
    vpc: prod,
    from: { kind: "workload", key: "prod-core/reporting" },
    to: { kind: "address", ip: EXFIL_DESTINATION },
    ports: [443],
    protocol: 6,
    rate: 8,
    rhythm: "incident",
    request: [330 * MB, 0.25],
    response: [400 * KB, 0.3],
    duration: [420, 0.15],
    incident: plan.egressSpike,
  });
  const scanTargets = ["prod-core/alb", "shared-services/bastion", "prod-edge-us/alb"].filter((k) => org.workloadByKey.has(k));
  for (const target of scanTargets) {
    edges.push({
      id: `${target}:port-scan (incident)`,
      vpc: prod,
      from: { kind: "address", ip: SCAN_SOURCE },
      to: { kind: "workload", key: target },
      ports: Array.from({ length: 1024 }, (_, i) => i + 1).filter((p) => p !== 80 && p !== 443),
      protocol: 6,
      rate: target === "prod-core/alb" ? 240 : 80,
      rhythm: "incident",
      request: [44, 0.1],
      response: [0, 0],
      reject: true,
      incident: plan.portScan,
    });
  }
  return edges;
}

export function buildTrafficModel(org: Organisation, options: TrafficOptions): TrafficModel {
  const incidents = planIncidents(options.anchor, options.days);
  const edges: Edge[] = [];
  for (const vpc of org.vpcs) {
    for (const input of vpcEdges(vpc)) {
      const { name, ...edge } = input;
      const refs = [edge.from, edge.to].filter((p): p is { kind: "workload"; key: string } => p.kind === "workload");
      if (!refs.every((r) => org.workloadByKey.has(r.key))) continue;
      edges.push({ ...edge, id: `${vpc.key}:${name}`, vpc });
    }
  }
  edges.push(...incidentEdges(org, incidents));
  return { org, options, edges, incidents };
}

// ─── Conversations and records ──────────────────────────────────────────────────────────────

interface Side {
  instance?: Instance;
  /** The packet address. */
  ip: string;
  awsService?: AwsService;
}

interface Conversation {
  client: Side;
  server: Side;
  protocol: number;
  clientPort: number;
  serverPort: number;
  reqBytes: number;
  reqPackets: number;
  respBytes: number;
  respPackets: number;
  start: number;
  end: number;
  clientFlags: number;
  serverFlags: number;
  rejected: boolean;
  /** The S3 gateway-endpoint route is missing for the client's subnet. */
  noGatewayRoute: boolean;
}

export interface WindowTraffic {
  /** Records per flow log id, sorted by start time. */
  records: Map<string, GeneratedRecord[]>;
  conversations: number;
}

const TCP = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 };

function packetsFor(bytes: number, random: Random, handshake: number): number {
  if (bytes <= 0) return 0;
  const perPacket = bytes < 2000 ? 200 + random.next() * 400 : 900 + random.next() * 500;
  return Math.max(1, Math.ceil(bytes / perPacket) + handshake);
}

function ephemeralPort(random: Random): number {
  return random.int(32768, 60999);
}

/** Generates the records of every flow log for the window starting at `windowStart`. */
export function trafficInWindow(model: TrafficModel, windowStart: number): WindowTraffic {
  const { org } = model;
  const seed = org.options.seed;
  const windowEnd = windowStart + WINDOW;
  const out = new Map<string, GeneratedRecord[]>();
  for (const fl of org.flowLogs) out.set(fl.id, []);
  const activity = new Map<string, number>(); // eni id → bitmask of active minutes
  let conversations = 0;

  const push = (record: GeneratedRecord) => {
    const eni = record.eni;
    const flowLog = eni.vpc.flowLog;
    record.accountId = eni.vpc.account.id;
    record.interfaceId = eni.id;
    record.vpcId = eni.vpc.id;
    record.subnetId = eni.subnet.id;
    record.instanceId = eni.instanceId;
    record.region = eni.vpc.region;
    record.azId = eni.subnet.azId;
    if (record.logStatus === "OK") record.type = "IPv4";
    const list = out.get(flowLog.id) as GeneratedRecord[];
    const firstMinute = Math.floor((record.start - windowStart) / 60);
    const lastMinute = Math.floor((record.end - windowStart) / 60);
    let mask = activity.get(record.eni.id) ?? 0;
    for (let m = firstMinute; m <= lastMinute; m++) mask |= 1 << m;
    activity.set(record.eni.id, mask);
    if (flowLog.aggregationSeconds === 60 && firstMinute !== lastMinute) {
      // A 1-minute flow log writes one record per minute the flow was active.
      const span = record.end - record.start + 1;
      let bytesLeft = record.bytes ?? 0;
      let packetsLeft = record.packets ?? 0;
      for (let m = firstMinute; m <= lastMinute; m++) {
        const from = Math.max(record.start, windowStart + m * 60);
        const to = Math.min(record.end, windowStart + m * 60 + 59);
        const last = m === lastMinute;
        const share = (to - from + 1) / span;
        const bytes = last ? bytesLeft : Math.round((record.bytes ?? 0) * share);
        const packets = last ? packetsLeft : Math.max(1, Math.round((record.packets ?? 0) * share));
        bytesLeft -= bytes;
        packetsLeft -= packets;
        if (packets <= 0) continue;
        list.push({ ...record, start: from, end: to, bytes, packets });
      }
      return;
    }
    list.push(record);
  };

  const inIncident = (incident: Incident | undefined, t: number) => incident !== undefined && t >= incident.start && t < incident.end;

  for (const edge of model.edges) {
    const random = new Random(seed, "window", windowStart, edge.id);
    const vpc = edge.vpc;
    let from = windowStart;
    let to = windowEnd;
    if (edge.incident) {
      from = Math.max(from, edge.incident.start);
      to = Math.min(to, edge.incident.end);
      if (from >= to) continue;
    }
    const mid = (from + to) / 2;
    const noise = Math.exp(0.12 * random.normal());
    let multiplier = rhythmAt(edge.rhythm, mid, vpc.utcOffset) * vpc.intensity * model.options.scale * noise;
    if (edge.rhythm === "deploys") multiplier *= podsDeployedIn(model, vpc, windowStart, windowEnd) + 0.03;
    const blocked = edge.id === "prod-core:payments-api→ledger" && inIncident(model.incidents.blockedDependency, windowStart);

    if (edge.persistent && !blocked) {
      const clients = peerInstances(model, edge.from, windowStart);
      const servers = peerInstances(model, edge.to, windowStart);
      if (clients.length === 0 || servers.length === 0) continue;
      const expected = (edge.persistent ?? 1) * model.options.scale;
      for (const client of clients) {
        const targets = edge.fanout ? servers : [servers[hashIndex(client.eni.id, edge.id, servers.length)] as Instance];
        for (const server of targets) {
          const pool = Math.floor(expected) + (random.next() < expected % 1 ? 1 : 0);
          for (let k = 0; k < pool; k++) {
            const aliveToEnd = stillAlive(client, windowEnd - 1) && stillAlive(server, windowEnd - 1);
            if (!aliveToEnd) continue;
            const start = windowStart + random.int(0, 3);
            const end = windowEnd - 1 - random.int(0, 3);
            const load = rhythmAt(edge.rhythm, mid, vpc.utcOffset) * noise;
            const reqBytes = Math.max(200, Math.round(random.logNormal(edge.request[0] * load, edge.request[1])));
            const respBytes = Math.max(200, Math.round(random.logNormal(edge.response[0] * load, edge.response[1])));
            const port = 32768 + (hashIndex(client.eni.id + server.eni.id, `${edge.id}#${k}`, 28231));
            emitConversation(model, push, {
              client: { instance: client, ip: client.ip },
              server: { instance: server, ip: server.ip },
              protocol: edge.protocol,
              clientPort: port,
              serverPort: edge.ports[0] as number,
              reqBytes,
              reqPackets: packetsFor(reqBytes, random, 0),
              respBytes,
              respPackets: packetsFor(respBytes, random, 0),
              start,
              end,
              clientFlags: TCP.ACK | TCP.PSH,
              serverFlags: TCP.ACK | TCP.PSH,
              rejected: false,
              noGatewayRoute: false,
            }, random);
            conversations++;
          }
        }
      }
      continue;
    }

    let lambda = edge.rate * multiplier * ((to - from) / WINDOW);
    // During the blocked hour payments-api keeps retrying: many short rejected attempts.
    if (blocked) lambda = 40 * Math.max(0.3, rhythmAt(edge.rhythm, mid, vpc.utcOffset)) * model.options.scale;
    const count = random.poisson(lambda);
    for (let n = 0; n < count; n++) {
      const t0 = from + Math.floor(random.next() * (to - from));
      const client = pickSide(model, edge.from, edge, t0, random, undefined);
      if (!client) continue;
      const server = pickSide(model, edge.to, edge, t0, random, client.instance);
      if (!server) continue;
      if (client.instance && server.instance && client.instance.eni.id === server.instance.eni.id) continue;
      const rejected = edge.reject === true || blocked;
      const [medianDuration, durationShape] = edge.duration ?? [1.5, 0.8];
      const duration = rejected ? random.int(0, 40) : Math.round(random.logNormal(medianDuration, durationShape));
      const start = t0;
      const end = Math.min(windowEnd - 1, start + duration);
      const reqBytes = rejected
        ? 0
        : Math.max(40, Math.round(random.logNormal(edge.request[0], edge.request[1])));
      const respBytes = rejected ? 0 : Math.max(40, Math.round(random.logNormal(edge.response[0], edge.response[1])));
      const synPackets = rejected ? random.int(1, 3) : 0;
      const isUdp = edge.protocol === 17;
      const closing = random.chance(0.06) ? TCP.RST : TCP.FIN;
      const flags = isUdp ? 0 : TCP.SYN | TCP.ACK | TCP.PSH | closing;
      emitConversation(model, push, {
        client,
        server,
        protocol: edge.protocol,
        clientPort: isUdp && random.chance(0.2) ? 53 : ephemeralPort(random),
        serverPort: random.pick(edge.ports),
        reqBytes: rejected ? synPackets * (edge.request[0] || 60) : reqBytes,
        reqPackets: rejected ? synPackets : packetsFor(reqBytes, random, isUdp ? 0 : 3),
        respBytes,
        respPackets: rejected ? 0 : packetsFor(respBytes, random, isUdp ? 0 : 2),
        start,
        end,
        clientFlags: rejected ? TCP.SYN : flags,
        serverFlags: rejected ? 0 : flags,
        rejected,
        noGatewayRoute: routeRemoved(model, client, t0),
      }, random);
      conversations++;
    }
  }

  addIdleRecords(model, windowStart, activity, push);
  for (const list of out.values()) list.sort(compareRecords);
  return { records: out, conversations };
}

function compareRecords(a: GeneratedRecord, b: GeneratedRecord): number {
  return a.start - b.start || a.end - b.end || (a.eni.id < b.eni.id ? -1 : a.eni.id > b.eni.id ? 1 : 0) || (a.srcPort ?? 0) - (b.srcPort ?? 0) || (a.flowDirection === b.flowDirection ? 0 : a.flowDirection === "egress" ? -1 : 1) || (a.srcAddr ?? "").localeCompare(b.srcAddr ?? "");
}

function hashIndex(a: string, b: string, modulo: number): number {
  let h = 2166136261;
  const text = `${a}|${b}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) % modulo;
}

function stillAlive(instance: Instance, t: number): boolean {
  return instance.eni.deletedAt === undefined || instance.eni.deletedAt > t;
}

function podsDeployedIn(model: TrafficModel, vpc: Vpc, from: number, to: number): number {
  let pods = 0;
  for (const w of model.org.workloads) {
    if (w.vpc !== vpc || w.role !== "pod" || w.churn.kind === "static") continue;
    const gen = generationAt(model.org.options.seed, w, to - 1);
    if (gen && gen.start >= from && gen.start < to) pods += w.count;
  }
  return pods;
}

function routeRemoved(model: TrafficModel, client: Side, t: number): boolean {
  const incident = model.incidents.s3RouteRemoved;
  const eni = client.instance?.eni;
  if (!eni || t < incident.start || t >= incident.end) return false;
  return eni.vpc.key === incident.vpc && eni.subnet.tier === "private" && eni.subnet.azIndex === Number(incident.details.azIndex);
}

function peerInstances(model: TrafficModel, peer: Peer, t: number): Instance[] {
  if (peer.kind !== "workload") return [];
  const workload = model.org.workloadByKey.get(peer.key) as Workload;
  return model.org.instancesAt(workload, t).filter((i) => i.eni.createdAt <= t);
}

function pickSide(model: TrafficModel, peer: Peer, edge: Edge, t: number, random: Random, client: Instance | undefined): Side | undefined {
  switch (peer.kind) {
    case "workload": {
      const instances = peerInstances(model, peer, t);
      if (instances.length === 0) return undefined;
      const instance = random.pick(instances);
      return { instance, ip: instance.ip };
    }
    case "aws": {
      const clientVpc = client?.eni.vpc;
      if (peer.endpoint && clientVpc?.interfaceEndpoints.includes(peer.endpoint)) {
        const endpoints = model.org.instancesAt(model.org.workloadByKey.get(`${clientVpc.key}/vpce-${peer.endpoint}`) as Workload, t);
        const sameAz = endpoints.filter((e) => e.eni.subnet.azIndex === client?.eni.subnet.azIndex);
        const instance = sameAz.length > 0 && random.chance(0.85) ? random.pick(sameAz) : random.pick(endpoints);
        return { instance, ip: instance.ip };
      }
      const region = peer.region ?? clientVpc?.region ?? edge.vpc.region;
      const ip = addressIn(random.pick(awsServiceCidrs(peer.service, region)), random);
      return { ip, awsService: peer.service };
    }
    case "known":
      return { ip: addressIn(knownNetworkCidr(peer.name), random) };
    case "visitors":
      return { ip: visitorAddress(random) };
    case "scanners":
      return { ip: random.pick(SCANNER_SOURCES) };
    case "address":
      return { ip: peer.ip, awsService: awsServiceOf(ipToInt(peer.ip)) };
    case "office":
      return { ip: addressIn(knownNetworkCidr("Paris office VPN"), random) };
  }
}

/** Writes the records every interface on the conversation's path logs. */
function emitConversation(model: TrafficModel, push: (r: GeneratedRecord) => void, c: Conversation, random: Random): void {
  const { start, end, protocol } = c;
  const accepted = "ACCEPT" as const;
  const clientInstance = c.client.instance;
  const serverInstance = c.server.instance;
  const clientService = c.client.awsService;
  const serverService = c.server.awsService;

  if (clientInstance && serverInstance) {
    const ce = clientInstance.eni;
    const se = serverInstance.eni;
    const path = ce.vpc === se.vpc ? 1 : ce.vpc.region === se.vpc.region ? 4 : 5;
    push({ eni: ce, srcAddr: ce.privateIp, dstAddr: c.server.ip, srcPort: c.clientPort, dstPort: c.serverPort, protocol, packets: c.reqPackets, bytes: c.reqBytes, start, end, action: accepted, logStatus: "OK", tcpFlags: c.clientFlags, pktSrcAddr: c.client.ip, pktDstAddr: c.server.ip, flowDirection: "egress", trafficPath: path });
    push({ eni: se, srcAddr: c.client.ip, dstAddr: se.privateIp, srcPort: c.clientPort, dstPort: c.serverPort, protocol, packets: c.reqPackets, bytes: c.reqBytes, start, end, action: c.rejected ? "REJECT" : accepted, logStatus: "OK", tcpFlags: c.clientFlags, pktSrcAddr: c.client.ip, pktDstAddr: c.server.ip, flowDirection: "ingress" });
    if (c.rejected) return;
    push({ eni: se, srcAddr: se.privateIp, dstAddr: c.client.ip, srcPort: c.serverPort, dstPort: c.clientPort, protocol, packets: c.respPackets, bytes: c.respBytes, start, end, action: accepted, logStatus: "OK", tcpFlags: c.serverFlags, pktSrcAddr: c.server.ip, pktDstAddr: c.client.ip, flowDirection: "egress", trafficPath: path });
    push({ eni: ce, srcAddr: c.server.ip, dstAddr: ce.privateIp, srcPort: c.serverPort, dstPort: c.clientPort, protocol, packets: c.respPackets, bytes: c.respBytes, start, end, action: accepted, logStatus: "OK", tcpFlags: c.serverFlags, pktSrcAddr: c.server.ip, pktDstAddr: c.client.ip, flowDirection: "ingress" });
    return;
  }

  if (clientInstance) {
    // Inside → outside: through a gateway endpoint, the internet gateway, or a NAT gateway.
    const ce = clientInstance.eni;
    const vpc = ce.vpc;
    const ext = c.server.ip;
    const gateway =
      serverService !== undefined &&
      (serverService === "S3" || serverService === "DYNAMODB") &&
      vpc.gatewayEndpoints.includes(serverService) &&
      awsRegionOf(ext) === vpc.region &&
      !(serverService === "S3" && c.noGatewayRoute);
    const nat = !gateway && !ce.publicIp ? model.org.natFor(vpc, ce.subnet.azIndex) : undefined;
    const path = gateway ? (ce.nitro ? 7 : 2) : nat ? 1 : ce.nitro ? 8 : 2;
    push({ eni: ce, srcAddr: ce.privateIp, dstAddr: ext, srcPort: c.clientPort, dstPort: c.serverPort, protocol, packets: c.reqPackets, bytes: c.reqBytes, start, end, action: accepted, logStatus: "OK", tcpFlags: c.clientFlags, pktSrcAddr: c.client.ip, pktDstAddr: ext, pktDstAwsService: serverService, flowDirection: "egress", trafficPath: path });
    if (!c.rejected) {
      push({ eni: ce, srcAddr: ext, dstAddr: ce.privateIp, srcPort: c.serverPort, dstPort: c.clientPort, protocol, packets: c.respPackets, bytes: c.respBytes, start, end, action: accepted, logStatus: "OK", tcpFlags: c.serverFlags, pktSrcAddr: ext, pktDstAddr: c.client.ip, pktSrcAwsService: serverService, flowDirection: "ingress" });
    }
    if (nat) {
      const ne = nat.eni;
      const natPort = random.int(1024, 65535);
      push({ eni: ne, srcAddr: c.client.ip, dstAddr: ne.privateIp, srcPort: c.clientPort, dstPort: c.serverPort, protocol, packets: c.reqPackets, bytes: c.reqBytes, start, end, action: accepted, logStatus: "OK", tcpFlags: c.clientFlags, pktSrcAddr: c.client.ip, pktDstAddr: ext, pktDstAwsService: serverService, flowDirection: "ingress" });
      push({ eni: ne, srcAddr: ne.privateIp, dstAddr: ext, srcPort: natPort, dstPort: c.serverPort, protocol, packets: c.reqPackets, bytes: c.reqBytes, start, end, action: accepted, logStatus: "OK", tcpFlags: c.clientFlags, pktSrcAddr: ne.privateIp, pktDstAddr: ext, pktDstAwsService: serverService, flowDirection: "egress", trafficPath: 2 });
      if (!c.rejected) {
        push({ eni: ne, srcAddr: ext, dstAddr: ne.privateIp, srcPort: c.serverPort, dstPort: natPort, protocol, packets: c.respPackets, bytes: c.respBytes, start, end, action: accepted, logStatus: "OK", tcpFlags: c.serverFlags, pktSrcAddr: ext, pktDstAddr: ne.privateIp, pktSrcAwsService: serverService, flowDirection: "ingress" });
        push({ eni: ne, srcAddr: ne.privateIp, dstAddr: c.client.ip, srcPort: c.serverPort, dstPort: c.clientPort, protocol, packets: c.respPackets, bytes: c.respBytes, start, end, action: accepted, logStatus: "OK", tcpFlags: c.serverFlags, pktSrcAddr: ext, pktDstAddr: c.client.ip, pktSrcAwsService: serverService, flowDirection: "egress", trafficPath: 1 });
      }
    }
    return;
  }

  if (serverInstance) {
    // Outside → inside: the internet through the internet gateway, or the office through the VPN.
    const se = serverInstance.eni;
    const ext = c.client.ip;
    const viaVpn = se.vpc.officeVpn && ext.startsWith("172.16.");
    push({ eni: se, srcAddr: ext, dstAddr: se.privateIp, srcPort: c.clientPort, dstPort: c.serverPort, protocol, packets: c.reqPackets, bytes: c.reqBytes, start, end, action: c.rejected ? "REJECT" : accepted, logStatus: "OK", tcpFlags: c.clientFlags, pktSrcAddr: ext, pktDstAddr: c.server.ip, pktSrcAwsService: clientService, flowDirection: "ingress" });
    if (c.rejected) return;
    const path = viaVpn ? 3 : se.nitro ? 8 : 2;
    push({ eni: se, srcAddr: se.privateIp, dstAddr: ext, srcPort: c.serverPort, dstPort: c.clientPort, protocol, packets: c.respPackets, bytes: c.respBytes, start, end, action: accepted, logStatus: "OK", tcpFlags: c.serverFlags, pktSrcAddr: c.server.ip, pktDstAddr: ext, pktDstAwsService: clientService, flowDirection: "egress", trafficPath: path });
  }
}

function awsRegionOf(ip: string): AwsRegion | undefined {
  const value = ipToInt(ip);
  for (const region of ["eu-west-3", "eu-west-1", "us-east-1"] as AwsRegion[]) {
    for (const service of ["S3", "DYNAMODB"] as const) {
      for (const cidr of awsServiceCidrs(service, region)) if (value >= cidr.base && value < cidr.base + cidr.size) return region;
    }
  }
  return undefined;
}

/** NODATA for interfaces that were alive the whole interval without traffic; one SKIPDATA a day. */
function addIdleRecords(model: TrafficModel, windowStart: number, activity: Map<string, number>, push: (r: GeneratedRecord) => void): void {
  const windowEnd = windowStart + WINDOW;
  const seed = model.org.options.seed;
  for (const eni of model.org.interfacesAt(windowStart)) {
    if (eni.createdAt > windowStart || (eni.deletedAt !== undefined && eni.deletedAt < windowEnd)) continue;
    const mask = activity.get(eni.id) ?? 0;
    const aggregation = eni.vpc.flowLog.aggregationSeconds;
    if (aggregation === 600) {
      if (mask !== 0) continue;
      push({ eni, start: windowStart + (hashIndex(eni.id, String(windowStart), 20)), end: windowEnd - 1 - hashIndex(eni.id, "end", 5), logStatus: "NODATA" });
    } else {
      for (let m = 0; m < 10; m++) {
        if (mask & (1 << m)) continue;
        const from = windowStart + m * 60;
        push({ eni, start: from, end: from + 59, logStatus: "NODATA" });
      }
    }
  }
  // One interval a day where an interface's records were skipped (an AWS capacity hiccup).
  const day = Math.floor(windowStart / DAY);
  const slot = hashIndex(String(seed), `skipdata-${day}`, DAY / WINDOW);
  if (Math.floor((windowStart % DAY) / WINDOW) === slot) {
    const nodes = model.org.workloadByKey.get("prod-core/eks-nodes");
    const node = nodes ? model.org.instancesAt(nodes, windowStart)[day % 6] : undefined;
    if (node) push({ eni: node.eni, start: windowStart + 7, end: windowEnd - 2, logStatus: "SKIPDATA" });
  }
}
