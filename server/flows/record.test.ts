import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { FLOW_FIELDS, type FlowRecordFields } from "./fields";
import { DEFAULT_FLOW_FORMAT, parseFlowFormat } from "./format";
import { FlowRecord, createFlowRecord, explainFlowRecordProblem, formatFlowRecord, parseFlowRecord } from "./record";

const V3_FORMAT =
  "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} ${end} ${action} ${tcp-flags} ${log-status}";
const V5_FORMAT =
  "${version} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${start} ${end} ${type} ${packets} ${bytes} ${account-id} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${region} ${az-id} ${sublocation-type} ${sublocation-id} ${action} ${tcp-flags} ${pkt-srcaddr} ${pkt-dstaddr} ${pkt-src-aws-service} ${pkt-dst-aws-service} ${traffic-path} ${flow-direction} ${log-status}";
const V7_FORMAT =
  "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${bytes} ${action} ${ecs-cluster-arn} ${ecs-cluster-name} ${ecs-container-instance-arn} ${ecs-container-instance-id} ${ecs-container-id} ${ecs-second-container-id} ${ecs-service-name} ${ecs-task-definition-arn} ${ecs-task-arn} ${ecs-task-id}";
const V8_FORMAT = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${protocol} ${action} ${reject-reason} ${log-status}";

