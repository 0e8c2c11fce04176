import { describe, expect, it } from "vitest";
import { DEFAULT_FLOW_FORMAT, parseFlowFormat } from "./format";
import { FlowFormatRegistry, flowLogIdFromS3Key } from "./registry";

describe("FlowFormatRegistry", () => {
  it("uses the default format for flow logs it does not know", () => {
    expect(new FlowFormatRegistry().formatOf("fl-0123")).toBe(DEFAULT_FLOW_FORMAT);
  });

  it("learns a flow log's format from its header line and ignores records", () => {
    const registry = new FlowFormatRegistry();
    expect(registry.observeLine("fl-1", "5 vpc-1 10.0.0.1 egress")).toBeUndefined();
    expect(registry.observeLine("fl-1", "version vpc-id srcaddr flow-direction")?.version).toBe(5);
    expect(registry.formatOf("fl-1").header).toBe("version vpc-id srcaddr flow-direction");
    expect(registry.get("fl-1")?.source).toBe("header");
    expect(registry.formatOf("fl-2")).toBe(DEFAULT_FLOW_FORMAT);
  });

  it("lets a header read from the files replace a configured format, and reports changes", () => {
    const registry = new FlowFormatRegistry([{ flowLogId: "fl-1", format: parseFlowFormat("version srcaddr"), source: "configured" }]);
    expect(registry.set("fl-1", parseFlowFormat("version srcaddr"), "configured")).toBe(false);
    expect(registry.set("fl-1", parseFlowFormat("version dstaddr"), "header")).toBe(true);
    expect(registry.formatOf("fl-1").header).toBe("version dstaddr");
  });

  it("groups flow logs by format", () => {
    const registry = new FlowFormatRegistry([
      { flowLogId: "fl-b", format: parseFlowFormat("version srcaddr"), source: "configured" },
      { flowLogId: "fl-a", format: parseFlowFormat("version srcaddr"), source: "header" },
      { flowLogId: "fl-c", format: DEFAULT_FLOW_FORMAT, source: "header" },
    ]);
    const groups = [...registry.groupsByFormat().values()].map((g) => [g.format.header, g.flowLogIds]);
    expect(groups).toEqual([
      ["version srcaddr", ["fl-a", "fl-b"]],
      [DEFAULT_FLOW_FORMAT.header, ["fl-c"]],
    ]);
  });
});

describe("flowLogIdFromS3Key", () => {
  it.each([
    ["AWSLogs/123456789012/vpcflowlogs/eu-west-3/2026/11/24/123456789012_vpcflowlogs_eu-west-3_fl-0a1b2c3d4e5f60718_20261124T1210Z_3f2a9c1d.log.gz", "fl-0a1b2c3d4e5f60718"],
    ["AWSLogs/123456789012/vpcflowlogs/us-east-1/2022/12/01/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20221201T0000Z_abcdef01.log", "fl-1234abcd"],
    ["AWSLogs/123456789012/elasticloadbalancing/us-east-1/x.log.gz", undefined],
  ])("%s", (key, id) => expect(flowLogIdFromS3Key(key)).toBe(id));
});
