/**
 * The organisation's inventory as the AWS CLI prints it: `aws ec2 describe-network-interfaces`,
 * `describe-vpcs` and `describe-subnets` per account and region (PascalCase keys, `TagSet` on
 * interfaces, `Tags` elsewhere, times as `2026-11-17T10:02:11+00:00`), and the accounts as
 * `aws organizations list-accounts` prints them, with each account's tags (environment, team).
 */
import type { Account, NetworkInterface, Organisation, Vpc } from "./organisation";
import { awsCliTime } from "./time";

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 4)}\n`;
}

function dnsName(ip: string, region: string): string {
  const host = `ip-${ip.replace(/\./g, "-")}`;
  return region === "us-east-1" ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

function publicDnsName(ip: string, region: string): string {
  const host = `ec2-${ip.replace(/\./g, "-")}`;
  return region === "us-east-1" ? `${host}.compute-1.amazonaws.com` : `${host}.${region}.compute.amazonaws.com`;
}

function association(eni: NetworkInterface): Record<string, unknown> | undefined {
  if (!eni.publicIp) return undefined;
  const owner = eni.workload.role === "alb" ? "amazon-elb" : eni.vpc.account.id;
  return {
    IpOwnerId: owner,
    PublicDnsName: publicDnsName(eni.publicIp, eni.vpc.region),
    PublicIp: eni.publicIp,
  };
}

export function networkInterfaceJson(eni: NetworkInterface): Record<string, unknown> {
  const region = eni.vpc.region;
  const assoc = association(eni);
  const item: Record<string, unknown> = {};
  if (assoc) item.Association = assoc;
  if (eni.attachment) {
    item.Attachment = {
      AttachTime: awsCliTime(eni.createdAt),
      AttachmentId: eni.attachment.id,
      DeleteOnTermination: eni.attachment.deleteOnTermination,
      DeviceIndex: eni.attachment.deviceIndex,
      NetworkCardIndex: 0,
      ...(eni.instanceId && eni.attachment.id.startsWith("eni-attach") ? { InstanceId: eni.instanceId } : {}),
      InstanceOwnerId: eni.attachment.instanceOwnerId,
      Status: "attached",
    };
  }
  item.AvailabilityZone = eni.subnet.az;
  item.Description = eni.description;
  item.Groups = eni.groups.map((g) => ({ GroupName: g.name, GroupId: g.id }));
  item.InterfaceType = eni.interfaceType;
  item.Ipv6Addresses = [];
  item.MacAddress = eni.mac;
  item.NetworkInterfaceId = eni.id;
  item.OwnerId = eni.vpc.account.id;
  item.PrivateDnsName = dnsName(eni.privateIp, region);
  item.PrivateIpAddress = eni.privateIp;
  item.PrivateIpAddresses = [
    { ...(assoc ? { Association: assoc } : {}), Primary: true, PrivateDnsName: dnsName(eni.privateIp, region), PrivateIpAddress: eni.privateIp },
    ...eni.secondaryIps.map((ip) => ({ Primary: false, PrivateDnsName: dnsName(ip, region), PrivateIpAddress: ip })),
  ];
  if (eni.requesterId) item.RequesterId = eni.requesterId;
  item.RequesterManaged = eni.requesterManaged;
  item.SourceDestCheck = eni.interfaceType !== "nat_gateway";
  item.Status = eni.attachment || eni.interfaceType !== "interface" ? "in-use" : "available";
  item.SubnetId = eni.subnet.id;
  item.TagSet = eni.tags.map(([Key, Value]) => ({ Key, Value }));
  item.VpcId = eni.vpc.id;
  return item;
}

/** `aws ec2 describe-network-interfaces` for one account and region at time t. */
export function describeNetworkInterfaces(org: Organisation, account: Account, region: string, t: number): string {
  const interfaces = org
    .interfacesAt(t)
    .filter((eni) => eni.vpc.account === account && eni.vpc.region === region)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return pretty({ NetworkInterfaces: interfaces.map(networkInterfaceJson) });
}

export function describeVpcs(vpcs: readonly Vpc[]): string {
  return pretty({
    Vpcs: vpcs.map((vpc) => ({
      CidrBlock: vpc.cidr.text,
      DhcpOptionsId: `dopt-${vpc.id.slice(4, 21)}`,
      State: "available",
      VpcId: vpc.id,
      OwnerId: vpc.account.id,
      InstanceTenancy: "default",
      CidrBlockAssociationSet: [
        { AssociationId: `vpc-cidr-assoc-${vpc.id.slice(4, 21)}`, CidrBlock: vpc.cidr.text, CidrBlockState: { State: "associated" } },
      ],
      IsDefault: false,
      Tags: [
        { Key: "Name", Value: vpc.name },
        { Key: "environment", Value: vpc.account.environment },
      ],
    })),
  });
}

export function describeSubnets(vpcs: readonly Vpc[]): string {
  const subnets = vpcs.flatMap((vpc) => [...vpc.subnets.public, ...vpc.subnets.private, ...vpc.subnets.data]);
  return pretty({
    Subnets: subnets.map((s) => ({
      AvailabilityZone: s.az,
      AvailabilityZoneId: s.azId,
      AvailableIpAddressCount: s.cidr.size - 5 - 40,
      CidrBlock: s.cidr.text,
      DefaultForAz: false,
      MapPublicIpOnLaunch: s.tier === "public",
      State: "available",
      SubnetId: s.id,
      VpcId: s.vpc.id,
      OwnerId: s.vpc.account.id,
      AssignIpv6AddressOnCreation: false,
      Ipv6CidrBlockAssociationSet: [],
      Tags: [
        { Key: "Name", Value: s.name },
        { Key: "tier", Value: s.tier },
      ],
      SubnetArn: `arn:aws:ec2:${s.vpc.region}:${s.vpc.account.id}:subnet/${s.id}`,
    })),
  });
}

/** `aws ec2 describe-flow-logs`: each VPC's flow log to S3, with its record format and options. */
export function describeFlowLogs(org: Organisation, vpcs: readonly Vpc[]): string {
  return pretty({
    FlowLogs: vpcs.map((vpc) => {
      const fl = vpc.flowLog;
      return {
        CreationTime: awsCliTime(org.genesis + 3600),
        DeliverLogsStatus: "SUCCESS",
        FlowLogId: fl.id,
        FlowLogStatus: "ACTIVE",
        ResourceId: vpc.id,
        TrafficType: "ALL",
        LogDestinationType: "s3",
        LogDestination: `arn:aws:s3:::acme-vpc-flow-logs-${(org.accounts[0] as Account).id}`,
        LogFormat: fl.fields.map((f) => `\${${f}}`).join(" "),
        Tags: [{ Key: "Name", Value: `${vpc.name}-flow-log` }],
        MaxAggregationInterval: fl.aggregationSeconds,
        DestinationOptions: { FileFormat: "plain-text", HiveCompatiblePartitions: false, PerHourPartition: fl.layout === "hourly" },
      };
    }),
  });
}

/** `aws organizations list-accounts`, with each account's tags (environment, team) added as `Tags`. */
export function accountsDocument(org: Organisation): string {
  const management = org.accounts[0] as Account;
  return pretty({
    Accounts: org.accounts.map((a) => ({
      Id: a.id,
      Arn: `arn:aws:organizations::${management.id}:account/o-${management.id.slice(0, 10)}/${a.id}`,
      Email: a.email,
      Name: a.name,
      Status: "ACTIVE",
      JoinedMethod: a === management ? "INVITED" : "CREATED",
      JoinedTimestamp: awsCliTime(org.genesis),
      Tags: [
        { Key: "environment", Value: a.environment },
        { Key: "team", Value: a.team },
      ],
    })),
  });
}

/** The (account, region) pairs that have VPCs. */
export function accountRegions(org: Organisation): { account: Account; region: string; vpcs: Vpc[] }[] {
  const out: { account: Account; region: string; vpcs: Vpc[] }[] = [];
  for (const vpc of org.vpcs) {
    let entry = out.find((e) => e.account === vpc.account && e.region === vpc.region);
    if (!entry) {
      entry = { account: vpc.account, region: vpc.region, vpcs: [] };
      out.push(entry);
    }
    entry.vpcs.push(vpc);
  }
  return out;
}

/** The (account, region) pairs whose interfaces changed at time t (created or deleted then). */
export function scopesChangedAt(org: Organisation, t: number): { account: Account; region: string }[] {
  return accountRegions(org).filter(
    ({ account, region }) =>
      org.interfacesAt(t).some((e) => e.vpc.account === account && e.vpc.region === region && e.createdAt === t) ||
      org.interfacesAt(t - 1).some((e) => e.vpc.account === account && e.vpc.region === region && e.deletedAt === t),
  );
}