const cases: { name: string; format: string | undefined; line: string; expected: Partial<FlowRecordFields> }[] = [
  {
    name: "v2 default format, accepted SSH",
    format: undefined,
    line: "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
    expected: {
      version: 2,
      accountId: "123456789010",
      interfaceId: "eni-1235b8ca123456789",
      srcAddr: "172.31.16.139",
      dstAddr: "172.31.16.21",
      srcPort: 20641,
      dstPort: 22,
      protocol: 6,
      packets: 20,
      bytes: 4249,
      start: 1418530010,
      end: 1418530070,
      action: "ACCEPT",
      logStatus: "OK",
      vpcId: null,
    },
  },
  {
    name: "v2 rejected RDP",
    format: undefined,
    line: "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK",
    expected: { action: "REJECT", dstPort: 3389 },
  },
  {
    name: "v2 NODATA: every traffic field absent",
    format: undefined,
    line: "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
    expected: { srcAddr: null, dstAddr: null, srcPort: null, packets: null, bytes: null, start: 1431280876, action: null, logStatus: "NODATA" },
  },
  {
    name: "v2 SKIPDATA",
    format: undefined,
    line: "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA",
    expected: { interfaceId: "eni-11111111aaaaaaaaa", logStatus: "SKIPDATA" },
  },
  {
    name: "v2 IPv6 addresses",
    format: undefined,
    line: "2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK",
    expected: { srcAddr: "2001:db8:1234:a100:8d6e:3477:df66:f105", dstAddr: "2001:db8:1234:a102:3304:8879:34cf:4071", bytes: 8855 },
  },
  {
    name: "v2 large byte count stays exact",
    format: undefined,
    line: "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 9007199254 900719925474099 1 2 ACCEPT OK",
    expected: { packets: 9007199254, bytes: 900719925474099 },
  },
  {
    name: "v2 with a trailing carriage return and doubled spaces",
    format: undefined,
    line: "2  123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 17 1 76 1 2 ACCEPT OK\r\n",
    expected: { accountId: "123456789010", protocol: 17, logStatus: "OK" },
  },
  {
    name: "v3 custom format with packet addresses and TCP flags",
    format: V3_FORMAT,
    line: "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789012 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK",
    expected: {
      version: 3,
      vpcId: "vpc-abcdefab012345678",
      subnetId: "subnet-aaaaaaaa012345678",
      instanceId: "i-01234567890123456",
      type: "IPv4",
      pktSrcAddr: "52.213.180.42",
      pktDstAddr: "10.0.0.62",
      bytes: 568,
      packets: 8,
      tcpFlags: 2,
    },
  },
  {
    name: "v3 NAT gateway: packet addresses differ from the interface's",
    format: "${version} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr}",
    line: "3 eni-33333333333333333 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5",
    expected: { srcAddr: "10.0.1.5", dstAddr: "10.0.0.220", pktSrcAddr: "10.0.1.5", pktDstAddr: "203.0.113.5" },
  },
  {
    name: "v4 outpost sublocation",
    format: "${version} ${interface-id} ${srcaddr} ${dstaddr} ${region} ${az-id} ${sublocation-type} ${sublocation-id}",
    line: "4 eni-1 10.0.0.1 10.0.0.2 us-east-1 use1-az4 outpost op-0123456789abcdef0",
    expected: { region: "us-east-1", azId: "use1-az4", sublocationType: "outpost", sublocationId: "op-0123456789abcdef0" },
  },
  {
    name: "v5 all fields of AWS's example, ingress from S3",
    format: V5_FORMAT,
    line: "5 52.95.128.179 10.0.0.71 80 34210 6 1616729292 1616729349 IPv4 14 15044 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 19 52.95.128.179 10.0.0.71 S3 - - ingress OK",
    expected: {
      version: 5,
      region: "ap-southeast-2",
      azId: "apse2-az3",
      sublocationType: null,
      sublocationId: null,
      tcpFlags: 19,
      pktSrcAwsService: "S3",
      pktDstAwsService: null,
      trafficPath: null,
      flowDirection: "ingress",
    },
  },
  {
    name: "v5 egress through an internet gateway",
    format: "${version} ${interface-id} ${srcaddr} ${dstaddr} ${flow-direction} ${traffic-path} ${pkt-dst-aws-service}",
    line: "5 eni-1 10.0.0.71 52.95.128.179 egress 8 S3",
    expected: { flowDirection: "egress", trafficPath: 8, pktDstAwsService: "S3" },
  },
  {
    name: "v7 ECS fields",
    format: V7_FORMAT,
    line: "7 eni-0ab 10.0.1.20 10.0.2.30 41000 8080 6 1200 ACCEPT arn:aws:ecs:us-east-1:123456789012:cluster/orders orders arn:aws:ecs:us-east-1:123456789012:container-instance/orders/0a1b 0a1b 3a2b7c 4c5d6e orders-api arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api:12 arn:aws:ecs:us-east-1:123456789012:task/orders/f00d f00d",
    expected: {
      ecsClusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/orders",
      ecsClusterName: "orders",
      ecsContainerInstanceArn: "arn:aws:ecs:us-east-1:123456789012:container-instance/orders/0a1b",
      ecsContainerInstanceId: "0a1b",
      ecsContainerId: "3a2b7c",
      ecsSecondContainerId: "4c5d6e",
      ecsServiceName: "orders-api",
      ecsTaskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api:12",
      ecsTaskArn: "arn:aws:ecs:us-east-1:123456789012:task/orders/f00d",
      ecsTaskId: "f00d",
    },
  },
  {
    name: "v8 reject reason BPA",
    format: V8_FORMAT,
    line: "8 eni-1 198.51.100.7 10.0.0.9 443 6 REJECT BPA OK",
    expected: { action: "REJECT", rejectReason: "BPA", dstPort: 443 },
  },
  {
    name: "EFA traffic type",
    format: "${version} ${interface-id} ${type}",
    line: "3 eni-1 EFA",
    expected: { type: "EFA" },
  },
];

