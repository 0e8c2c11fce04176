/**
 * The synthetic organisation: accounts, VPCs, subnets in three AZs, flow logs, and the workloads
 * whose network interfaces carry the traffic (ALBs, NAT gateways, EKS nodes and pods, RDS,
 * ElastiCache, Lambda, VPC endpoints, a bastion, CI runners…). Everything is a pure function of
 * the seed and the number of accounts; which interfaces exist at a time t (pods and Lambda ENIs
 * churn) is a pure function of t as well, so any window can be generated on its own and the same
 * window always gives the same bytes.
 */
import { type AwsRegion, type AwsService, type Cidr, intToIp, parseCidr } from "./addresses";
import { hash32, hexId } from "./random";
import { DAY, HOUR, MINUTE, WEEK, weekday } from "./time";

export type Environment = "prod" | "staging" | "shared" | "data" | "sandbox" | "dev";

export interface Account {
  id: string;
  name: string;
  environment: Environment;
  /** The team that owns the account. */
  team: string;
  email: string;
}

export type Tier = "public" | "private" | "data";

export interface Subnet {
  id: string;
  vpc: Vpc;
  tier: Tier;
  azIndex: number;
  az: string;
  azId: string;
  cidr: Cidr;
  name: string;
}

export type FlowLogLayout = "default" | "hourly";

export interface FlowLog {
  id: string;
  vpc: Vpc;
  /** The record fields in order (the header line of each file). */
  fields: readonly string[];
  /** Maximum aggregation interval: 600 (default) or 60 seconds. */
  aggregationSeconds: 60 | 600;
  /** S3 prefix layout: AWS's default, or with per-hour partitions (`…/dd/HH/`). */
  layout: FlowLogLayout;
}

export type InterfaceEndpointService = "ecr.api" | "ecr.dkr" | "sts";

export interface Vpc {
  id: string;
  key: string;
  name: string;
  account: Account;
  region: AwsRegion;
  cidr: Cidr;
  /** Hours east of UTC for the people and customers this VPC serves (traffic rhythm). */
  utcOffset: number;
  azNames: string[];
  azIds: string[];
  subnets: Record<Tier, Subnet[]>;
  flowLog: FlowLog;
  gatewayEndpoints: AwsService[];
  interfaceEndpoints: InterfaceEndpointService[];
  /** For each AZ index, the AZ index of the NAT gateway its private subnets route to. */
  natRoute: number[];
  /** Keys of VPCs peered with this one. */
  peers: string[];
  /** Site-to-site VPN to the office (a virtual private gateway). */
  officeVpn: boolean;
  /** Traffic multiplier (staging is quieter than prod). */
  intensity: number;
}

export type InterfaceType =
  | "interface"
  | "nat_gateway"
  | "vpc_endpoint"
  | "lambda"
  | "branch"
  | "trunk"
  | "network_load_balancer";

export interface NetworkInterface {
  id: string;
  vpc: Vpc;
  subnet: Subnet;
  privateIp: string;
  secondaryIps: string[];
  publicIp?: string;
  interfaceType: InterfaceType;
  description: string;
  requesterManaged: boolean;
  requesterId?: string;
  instanceId?: string;
  instanceType?: string;
  /** attached to an instance (device 0/1), to an AWS-managed resource, or not attached. */
  attachment?: { id: string; deviceIndex: number; instanceOwnerId: string; deleteOnTermination: boolean };
  groups: { id: string; name: string }[];
  tags: [string, string][];
  mac: string;
  createdAt: number;
  /** When the interface was deleted; undefined while it lives. */
  deletedAt?: number;
  /** Ground truth: the workload behind the interface. */
  workload: Workload;
  /** Nitro instances log gateway-endpoint/IGW paths as traffic-path 7/8. */
  nitro: boolean;
}

export type WorkloadRole =
  | "pod"
  | "instance"
  | "lambda"
  | "alb"
  | "nat"
  | "endpoint"
  | "rds"
  | "cache"
  | "eks-control-plane"
  | "trunk"
  | "ecs-task";

/** How a workload's interfaces churn. Boundaries are absolute times, never relative to a run. */
export type Churn =
  | { kind: "static" }
  /** Rolling deploys at release trains (UTC minutes of the day) on weekdays; every pod replaced. */
  | { kind: "trains"; trainMinutes: readonly number[]; probability: number; guaranteedWeekday: number }
  /** Replaced once a week (a Lambda configuration change, an ECS service redeploy). */
  | { kind: "weekly"; weekday: number; minute: number }
  /** Extra instances that exist on weekdays between two UTC minutes (an autoscaling schedule). */
  | { kind: "daytime"; fromMinute: number; toMinute: number };

export interface Workload {
  key: string;
  /** The service the interfaces belong to (ground truth for enrichment). */
  service: string;
  team?: string;
  vpc: Vpc;
  role: WorkloadRole;
  tier: Tier;
  count: number;
  /** Ports it listens on (for servers). */
  ports: number[];
  churn: Churn;
  /** Extra, workload-specific details (ALB name and id, NAT id, endpoint service, RDS name…). */
  detail: Record<string, string>;
  /** Pods that use secondary IPs of the node interfaces (VPC CNI without pod security groups). */
  onNodes?: { nodes: string; secondaryIndex: number };
}

/** One addressable instance of a workload: its interface and the packet address it uses. */
export interface Instance {
  eni: NetworkInterface;
  /** The address packets carry: the interface's private IP, or a pod's secondary IP. */
  ip: string;
  workload: Workload;
}

export interface OrganisationOptions {
  seed: number;
  /** 1 to 12: prod, staging, shared, data, sandbox, then team accounts. */
  accounts: number;
}

