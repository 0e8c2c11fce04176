import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { flowFormatFromHeader, parseFlowRecord } from "../flows";
import { awsServiceOf, ipToInt, parseCidr, cidrContains, KNOWN_NETWORKS } from "./addresses";
import { flowLogObjectKey } from "./files";
import { type FileSink, type GenerateOptions, generateDataset, trafficModelFor, writeFlowFiles } from "./generate";
import { buildOrganisation } from "./organisation";
import { rhythmAt, trafficInWindow } from "./traffic";
import { DAY, HOUR } from "./time";

function memorySink(): FileSink & { files: Map<string, Buffer> } {
  const files = new Map<string, Buffer>();
  return {
    files,
    async write(path, data) {
      files.set(path, Buffer.from(typeof data === "string" ? Buffer.from(data) : data));
    },
  };
}

const END = Date.UTC(2026, 10, 24, 12) / 1000; // Tuesday 2026-11-24 12:00 UTC
const SMALL: GenerateOptions = { seed: 7, days: 0.1, end: END, accounts: 3, scale: 0.3, fileMinutes: 5 };

function linesOf(bytes: Buffer): string[] {
  return gunzipSync(bytes).toString("utf8").split("\n").filter((l) => l !== "");
}

describe("generateDataset", () => {
  it("writes byte-identical output for the same seed and options, and different output for another seed", async () => {
    const a = memorySink();
    const b = memorySink();
    await generateDataset(SMALL, a);
    await generateDataset(SMALL, b);
    expect([...a.files.keys()].sort()).toEqual([...b.files.keys()].sort());
    for (const [path, bytes] of a.files) expect(bytes.equals(b.files.get(path) as Buffer), path).toBe(true);

    const c = memorySink();
    await generateDataset({ ...SMALL, seed: 8 }, c);
    const flowFiles = (s: Map<string, Buffer>) => [...s.keys()].filter((k) => k.startsWith("AWSLogs/")).sort();
    expect(flowFiles(c.files)).not.toEqual(flowFiles(a.files));
  });

  it("writes flow log files in AWS's S3 layout, header line first, with the records the manifest counts", async () => {
    const sink = memorySink();
    const manifest = await generateDataset(SMALL, sink);
    const flowFiles = [...sink.files.keys()].filter((k) => k.startsWith("AWSLogs/"));
    expect(flowFiles.length).toBe(manifest.totals.files);
    expect(manifest.files.map((f) => f.path).sort()).toEqual([...flowFiles].sort());
    const layout =
      /^AWSLogs\/(\d{12})\/vpcflowlogs\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/(?:(\d{2})\/)?\1_vpcflowlogs_\2_(fl-[0-9a-f]{17})_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[0-9a-f]{8}\.log\.gz$/;
    let total = 0;
    for (const entry of manifest.files) {
      const match = layout.exec(entry.path);
      expect(match, entry.path).not.toBeNull();
      const m = match as RegExpExecArray;
      expect([m[3], m[4], m[5]]).toEqual([m[8], m[9], m[10]]); // folder date = file stamp date
      if (m[6] !== undefined) expect(m[6]).toBe(m[11]); // per-hour partition = stamp hour
      const flowLog = manifest.flowLogs.find((f) => f.id === m[7]);
      expect(flowLog?.account).toBe(m[1]);
      const lines = linesOf(sink.files.get(entry.path) as Buffer);
      expect(lines[0]).toBe(flowLog?.fields.join(" "));
      const format = flowFormatFromHeader(lines[0] as string);
      expect(format).toBeDefined();
      for (const line of lines.slice(1)) {
        const record = parseFlowRecord(line, format!);
        expect(record, line).not.toBeNull();
        expect(record!.version).toBe(format!.version);
        expect(record!.accountId).toBe(m[1]);
        expect(record!.end!).toBeGreaterThanOrEqual(record!.start!);
      }
      expect(lines.length - 1).toBe(entry.records);
      total += entry.records;
    }
    expect(total).toBe(manifest.totals.records);
    expect(manifest.flowLogs.some((f) => f.version === 2)).toBe(true);
    expect(manifest.flowLogs.some((f) => f.version === 5 && f.fields.includes("pkt-dst-aws-service"))).toBe(true);
    expect(manifest.flowLogs.some((f) => f.layout === "hourly")).toBe(true);
  });

  it("gives every interface a service by tags or by AWS's own description", async () => {
    const sink = memorySink();
    const manifest = await generateDataset(SMALL, sink);
    const awsConventions = /^(ELB (app|net)\/|Interface for NAT Gateway nat-|VPC Endpoint Interface vpce-|AWS Lambda VPC ENI-|arn:aws:ecs:|RDSNetworkInterface$|Amazon EKS |ElastiCache )/;
    for (const entry of manifest.inventory.current) {
      const doc = JSON.parse((sink.files.get(entry.networkInterfaces) as Buffer).toString()) as {
        NetworkInterfaces: { NetworkInterfaceId: string; Description: string; TagSet: { Key: string; Value: string }[]; RequesterManaged: boolean; InterfaceType: string }[];
      };
      expect(doc.NetworkInterfaces.length).toBeGreaterThan(0);
      for (const eni of doc.NetworkInterfaces) {
        const tagged = eni.TagSet.some((t) => ["service", "app", "application", "Name"].includes(t.Key));
        expect(tagged || awsConventions.test(eni.Description), `${eni.NetworkInterfaceId} ${eni.Description}`).toBe(true);
        if (!tagged) expect(eni.RequesterManaged).toBe(true);
      }
    }
    const types = new Set(manifest.interfaces.map((i) => i.type));
    for (const type of ["interface", "nat_gateway", "vpc_endpoint", "lambda", "branch", "trunk"]) expect(types).toContain(type);
  });

  it("covers the period with snapshots and knows every interface the flows name", async () => {
    const sink = memorySink();
    const manifest = await generateDataset({ ...SMALL, days: 1, scale: 0.1, fileMinutes: 60 }, sink);
    const known = new Set(manifest.interfaces.map((i) => i.id));
    for (const entry of manifest.files) {
      const lines = linesOf(sink.files.get(entry.path) as Buffer);
      const format = flowFormatFromHeader(lines[0] as string)!;
      for (const line of lines.slice(1)) expect(known.has(parseFlowRecord(line, format)!.interfaceId as string), line).toBe(true);
    }
    // Pods churn: some interfaces were created and deleted inside the period, and snapshots show it.
    expect(manifest.interfaces.some((i) => i.deletedAt !== undefined)).toBe(true);
    expect(manifest.inventory.snapshots.length).toBeGreaterThan(manifest.inventory.current.length);
    expect(manifest.inventory.snapshots[0]?.atUnix).toBe(manifest.options.startUnix);
  });
});

