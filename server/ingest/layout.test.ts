import { describe, expect, it } from "vitest";
import { isFlowLogFileName, parseFlowLogKey } from "./layout";

const NAME = "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz";
const AT = Date.UTC(2018, 5, 20, 16, 20) / 1000;

describe("parseFlowLogKey", () => {
  it.each([
    ["AWS's default layout", `my-bucket/AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/${NAME}`, "default"],
    ["a default layout at the bucket root", `AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/${NAME}`, "default"],
    ["per-hour partitions", `prefix/AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/16/${NAME}`, "hourly"],
    [
      "Hive-compatible partitions",
      `AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2018/month=06/day=20/hour=16/${NAME}`,
      "hive",
    ],
    ["a file name on its own", `/tmp/downloads/${NAME}`, "file-name-only"],
    ["an uncompressed file", `AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/${NAME.replace(".gz", "")}`, "default"],
  ])("reads %s", (_name, key, layout) => {
    expect(parseFlowLogKey(key)).toEqual({ account: "123456789012", region: "us-east-1", flowLogId: "fl-1234abcd", deliveredAt: AT, layout });
  });

  it("reads regions with several dashes and 17-digit flow log ids", () => {
    const key = "AWSLogs/111111111111/vpcflowlogs/ap-southeast-2/2026/11/24/111111111111_vpcflowlogs_ap-southeast-2_fl-0a1b2c3d4e5f67890_20261124T0005Z_0a1b2c3d.log.gz";
    expect(parseFlowLogKey(key)).toMatchObject({ region: "ap-southeast-2", flowLogId: "fl-0a1b2c3d4e5f67890", layout: "default" });
  });

  it("says file-name-only when the folder disagrees with the name", () => {
    const key = `AWSLogs/999999999999/vpcflowlogs/us-east-1/2018/06/20/${NAME}`;
    expect(parseFlowLogKey(key)?.layout).toBe("file-name-only");
  });

  it.each([
    "AWSLogs/123456789012/elasticloadbalancing/us-east-1/2022/01/24/123456789012_elasticloadbalancing_us-east-1_app.my-lb.b13e_20220124T0000Z_0.0.0.0_2et2e1mx.log.gz",
    "flows.log",
    "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.parquet",
  ])("rejects %s", (key) => {
    expect(parseFlowLogKey(key)).toBeUndefined();
  });
});

describe("isFlowLogFileName", () => {
  it.each([
    ["a.log.gz", true],
    ["a.log", true],
    ["a.parquet", false],
    ["a.log.gz.tmp", false],
  ])("%s → %s", (name, expected) => {
    expect(isFlowLogFileName(name)).toBe(expected);
  });
});