export interface Organisation {
  options: OrganisationOptions;
  accounts: Account[];
  vpcs: Vpc[];
  flowLogs: FlowLog[];
  workloads: Workload[];
  /** When the static infrastructure was created. */
  genesis: number;
  vpcByKey: Map<string, Vpc>;
  workloadByKey: Map<string, Workload>;
  /** The instances of a workload alive at time t (cached per generation). */
  instancesAt(workload: Workload, t: number): Instance[];
  /** Every interface alive at time t. */
  interfacesAt(t: number): NetworkInterface[];
  /** Every interface that existed at some time in [from, to). */
  interfacesDuring(from: number, to: number): NetworkInterface[];
  /** Times in (from, to] when interfaces were created or deleted (inventory snapshots). */
  churnTimes(from: number, to: number): number[];
  /** The NAT gateway instance private subnets of this AZ route to. */
  natFor(vpc: Vpc, azIndex: number): Instance | undefined;
}

// ─── Field lists of the flow logs ───────────────────────────────────────────────────────────

export const DEFAULT_FORMAT = [
  "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
  "packets", "bytes", "start", "end", "action", "log-status",
] as const;

/** A v5 custom format: the default fields first, then VPC, packet addresses, AWS services and path. */
export const CUSTOM_FORMAT_A = [
  ...DEFAULT_FORMAT,
  "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region", "az-id",
  "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
] as const;

/** Another v5 custom format, in a different order (as a team that wrote its own would). */
export const CUSTOM_FORMAT_B = [
  "version", "vpc-id", "subnet-id", "instance-id", "interface-id", "account-id", "type", "srcaddr", "dstaddr",
  "srcport", "dstport", "pkt-srcaddr", "pkt-dstaddr", "protocol", "bytes", "packets", "start", "end", "action",
  "tcp-flags", "log-status", "az-id", "flow-direction", "traffic-path", "pkt-dst-aws-service", "pkt-src-aws-service",
] as const;

// ─── Building ───────────────────────────────────────────────────────────────────────────────

interface VpcTemplate {
  key: string;
  accountIndex: number;
  name: string;
  region: AwsRegion;
  cidr: string;
  utcOffset: number;
  azIds: string[];
  format: readonly string[];
  aggregationSeconds: 60 | 600;
  layout: FlowLogLayout;
  gatewayEndpoints: AwsService[];
  interfaceEndpoints: InterfaceEndpointService[];
  natAzs: number[];
  natRoute: number[];
  peers: string[];
  officeVpn: boolean;
  intensity: number;
}

interface AccountTemplate {
  name: string;
  environment: Environment;
  team: string;
}

const ACCOUNT_TEMPLATES: AccountTemplate[] = [
  { name: "acme-prod", environment: "prod", team: "platform" },
  { name: "acme-staging", environment: "staging", team: "platform" },
  { name: "acme-shared-services", environment: "shared", team: "platform" },
  { name: "acme-data", environment: "data", team: "data" },
  { name: "acme-sandbox", environment: "sandbox", team: "platform" },
];

export const MAX_ACCOUNTS = 12;

function accountTemplate(index: number): AccountTemplate {
  return ACCOUNT_TEMPLATES[index] ?? { name: `acme-team-${index - 4}`, environment: "dev", team: `team-${index - 4}` };
}

function vpcTemplates(accounts: number): VpcTemplate[] {
  const t: VpcTemplate[] = [
    {
      key: "prod-core", accountIndex: 0, name: "prod-core", region: "eu-west-3", cidr: "10.10.0.0/16", utcOffset: 1,
      azIds: ["euw3-az1", "euw3-az2", "euw3-az3"], format: CUSTOM_FORMAT_A, aggregationSeconds: 600, layout: "hourly",
      gatewayEndpoints: ["S3", "DYNAMODB"], interfaceEndpoints: ["ecr.api", "ecr.dkr", "sts"],
      natAzs: [0, 1], natRoute: [0, 1, 0], peers: ["prod-edge-us", "shared-services", "data-lake"], officeVpn: false, intensity: 1,
    },
    {
      key: "prod-edge-us", accountIndex: 0, name: "prod-edge-us", region: "us-east-1", cidr: "10.12.0.0/16", utcOffset: -5,
      azIds: ["use1-az4", "use1-az6", "use1-az1"], format: DEFAULT_FORMAT, aggregationSeconds: 60, layout: "default",
      gatewayEndpoints: [], interfaceEndpoints: [], natAzs: [0], natRoute: [0, 0, 0], peers: ["prod-core"], officeVpn: false,
      intensity: 0.5,
    },
    {
      key: "staging-core", accountIndex: 1, name: "staging-core", region: "eu-west-3", cidr: "10.20.0.0/16", utcOffset: 1,
      azIds: ["euw3-az2", "euw3-az3", "euw3-az1"], format: CUSTOM_FORMAT_B, aggregationSeconds: 600, layout: "default",
      gatewayEndpoints: [], interfaceEndpoints: [], natAzs: [0], natRoute: [0, 0, 0], peers: ["shared-services"], officeVpn: false,
      intensity: 0.25,
    },
    {
      key: "shared-services", accountIndex: 2, name: "shared-services", region: "eu-west-1", cidr: "10.30.0.0/16", utcOffset: 1,
      azIds: ["euw1-az3", "euw1-az1", "euw1-az2"], format: DEFAULT_FORMAT, aggregationSeconds: 600, layout: "default",
      gatewayEndpoints: ["S3"], interfaceEndpoints: [], natAzs: [0, 1], natRoute: [0, 1, 1],
      peers: ["prod-core", "staging-core"], officeVpn: true, intensity: 0.6,
    },
    {
      key: "data-lake", accountIndex: 3, name: "data-lake", region: "eu-west-3", cidr: "10.40.0.0/16", utcOffset: 1,
      azIds: ["euw3-az3", "euw3-az1", "euw3-az2"], format: CUSTOM_FORMAT_A, aggregationSeconds: 600, layout: "hourly",
      gatewayEndpoints: ["S3", "DYNAMODB"], interfaceEndpoints: [], natAzs: [0], natRoute: [0, 0, 0], peers: ["prod-core"],
      officeVpn: false, intensity: 0.5,
    },
    {
      key: "sandbox", accountIndex: 4, name: "sandbox", region: "us-east-1", cidr: "10.50.0.0/16", utcOffset: -5,
      azIds: ["use1-az1", "use1-az2", "use1-az4"], format: DEFAULT_FORMAT, aggregationSeconds: 600, layout: "default",
      gatewayEndpoints: [], interfaceEndpoints: [], natAzs: [0], natRoute: [0, 0, 0], peers: [], officeVpn: false, intensity: 0.3,
    },
  ];
  for (let i = 5; i < accounts; i++) {
    const n = i - 4;
    t.push({
      key: `team-${n}`, accountIndex: i, name: `team-${n}-apps`, region: "eu-west-1", cidr: `10.${60 + n}.0.0/16`, utcOffset: 1,
      azIds: ["euw1-az1", "euw1-az2", "euw1-az3"], format: n % 2 === 0 ? CUSTOM_FORMAT_A : DEFAULT_FORMAT,
      aggregationSeconds: 600, layout: "default", gatewayEndpoints: [], interfaceEndpoints: [], natAzs: [0],
      natRoute: [0, 0, 0], peers: [], officeVpn: false, intensity: 0.3,
    });
  }
  return t.filter((v) => v.accountIndex < accounts).map((v) => ({ ...v, peers: v.peers }));
}