describe("writeFlowFiles", () => {
  it("splits a range into adjacent ranges without losing or repeating a record", async () => {
    const model = trafficModelFor({ seed: 3, accounts: 2, scale: 0.3, anchor: END, days: 1 });
    const whole = memorySink();
    const parts = memorySink();
    const from = END - 3 * HOUR;
    const middle = from + 47 * 60 + 13; // not aligned on anything
    await writeFlowFiles(model, { from, to: END }, 300, whole);
    await writeFlowFiles(model, { from, to: middle }, 300, parts);
    await writeFlowFiles(model, { from: middle, to: END }, 300, parts);
    const records = (sink: { files: Map<string, Buffer> }) =>
      [...sink.files.values()].flatMap((bytes) => linesOf(bytes).slice(1)).sort();
    const all = records(whole);
    expect(all.length).toBeGreaterThan(1000);
    expect(records(parts)).toEqual(all);
  });
});

describe("the S3 key of a flow log file", () => {
  it("follows AWS's layout, with the per-hour partition folder when configured", () => {
    const org = buildOrganisation({ seed: 1, accounts: 3 });
    const prod = org.vpcByKey.get("prod-core")!.flowLog;
    const staging = org.vpcByKey.get("staging-core")!.flowLog;
    const at = Date.UTC(2026, 0, 2, 3, 5) / 1000;
    const account = prod.vpc.account.id;
    expect(flowLogObjectKey(prod, at, "0a1b2c3d")).toBe(
      `AWSLogs/${account}/vpcflowlogs/eu-west-3/2026/01/02/03/${account}_vpcflowlogs_eu-west-3_${prod.id}_20260102T0305Z_0a1b2c3d.log.gz`,
    );
    const stagingAccount = staging.vpc.account.id;
    expect(flowLogObjectKey(staging, at, "ffffffff")).toBe(
      `AWSLogs/${stagingAccount}/vpcflowlogs/eu-west-3/2026/01/02/${stagingAccount}_vpcflowlogs_eu-west-3_${staging.id}_20260102T0305Z_ffffffff.log.gz`,
    );
  });
});