describe("parseFlowRecord", () => {
  it.each(cases)("$name", ({ format, line, expected }) => {
    const record = parseFlowRecord(line, format ? parseFlowFormat(format) : DEFAULT_FLOW_FORMAT);
    expect(record).not.toBeNull();
    expect(record).toMatchObject(expected);
  });

  const invalid: { name: string; line: string; problem: RegExp }[] = [
    { name: "too few fields", line: "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT", problem: /13 fields but the format has 14/ },
    { name: "too many fields", line: "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK extra", problem: /15 fields/ },
    { name: "a port that is not a number", line: "2 123456789010 eni-1 10.0.0.1 10.0.0.2 http 2 6 1 1 1 2 ACCEPT OK", problem: /field 6 \(srcport\) is "http"/ },
    { name: "a negative number", line: "2 123456789010 eni-1 10.0.0.1 10.0.0.2 -1 2 6 1 1 1 2 ACCEPT OK", problem: /field 6 \(srcport\) is "-1"/ },
    { name: "an unknown action", line: "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ALLOW OK", problem: /field 13 \(action\) is "ALLOW", expected one of ACCEPT, REJECT/ },
    { name: "the header line", line: "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status", problem: /header line/ },
    { name: "an empty line", line: "", problem: /empty/ },
  ];
  it.each(invalid)("rejects $name and says why", ({ line, problem }) => {
    expect(parseFlowRecord(line, DEFAULT_FLOW_FORMAT)).toBeNull();
    expect(explainFlowRecordProblem(line, DEFAULT_FLOW_FORMAT)).toMatch(problem);
  });

  it("has no problem to explain for a good line", () => {
    expect(explainFlowRecordProblem(cases[0]!.line, DEFAULT_FLOW_FORMAT)).toBeUndefined();
  });

  it("reads every line of the real lambda-promtail sample file after its header", () => {
    const text = zlib.gunzipSync(fs.readFileSync(path.resolve(import.meta.dirname, "testdata/lambda-promtail-vpcflowlog.log.gz"))).toString("utf8");
    const [header, ...lines] = text.trim().split("\n");
    expect(header).toBe(DEFAULT_FLOW_FORMAT.header);
    expect(lines).toHaveLength(3);
    const records = lines.map((line) => parseFlowRecord(line, DEFAULT_FLOW_FORMAT));
    expect(records.map((r) => r?.bytes)).toEqual([21869, 12071, 112]);
    expect(records[0]).toMatchObject({ interfaceId: "eni-0050644426037aa0f", srcAddr: "10.26.1.153", dstAddr: "3.239.232.29", dstPort: 443 });
  });
});

describe("formatFlowRecord", () => {
  it.each(cases)("round-trips $name", ({ format, line }) => {
    const parsed = format ? parseFlowFormat(format) : DEFAULT_FLOW_FORMAT;
    const record = parseFlowRecord(line, parsed) as FlowRecord;
    const written = formatFlowRecord(record, parsed);
    expect(written).toBe(line.trim().replace(/ +/g, " "));
    expect(parseFlowRecord(written, parsed)).toEqual(record);
  });

  it("writes absent values as -", () => {
    const record = createFlowRecord({ version: 2, accountId: "123456789012", interfaceId: "eni-1", start: 10, end: 20, logStatus: "NODATA" });
    expect(formatFlowRecord(record, DEFAULT_FLOW_FORMAT)).toBe("2 123456789012 eni-1 - - - - - - - 10 20 - NODATA");
  });
});

describe("FlowRecord", () => {
  it("has one property per field, each filled from its own position", () => {
    // The parser's switch statements use FLOW_FIELDS indexes: a field put in the wrong property fails here.
    const format = parseFlowFormat(FLOW_FIELDS.map((f) => f.name).join(" "));
    const values = FLOW_FIELDS.map((spec, index) => (spec.kind === "number" ? String(1000 + index) : spec.values ? (spec.values.at(-1) as string) : `text${index}`));
    const record = parseFlowRecord(values.join(" "), format) as FlowRecord;
    expect(record).not.toBeNull();
    for (const [index, spec] of FLOW_FIELDS.entries()) {
      const expected = spec.kind === "number" ? 1000 + index : values[index];
      expect(record[spec.property], spec.name).toBe(expected);
    }
    expect(Object.keys(new FlowRecord()).sort()).toEqual(FLOW_FIELDS.map((f) => f.property).sort());
  });
});

describe("non-ASCII lines", () => {
  it("are not records, and the explanation says where", () => {
    const line = "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OKé";
    expect(parseFlowRecord(line, DEFAULT_FLOW_FORMAT)).toBeNull();
    expect(explainFlowRecordProblem(line, DEFAULT_FLOW_FORMAT)).toMatch(/contains "é" at character 63; flow records are ASCII/);
  });

  it("are read again correctly after a long line grew the buffer", () => {
    const long = `2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT ${"x".repeat(5000)}`;
    expect(parseFlowRecord(long, DEFAULT_FLOW_FORMAT)).toBeNull();
    expect(parseFlowRecord(cases[0]!.line, DEFAULT_FLOW_FORMAT)?.bytes).toBe(4249);
  });
});