const REGION_AZ_LETTERS = ["a", "b", "c"];

/** Static addresses use the first quarter of a subnet; churning workloads get blocks after it. */
class SubnetAddressPlan {
  private readonly used = new Set<number>();
  private nextBlock: number;
  constructor(
    readonly subnet: Subnet,
    private readonly seed: number,
  ) {
    this.nextBlock = Math.floor(subnet.cidr.size / 4);
  }

  /** A free address in the static range, chosen by hash (AWS picks addresses at random too). */
  staticAddress(key: string): number {
    const range = Math.floor(this.subnet.cidr.size / 4) - 5;
    let offset = 4 + (hash32([this.seed, "ip", this.subnet.id, key]) % range);
    while (this.used.has(offset)) offset = 4 + ((offset - 4 + 1) % range);
    this.used.add(offset);
    return this.subnet.cidr.base + offset;
  }

  /** A block of consecutive offsets for a churning workload. */
  block(size: number): number {
    const start = this.nextBlock;
    this.nextBlock += size;
    if (this.nextBlock >= this.subnet.cidr.size - 1) throw new Error(`subnet ${this.subnet.name} is too small`);
    return this.subnet.cidr.base + start;
  }
}

function accountId(seed: number, index: number): string {
  const high = hash32([seed, "account", index], 1) % 900_000 + 100_000;
  const low = hash32([seed, "account", index], 2) % 1_000_000;
  return `${high}${String(low).padStart(6, "0")}`;
}

function macAddress(seed: number, key: string): string {
  const hex = hexId([seed, "mac", key], 10);
  return `0${"26ae"[hash32([key]) % 4]}:${hex.match(/../g)?.join(":")}`;
}

/** Static infrastructure dates from here (deterministic, independent of the generated period). */
function genesisOf(seed: number): number {
  return Date.UTC(2025, 0, 6) / 1000 + (hash32([seed, "genesis"]) % 200) * DAY + 9 * HOUR;
}

interface WorkloadSpec {
  name: string;
  service: string;
  team?: string;
  role: WorkloadRole;
  tier: Tier;
  count: number;
  ports: number[];
  churn?: Churn;
  detail?: Record<string, string>;
  onNodes?: { nodes: string; secondaryIndex: number };
}

const PROD_TRAINS: Churn = { kind: "trains", trainMinutes: [8 * 60 + 30, 14 * 60 + 30], probability: 0.45, guaranteedWeekday: 2 };
const STAGING_TRAINS: Churn = {
  kind: "trains",
  trainMinutes: [8 * 60, 11 * 60, 14 * 60, 17 * 60],
  probability: 0.4,
  guaranteedWeekday: 1,
};