describe("the traffic model", () => {
  const model = trafficModelFor({ seed: 1, accounts: 3, scale: 1, anchor: END, days: 7 });
  const prod = model.org.vpcByKey.get("prod-core")!;

  it("follows a daily rhythm: busier in the afternoon than at night", () => {
    const day = Date.UTC(2026, 10, 19) / 1000; // a Thursday
    expect(rhythmAt("consumer", day + 18 * HOUR, 1)).toBeGreaterThan(3 * rhythmAt("consumer", day + 3 * HOUR, 1));
    expect(rhythmAt("office", day + 10 * HOUR, 1)).toBeGreaterThan(10 * rhythmAt("office", day + 2 * HOUR, 1));
    expect(rhythmAt("office", day + 2 * DAY + 10 * HOUR, 1)).toBeLessThan(rhythmAt("office", day + 10 * HOUR, 1) / 4); // Saturday
    const count = (t: number) => [...trafficInWindow(model, t).records.values()].reduce((n, l) => n + l.length, 0);
    expect(count(day + 17 * HOUR)).toBeGreaterThan(1.5 * count(day + 3 * HOUR));
  });

  it("logs an intra-VPC conversation on both interfaces, and a NAT conversation on both sides of the NAT gateway", () => {
    const window = Date.UTC(2026, 10, 19, 15) / 1000;
    const records = trafficInWindow(model, window).records.get(prod.flowLog.id)!;
    const nats = new Set(model.org.workloads.filter((w) => w.role === "nat" && w.vpc === prod).flatMap((w) => model.org.instancesAt(w, window).map((i) => i.eni.id)));
    // checkout → payments-api:8443: the client's egress and the server's ingress with the same 5-tuple.
    const egress = records.filter((r) => r.dstPort === 8443 && r.flowDirection === "egress" && r.eni.workload.service === "checkout");
    expect(egress.length).toBeGreaterThan(0);
    for (const r of egress) {
      const ingress = records.find((x) => x.flowDirection === "ingress" && x.srcPort === r.srcPort && x.dstPort === 8443 && x.srcAddr === r.srcAddr && x.eni.workload.service === "payments-api");
      expect(ingress).toBeDefined();
      expect(ingress!.bytes).toBe(r.bytes);
    }
    // payments-api → Stripe goes through a NAT gateway: four records on its interface.
    const stripe = KNOWN_NETWORKS.find((n) => n.name === "Stripe")!;
    const toStripe = records.filter((r) => r.flowDirection === "egress" && r.eni.workload.service === "payments-api" && cidrContains(parseCidr(stripe.cidr), ipToInt(r.dstAddr!)));
    expect(toStripe.length).toBeGreaterThan(0);
    for (const r of toStripe) {
      const onNat = records.filter((x) => nats.has(x.eni.id) && x.start === r.start && (x.srcPort === r.srcPort || x.dstPort === r.srcPort || x.pktDstAddr === r.dstAddr || x.pktSrcAddr === r.dstAddr));
      expect(onNat.filter((x) => x.pktDstAddr === r.dstAddr && x.flowDirection === "ingress")).toHaveLength(1);
      expect(onNat.filter((x) => x.dstAddr === r.dstAddr && x.flowDirection === "egress")).toHaveLength(1);
      expect(onNat.filter((x) => x.pktSrcAddr === r.dstAddr && x.dstAddr === r.srcAddr && x.flowDirection === "egress")).toHaveLength(1);
    }
  });

  it("names the AWS service of public AWS addresses as in ip-ranges.json, and uses gateway endpoints where they exist", () => {
    const window = Date.UTC(2026, 10, 19, 15) / 1000;
    const traffic = trafficInWindow(model, window);
    let s3 = 0;
    for (const records of traffic.records.values()) {
      for (const r of records) {
        if (r.pktDstAwsService) {
          expect(awsServiceOf(ipToInt(r.pktDstAddr!))).toBe(r.pktDstAwsService);
          if (r.pktDstAwsService === "S3" && r.eni.vpc.gatewayEndpoints.includes("S3") && r.eni.workload.role !== "nat") {
            s3++;
            expect([2, 7]).toContain(r.trafficPath);
          }
        }
      }
    }
    expect(s3).toBeGreaterThan(0);
  });

  it("rejects payments-api → ledger:5432 during the blocked-dependency incident only", () => {
    const incident = model.incidents.blockedDependency;
    const rejectsAt = (t: number) =>
      trafficInWindow(model, t)
        .records.get(prod.flowLog.id)!
        .filter((r) => r.action === "REJECT" && r.dstPort === 5432 && r.eni.workload.service === "ledger" && r.logStatus === "OK");
    const during = rejectsAt(incident.start + 600);
    expect(during.length).toBeGreaterThan(5);
    expect(rejectsAt(incident.start - 2 * HOUR).filter((r) => r.pktSrcAddr && model.org.workloads.length > 0).length).toBeLessThan(during.length / 4);
  });
});
