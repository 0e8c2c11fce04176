import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { DEFAULT_FLOW_FORMAT, flowFormatFromHeader, isFlowHeaderLine, parseFlowFormat } from "./format";

describe("parseFlowFormat", () => {
  const spellings: { name: string; text: string }[] = [
    { name: "AWS LogFormat notation", text: "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}" },
    { name: "a header line", text: "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status" },
    { name: "a comma-separated list", text: "version,account-id,interface-id,srcaddr,dstaddr,srcport,dstport,protocol,packets,bytes,start,end,action,log-status" },
  ];
  it.each(spellings)("reads $name as the default format", ({ text }) => {
    const format = parseFlowFormat(text);
    expect(format.header).toBe(DEFAULT_FLOW_FORMAT.header);
    expect(format.version).toBe(2);
  });

  const versions: { text: string; version: number }[] = [
    { text: "${version} ${srcaddr}", version: 2 },
    { text: "${version} ${vpc-id} ${srcaddr}", version: 3 },
    { text: "${az-id} ${srcaddr}", version: 4 },
    { text: "${flow-direction} ${traffic-path} ${vpc-id}", version: 5 },
    { text: "${ecs-task-id} ${srcaddr}", version: 7 },
    { text: "${reject-reason} ${srcaddr}", version: 8 },
  ];
  it.each(versions)("gives $text version $version (the highest of its fields)", ({ text, version }) => {
    expect(parseFlowFormat(text).version).toBe(version);
  });

  it("writes the format back in AWS notation", () => {
    expect(parseFlowFormat("vpc-id srcaddr").text).toBe("${vpc-id} ${srcaddr}");
  });

  const bad: { text: string; message: RegExp }[] = [
    { text: "", message: /at least one field/ },
    { text: "${version} ${source-address}", message: /"source-address" \(field 2 of the format\) is not a VPC flow log field/ },
    { text: "version srcaddr version", message: /names "version" twice \(fields 1 and 3\)/ },
  ];
  it.each(bad)("refuses $text", ({ text, message }) => {
    expect(() => parseFlowFormat(text)).toThrow(message);
    expect(() => parseFlowFormat(text)).toThrow(AppError);
  });
});

describe("header lines", () => {
  const lines: { line: string; header: boolean }[] = [
    { line: "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status", header: true },
    { line: "version vpc-id subnet-id pkt-srcaddr flow-direction traffic-path reject-reason", header: true },
    { line: "vpc-id srcaddr\n", header: true },
    { line: "2 123456789010 eni-1 - - - - - - - 1 2 - NODATA", header: false },
    { line: "vpc-0a1b 10.0.0.1", header: false },
    { line: "version version", header: false },
    { line: "", header: false },
  ];
  it.each(lines)("$line → $header", ({ line, header }) => {
    expect(isFlowHeaderLine(line)).toBe(header);
    expect(flowFormatFromHeader(line) !== undefined).toBe(header);
  });

  it("gives the declared format", () => {
    expect(flowFormatFromHeader("version vpc-id srcaddr")?.fields.map((f) => f.property)).toEqual(["version", "vpcId", "srcAddr"]);
  });
});