/** The application services of a product VPC (prod-core and staging-core share the catalogue). */
function productWorkloads(env: "prod" | "staging", scale: number): WorkloadSpec[] {
  const trains = env === "prod" ? PROD_TRAINS : STAGING_TRAINS;
  const pods = (n: number) => Math.max(1, Math.round(n * scale));
  const cluster = `${env}-eks`;
  return [
    { name: "alb", service: `${env}-public-alb`, role: "alb", tier: "public", count: 3, ports: [443, 80], detail: { lb: `${env}-public-alb` } },
    { name: "eks-control-plane", service: cluster, role: "eks-control-plane", tier: "private", count: 2, ports: [443], detail: { cluster } },
    { name: "eks-nodes", service: `${cluster}-node`, team: "platform", role: "instance", tier: "private", count: env === "prod" ? 6 : 3, ports: [10250, 9100], detail: { cluster, nodegroup: "general", instanceType: "m6i.2xlarge" } },
    { name: "eks-trunks", service: `${cluster}-node`, team: "platform", role: "trunk", tier: "private", count: env === "prod" ? 6 : 3, ports: [], detail: { cluster } },
    { name: "coredns", service: "coredns", team: "platform", role: "pod", tier: "private", count: 2, ports: [53], onNodes: { nodes: "eks-nodes", secondaryIndex: 0 } },
    { name: "web-frontend", service: "web-frontend", team: "storefront", role: "pod", tier: "private", count: pods(6), ports: [8080], churn: trains, detail: { cluster } },
    { name: "checkout", service: "checkout", team: "storefront", role: "pod", tier: "private", count: pods(4), ports: [8080], churn: trains, detail: { cluster } },
    { name: "catalog", service: "catalog", team: "storefront", role: "pod", tier: "private", count: pods(3), ports: [8080], churn: trains, detail: { cluster } },
    { name: "payments-api", service: "payments-api", team: "payments", role: "pod", tier: "private", count: pods(4), ports: [8443], churn: trains, detail: { cluster } },
    { name: "fraud-scoring", service: "fraud-scoring", team: "risk", role: "pod", tier: "private", count: pods(2), ports: [9000], churn: trains, detail: { cluster } },
    { name: "notifications", service: "notifications", team: "growth", role: "pod", tier: "private", count: pods(2), ports: [8080], churn: trains, detail: { cluster } },
    { name: "reporting", service: "reporting", team: "data", role: "pod", tier: "private", count: pods(2), ports: [8080], churn: trains, detail: { cluster } },
    { name: "ledger", service: "ledger", team: "payments", role: "instance", tier: "data", count: env === "prod" ? 3 : 1, ports: [5432, 22], detail: { instanceType: "r6i.xlarge", hostPrefix: `ledger-pg-${env === "prod" ? "" : "staging-"}` } },
    { name: "orders-db", service: `orders-db`, role: "rds", tier: "data", count: env === "prod" ? 2 : 1, ports: [5432], detail: { db: `orders-db${env === "prod" ? "" : "-staging"}` } },
    { name: "sessions", service: `${env}-sessions`, role: "cache", tier: "data", count: env === "prod" ? 2 : 1, ports: [6379], detail: { cluster: `${env}-sessions` } },
    { name: "invoice-pdf", service: "invoice-pdf", team: "payments", role: "lambda", tier: "private", count: 3, ports: [], churn: { kind: "weekly", weekday: 3, minute: 12 * 60 }, detail: { fn: `invoice-pdf-${env}` } },
  ];
}

function vpcWorkloads(key: string): WorkloadSpec[] {
  switch (key) {
    case "prod-core":
      return productWorkloads("prod", 1);
    case "staging-core":
      return productWorkloads("staging", 0.4);
    case "prod-edge-us":
      return [
        { name: "alb", service: "edge-us-alb", role: "alb", tier: "public", count: 3, ports: [443, 80], detail: { lb: "edge-us-alb" } },
        { name: "edge-api", service: "edge-api", team: "storefront", role: "instance", tier: "private", count: 3, ports: [8080], detail: { instanceType: "c6i.large", hostPrefix: "edge-api-" } },
      ];
    case "shared-services":
      return [
        { name: "bastion", service: "bastion", team: "platform", role: "instance", tier: "public", count: 1, ports: [22], detail: { instanceType: "t3.small", hostPrefix: "bastion", public: "yes" } },
        { name: "prometheus", service: "prometheus", team: "platform", role: "instance", tier: "private", count: 2, ports: [9090], detail: { instanceType: "r6i.large", hostPrefix: "prometheus-" } },
        { name: "ci-runner", service: "ci-runner", team: "platform", role: "instance", tier: "private", count: 2, ports: [], detail: { instanceType: "c6i.2xlarge", hostPrefix: "ci-runner-" } },
        { name: "ci-runner-burst", service: "ci-runner", team: "platform", role: "instance", tier: "private", count: 4, ports: [], churn: { kind: "daytime", fromMinute: 6 * 60, toMinute: 18 * 60 }, detail: { instanceType: "c6i.2xlarge", hostPrefix: "ci-runner-burst-" } },
        { name: "grafana", service: "grafana", team: "platform", role: "ecs-task", tier: "private", count: 1, ports: [3000], churn: { kind: "weekly", weekday: 1, minute: 9 * 60 }, detail: { ecsService: "grafana", cluster: "shared-tools" } },
      ];
    case "data-lake":
      return [
        { name: "etl-runner", service: "etl-runner", team: "data", role: "instance", tier: "private", count: 2, ports: [], detail: { instanceType: "r6i.4xlarge", hostPrefix: "etl-runner-" } },
        { name: "warehouse-loader", service: "warehouse-loader", team: "data", role: "lambda", tier: "private", count: 3, ports: [], churn: { kind: "weekly", weekday: 4, minute: 10 * 60 }, detail: { fn: "warehouse-loader" } },
      ];
    case "sandbox":
      return [
        { name: "dev-box", service: "dev-box", team: "platform", role: "instance", tier: "public", count: 3, ports: [22, 8080], detail: { instanceType: "t3.large", hostPrefix: "dev-box-", public: "yes" } },
      ];
    default:
      return [
        { name: "app", service: `${key}-app`, team: key, role: "instance", tier: "private", count: 2, ports: [8080], detail: { instanceType: "m6i.large", hostPrefix: `${key}-app-` } },
      ];
  }
}

function infrastructureWorkloads(t: VpcTemplate): WorkloadSpec[] {
  const specs: WorkloadSpec[] = [];
  for (const az of t.natAzs) {
    specs.push({ name: `nat-${REGION_AZ_LETTERS[az]}`, service: `${t.name}-nat`, role: "nat", tier: "public", count: 1, ports: [], detail: { az: String(az) } });
  }
  for (const service of t.interfaceEndpoints) {
    specs.push({ name: `vpce-${service}`, service: `vpce-${service}`, role: "endpoint", tier: "private", count: 3, ports: [443], detail: { endpointService: service } });
  }
  return specs;
}

/** Branch ENIs and Lambda ENIs use blocks: slots per generation × generations before reuse. */
const CHURN_BLOCK = 64;

export function buildOrganisation(options: OrganisationOptions): Organisation {
  const seed = options.seed;
  const accountCount = Math.max(1, Math.min(MAX_ACCOUNTS, Math.floor(options.accounts)));
  const genesis = genesisOf(seed);
  const accounts: Account[] = [];
  for (let i = 0; i < accountCount; i++) {
    const template = accountTemplate(i);
    accounts.push({
      id: accountId(seed, i),
      name: template.name,
      environment: template.environment,
      team: template.team,
      email: `aws+${template.name}@acme.example`,
    });
  }

  const templates = vpcTemplates(accountCount);
  const present = new Set(templates.map((t) => t.key));
  const vpcs: Vpc[] = [];
  const plans = new Map<string, SubnetAddressPlan>();
  for (const t of templates) {
    const account = accounts[t.accountIndex] as Account;
    const cidr = parseCidr(t.cidr);
    const vpc: Vpc = {
      id: `vpc-${hexId([seed, "vpc", t.key])}`,
      key: t.key,
      name: t.name,
      account,
      region: t.region,
      cidr,
      utcOffset: t.utcOffset,
      azNames: REGION_AZ_LETTERS.map((l) => `${t.region}${l}`),
      azIds: t.azIds,
      subnets: { public: [], private: [], data: [] },
      flowLog: undefined as unknown as FlowLog,
      gatewayEndpoints: t.gatewayEndpoints,
      interfaceEndpoints: t.interfaceEndpoints,
      natRoute: t.natRoute,
      peers: t.peers.filter((p) => present.has(p)),
      officeVpn: t.officeVpn,
      intensity: t.intensity,
    };
    vpc.flowLog = {
      id: `fl-${hexId([seed, "flowlog", t.key])}`,
      vpc,
      fields: t.format,
      aggregationSeconds: t.aggregationSeconds,
      layout: t.layout,
    };
    // public /22s at .0/.4/.8, private /20s at .32/.48/.64, data /22s at .96/.100/.104
    const layout: Record<Tier, { third: number; bits: number; step: number }> = {
      public: { third: 0, bits: 22, step: 4 },
      private: { third: 32, bits: 20, step: 16 },
      data: { third: 96, bits: 22, step: 4 },
    };
    for (const tier of ["public", "private", "data"] as Tier[]) {
      for (let az = 0; az < 3; az++) {
        const { third, bits, step } = layout[tier];
        const base = cidr.base + (third + az * step) * 256;
        const subnet: Subnet = {
          id: `subnet-${hexId([seed, "subnet", t.key, tier, az])}`,
          vpc,
          tier,
          azIndex: az,
          az: vpc.azNames[az] as string,
          azId: t.azIds[az] as string,
          cidr: parseCidr(`${intToIp(base)}/${bits}`),
          name: `${t.name}-${tier}-${REGION_AZ_LETTERS[az]}`,
        };
        vpc.subnets[tier].push(subnet);
        plans.set(subnet.id, new SubnetAddressPlan(subnet, seed));
      }
    }
    vpcs.push(vpc);
  }

  // Workloads and their static interfaces.
  const workloads: Workload[] = [];
  const staticInstances = new Map<string, Instance[]>();
  const churnBlocks = new Map<string, number[]>(); // workload key → block base per AZ
  const securityGroups = new Map<string, { id: string; name: string }>();
  const groupFor = (vpc: Vpc, name: string) => {
    const key = `${vpc.key}/${name}`;
    let group = securityGroups.get(key);
    if (!group) {
      group = { id: `sg-${hexId([seed, "sg", key])}`, name };
      securityGroups.set(key, group);
    }
    return group;
  };

  for (const t of templates) {
    const vpc = vpcs.find((v) => v.key === t.key) as Vpc;
    const specs = [...infrastructureWorkloads(t), ...vpcWorkloads(t.key)];
    for (const spec of specs) {
      const workload: Workload = {
        key: `${vpc.key}/${spec.name}`,
        service: spec.service,
        team: spec.team,
        vpc,
        role: spec.role,
        tier: spec.tier,
        count: spec.count,
        ports: spec.ports,
        churn: spec.churn ?? { kind: "static" },
        detail: spec.detail ?? {},
        onNodes: spec.onNodes,
      };
      workloads.push(workload);
      if (workload.churn.kind !== "static") {
        churnBlocks.set(
          workload.key,
          vpc.subnets[workload.tier].map((s) => (plans.get(s.id) as SubnetAddressPlan).block(CHURN_BLOCK)),
        );
      }
    }
  }
  const workloadByKey = new Map(workloads.map((w) => [w.key, w]));

  // Shared per-workload resource ids (one ALB, one endpoint id, one RDS instance name…).
  const albId = (w: Workload) => hexId([seed, "alb", w.key], 16);
  const secondaryIpCount = 4;

  const makeInterface = (w: Workload, index: number, subnet: Subnet, ip: number, createdAt: number, generation: string): NetworkInterface => {
    const key = `${w.key}#${generation}#${index}`;
    const vpc = w.vpc;
    const accountIdValue = vpc.account.id;
    const eni: NetworkInterface = {
      id: `eni-${hexId([seed, "eni", key])}`,
      vpc,
      subnet,
      privateIp: intToIp(ip),
      secondaryIps: [],
      interfaceType: "interface",
      description: "",
      requesterManaged: false,
      groups: [],
      tags: [],
      mac: macAddress(seed, key),
      createdAt,
      workload: w,
      nitro: true,
    };
    const tagService = (): void => {
      if (w.team) eni.tags.push(["service", w.service], ["team", w.team]);
    };
    switch (w.role) {
      case "alb":
        eni.description = `ELB app/${w.detail.lb}/${albId(w)}`;
        eni.requesterManaged = true;
        eni.requesterId = "amazon-elb";
        eni.attachment = { id: `ela-attach-${hexId([seed, "attach", key], 8)}`, deviceIndex: 1, instanceOwnerId: "amazon-elb", deleteOnTermination: false };
        eni.groups = [groupFor(vpc, `${w.detail.lb}-sg`)];
        eni.publicIp = publicAddress(seed, vpc, key);
        eni.nitro = false;
        break;
      case "nat": {
        const natId = `nat-${hexId([seed, "nat", w.key])}`;
        w.detail.natId = natId;
        eni.interfaceType = "nat_gateway";
        eni.description = `Interface for NAT Gateway ${natId}`;
        eni.requesterManaged = true;
        eni.requesterId = "amazon-aws";
        eni.attachment = { id: `ela-attach-${hexId([seed, "attach", key], 8)}`, deviceIndex: 1, instanceOwnerId: "amazon-aws", deleteOnTermination: false };
        eni.publicIp = publicAddress(seed, vpc, key);
        eni.nitro = false;
        break;
      }
      case "endpoint": {
        const vpceId = `vpce-${hexId([seed, "vpce", w.key])}`;
        w.detail.vpceId = vpceId;
        eni.interfaceType = "vpc_endpoint";
        eni.description = `VPC Endpoint Interface ${vpceId}`;
        eni.requesterManaged = true;
        eni.requesterId = String(727180483921 + (hash32([w.key]) % 9));
        eni.groups = [groupFor(vpc, `${vpc.name}-endpoints`)];
        eni.nitro = false;
        break;
      }
      case "eks-control-plane":
        eni.description = `Amazon EKS ${w.detail.cluster}`;
        eni.requesterManaged = true;
        eni.requesterId = String(602401143452 + (hash32([w.key]) % 7));
        eni.groups = [groupFor(vpc, `eks-cluster-sg-${w.detail.cluster}`)];
        eni.tags.push(["aws:eks:cluster-name", w.detail.cluster as string]);
        eni.nitro = false;
        break;
      case "rds":
        eni.description = "RDSNetworkInterface";
        eni.requesterManaged = true;
        eni.requesterId = "amazon-rds";
        eni.groups = [groupFor(vpc, `${w.detail.db}-sg`)];
        eni.nitro = false;
        break;
      case "cache":
        eni.description = `ElastiCache ${w.detail.cluster}-000${index + 1}-001`;
        eni.requesterManaged = true;
        eni.requesterId = "amazon-elasticache";
        eni.groups = [groupFor(vpc, `${w.detail.cluster}-sg`)];
        eni.nitro = false;
        break;
      case "lambda":
        eni.interfaceType = "lambda";
        eni.description = `AWS Lambda VPC ENI-${w.detail.fn}-${uuid(seed, key)}`;
        eni.requesterManaged = true;
        eni.requesterId = `${accountIdValue}:awslambda_${hexId([seed, "lambda", w.key], 12)}`;
        eni.groups = [groupFor(vpc, `${w.detail.fn}-lambda`)];
        eni.nitro = false;
        break;
      case "ecs-task":
        eni.description = `arn:aws:ecs:${vpc.region}:${accountIdValue}:attachment/${uuid(seed, key)}`;
        eni.requesterManaged = true;
        eni.requesterId = String(578734482556 + (hash32([w.key]) % 5));
        eni.groups = [groupFor(vpc, `${w.detail.ecsService}-task`)];
        eni.tags.push(["aws:ecs:serviceName", w.detail.ecsService as string], ["aws:ecs:clusterName", w.detail.cluster as string]);
        tagService();
        break;
      case "trunk":
        eni.interfaceType = "trunk";
        eni.description = "aws-k8s-trunk-eni";
        eni.groups = [groupFor(vpc, `eks-cluster-sg-${w.detail.cluster}`)];
        eni.tags.push(
          ["Name", `${w.detail.cluster}-node-trunk`],
          ["eks:eni:owner", "eks-vpc-resource-controller"],
          ["vpcresources.k8s.aws/cluster-name", w.detail.cluster as string],
        );
        eni.attachment = {
          id: `eni-attach-${hexId([seed, "attach", key])}`,
          deviceIndex: 1,
          instanceOwnerId: accountIdValue,
          deleteOnTermination: true,
        };
        eni.instanceId = `i-${hexId([seed, "instance", `${vpc.key}/eks-nodes#${generation}#${index}`])}`;
        tagService();
        break;
      case "pod":
        eni.interfaceType = "branch";
        eni.description = "aws-k8s-branch-eni";
        eni.groups = [groupFor(vpc, `${w.service}-pods`)];
        eni.tags.push(
          ["eks:eni:owner", "eks-vpc-resource-controller"],
          ["vpcresources.k8s.aws/cluster-name", w.detail.cluster as string],
          ["kubernetes.io/namespace", w.service],
        );
        tagService();
        break;
      case "instance": {
        const instanceKey = `${w.key}#${generation}#${index}`;
        eni.instanceId = `i-${hexId([seed, "instance", instanceKey])}`;
        eni.instanceType = w.detail.instanceType;
        eni.attachment = { id: `eni-attach-${hexId([seed, "attach", key])}`, deviceIndex: 0, instanceOwnerId: accountIdValue, deleteOnTermination: true };
        eni.description = w.detail.cluster ? "" : "Primary network interface";
        eni.groups = [groupFor(vpc, w.detail.cluster ? `eks-cluster-sg-${w.detail.cluster}` : `${w.service}-sg`)];
        const numbered = w.count > 1 || w.churn.kind !== "static";
        const host = w.detail.hostPrefix
          ? numbered
            ? `${w.detail.hostPrefix}${index + 1}`
            : w.detail.hostPrefix.replace(/-$/, "")
          : `${w.detail.cluster}-node`;
        eni.tags.push(["Name", host]);
        if (w.detail.cluster) {
          eni.tags.push(["eks:cluster-name", w.detail.cluster], ["eks:nodegroup-name", w.detail.nodegroup as string]);
          eni.tags.push(["team", w.team as string]);
          for (let s = 0; s < secondaryIpCount; s++) {
            eni.secondaryIps.push(intToIp((plans.get(subnet.id) as SubnetAddressPlan).staticAddress(`${key}/secondary/${s}`)));
          }
        } else {
          tagService();
        }
        if (w.detail.public) eni.publicIp = publicAddress(seed, vpc, key);
        break;
      }
    }
    return eni;
  };

  // Static interfaces (created at genesis, never deleted).
  for (const w of workloads) {
    if (w.churn.kind !== "static" || w.onNodes) continue;
    const instances: Instance[] = [];
    for (let i = 0; i < w.count; i++) {
      const azIndex = w.role === "nat" ? Number(w.detail.az) : i % 3;
      const subnet = w.vpc.subnets[w.tier][azIndex] as Subnet;
      const ip = (plans.get(subnet.id) as SubnetAddressPlan).staticAddress(`${w.key}#${i}`);
      const created = genesis + (hash32([seed, "created", w.key, i]) % (40 * DAY));
      const eni = makeInterface(w, i, subnet, ip, created, "static");
      instances.push({ eni, ip: eni.privateIp, workload: w });
    }
    staticInstances.set(w.key, instances);
  }
  // Trunk ENIs belong to the node they are attached to: same instance id.
  for (const w of workloads) {
    if (w.role !== "trunk") continue;
    const nodes = staticInstances.get(`${w.vpc.key}/eks-nodes`) ?? [];
    for (const [i, trunk] of (staticInstances.get(w.key) ?? []).entries()) {
      const node = nodes[i];
      if (node) {
        trunk.eni.instanceId = node.eni.instanceId;
        trunk.eni.subnet = node.eni.subnet;
      }
    }
  }
  // Pods on node secondary IPs (coredns): instances of the node interfaces with a pod address.
  for (const w of workloads) {
    if (!w.onNodes) continue;
    const nodes = staticInstances.get(`${w.vpc.key}/${w.onNodes.nodes}`) ?? [];
    const instances: Instance[] = [];
    for (let i = 0; i < w.count && nodes.length > 0; i++) {
      const node = nodes[(i * 3) % nodes.length] as Instance;
      instances.push({ eni: node.eni, ip: node.eni.secondaryIps[w.onNodes.secondaryIndex] as string, workload: w });
    }
    staticInstances.set(w.key, instances);
  }

  // Churning workloads: generations derived from absolute time.
  const generationCache = new Map<string, Instance[]>();
  const nodesOf = (vpc: Vpc) => staticInstances.get(`${vpc.key}/eks-nodes`) ?? [];

  const instancesFor = (w: Workload, gen: Generation): Instance[] => {
    const cacheKey = `${w.key}@${gen.id}`;
    let cached = generationCache.get(cacheKey);
    if (cached) return cached;
    const blocks = churnBlocks.get(w.key) as number[];
    const perAz = Math.ceil(w.count / 3);
    const chunks = Math.floor(CHURN_BLOCK / perAz);
    const chunk = gen.slot % chunks;
    cached = [];
    for (let i = 0; i < w.count; i++) {
      const azIndex = i % 3;
      const subnet = w.vpc.subnets[w.tier][azIndex] as Subnet;
      // Scramble the slot inside the block so addresses look random but never collide.
      const slot = chunk * perAz + Math.floor(i / 3);
      const offset = (slot * 37 + (hash32([seed, w.key]) % CHURN_BLOCK)) % CHURN_BLOCK;
      const ip = (blocks[azIndex] as number) + offset;
      const eni = makeInterface(w, i, subnet, ip, gen.start, String(gen.id));
      eni.deletedAt = gen.end;
      if (w.role === "pod") {
        const nodes = nodesOf(w.vpc).filter((n) => n.eni.subnet.azIndex === azIndex);
        const node = nodes[(i + gen.id) % Math.max(1, nodes.length)];
        const trunk = staticInstances.get(`${w.vpc.key}/eks-trunks`)?.find((tr) => tr.eni.instanceId === node?.eni.instanceId);
        if (trunk) eni.tags.push(["vpcresources.k8s.aws/trunk-eni-id", trunk.eni.id]);
      }
      cached.push({ eni, ip: eni.privateIp, workload: w });
    }
    generationCache.set(cacheKey, cached);
    if (generationCache.size > 5000) generationCache.delete(generationCache.keys().next().value as string);
    return cached;
  };

  const organisation: Organisation = {
    options: { seed, accounts: accountCount },
    accounts,
    vpcs,
    flowLogs: vpcs.map((v) => v.flowLog),
    workloads,
    genesis,
    vpcByKey: new Map(vpcs.map((v) => [v.key, v])),
    workloadByKey,
    instancesAt(w, t) {
      if (w.churn.kind === "static") return staticInstances.get(w.key) ?? [];
      const gen = generationAt(seed, w, t);
      return gen ? instancesFor(w, gen) : [];
    },
    interfacesAt(t) {
      const out: NetworkInterface[] = [];
      const seen = new Set<string>();
      for (const w of workloads) {
        for (const instance of organisation.instancesAt(w, t)) {
          if (instance.eni.createdAt > t || seen.has(instance.eni.id)) continue;
          seen.add(instance.eni.id);
          out.push(instance.eni);
        }
      }
      return out;
    },
    interfacesDuring(from, to) {
      const out = new Map<string, NetworkInterface>();
      for (const w of workloads) {
        if (w.churn.kind === "static") {
          for (const instance of staticInstances.get(w.key) ?? []) if (instance.eni.createdAt < to) out.set(instance.eni.id, instance.eni);
          continue;
        }
        for (const gen of generationsBetween(seed, w, from, to)) {
          for (const instance of instancesFor(w, gen)) out.set(instance.eni.id, instance.eni);
        }
      }
      return [...out.values()];
    },
    churnTimes(from, to) {
      const times = new Set<number>();
      for (const w of workloads) {
        if (w.churn.kind === "static") continue;
        for (const gen of generationsBetween(seed, w, from, to)) {
          if (gen.start > from && gen.start <= to) times.add(gen.start);
          if (gen.end !== undefined && gen.end > from && gen.end <= to) times.add(gen.end);
        }
      }
      return [...times].sort((a, b) => a - b);
    },
    natFor(vpc, azIndex) {
      const natAz = vpc.natRoute[azIndex] ?? 0;
      return staticInstances.get(`${vpc.key}/nat-${REGION_AZ_LETTERS[natAz]}`)?.[0];
    },
  };
  return organisation;
}

function uuid(seed: number, key: string): string {
  const h = hexId([seed, "uuid", key], 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** An Elastic IP from the region's EC2 ranges. */
function publicAddress(seed: number, vpc: Vpc, key: string): string {
  const pools: Record<AwsRegion, string> = { "eu-west-3": "15.188.0.0/16", "eu-west-1": "34.240.0.0/13", "us-east-1": "3.80.0.0/12" };
  const cidr = parseCidr(pools[vpc.region]);
  return intToIp(cidr.base + 256 + (hash32([seed, "eip", key]) % (cidr.size - 512)));
}

// ─── Generations of churning workloads ──────────────────────────────────────────────────────

export interface Generation {
  /** Unique per workload; increases with time. */
  id: number;
  /** Position in the address block rotation. */
  slot: number;
  start: number;
  /** When the next generation replaced this one (or the instances were removed). */
  end: number | undefined;
}

/** Whether workload `w` deploys at release train `train` of day `day` (days since the epoch). */
function deploysAt(seed: number, w: Workload, churn: Extract<Churn, { kind: "trains" }>, day: number, train: number): boolean {
  const dow = weekday(day * DAY);
  if (dow === 0 || dow === 6) return false;
  if (dow === churn.guaranteedWeekday && train === 0) return true;
  return hash32([seed, "deploy", w.key, day, train]) / 4294967296 < churn.probability;
}

function trainTimes(churn: Extract<Churn, { kind: "trains" }>, day: number): number[] {
  return churn.trainMinutes.map((m) => day * DAY + m * MINUTE);
}

/** The generation alive at time t, if any. */
export function generationAt(seed: number, w: Workload, t: number): Generation | undefined {
  const churn = w.churn;
  switch (churn.kind) {
    case "static":
      return undefined;
    case "trains": {
      const today = Math.floor(t / DAY);
      for (let day = today; day >= today - 9; day--) {
        const times = trainTimes(churn, day);
        for (let train = times.length - 1; train >= 0; train--) {
          const start = times[train] as number;
          if (start > t || !deploysAt(seed, w, churn, day, train)) continue;
          const id = day * churn.trainMinutes.length + train;
          return { id, slot: id, start, end: nextTrainDeploy(seed, w, churn, start) };
        }
      }
      return undefined;
    }
    case "weekly": {
      // Boundaries at the given weekday and minute; 1970-01-01 (day 0) was a Thursday (weekday 4).
      const first = (((churn.weekday - 4) % 7) + 7) % 7 * DAY + churn.minute * MINUTE;
      const id = Math.floor((t - first) / WEEK);
      const start = first + id * WEEK;
      return { id, slot: id, start, end: start + WEEK };
    }
    case "daytime": {
      const day = Math.floor(t / DAY);
      const dow = weekday(day * DAY);
      if (dow === 0 || dow === 6) return undefined;
      const start = day * DAY + churn.fromMinute * MINUTE;
      const end = day * DAY + churn.toMinute * MINUTE;
      if (t < start || t >= end) return undefined;
      return { id: day, slot: day, start, end };
    }
  }
}

function nextTrainDeploy(seed: number, w: Workload, churn: Extract<Churn, { kind: "trains" }>, after: number): number | undefined {
  const first = Math.floor(after / DAY);
  for (let day = first; day <= first + 9; day++) {
    const times = trainTimes(churn, day);
    for (let train = 0; train < times.length; train++) {
      const start = times[train] as number;
      if (start > after && deploysAt(seed, w, churn, day, train)) return start;
    }
  }
  return undefined;
}

/** Every generation of `w` alive at some time in [from, to). */
export function generationsBetween(seed: number, w: Workload, from: number, to: number): Generation[] {
  const out: Generation[] = [];
  let t = from;
  const first = generationAt(seed, w, from);
  if (first) out.push(first);
  // walk boundaries forward
  for (let guard = 0; guard < 100_000; guard++) {
    const next = nextBoundary(seed, w, t);
    if (next === undefined || next >= to) break;
    const gen = generationAt(seed, w, next);
    if (gen && !out.some((g) => g.id === gen.id)) out.push(gen);
    t = next;
  }
  return out;
}

function nextBoundary(seed: number, w: Workload, after: number): number | undefined {
  const churn = w.churn;
  switch (churn.kind) {
    case "static":
      return undefined;
    case "trains":
      return nextTrainDeploy(seed, w, churn, after);
    case "weekly": {
      const gen = generationAt(seed, w, after);
      return gen ? gen.start + WEEK : undefined;
    }
    case "daytime": {
      for (let day = Math.floor(after / DAY); ; day++) {
        const start = day * DAY + churn.fromMinute * MINUTE;
        const end = day * DAY + churn.toMinute * MINUTE;
        const dow = weekday(day * DAY);
        if (dow === 0 || dow === 6) continue;
        if (start > after) return start;
        if (end > after) return end;
      }
    }
  }
}
