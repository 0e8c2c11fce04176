import { describe, expect, it } from "vitest";
import { costCsv, csvField } from "./csv";
import type { CostLine } from "./report";

const line = (values: Partial<CostLine>): CostLine => ({
  month: 0,
  priceRegion: "eu-west-3",
  path: "nat_processing",
  accountId: "111111111111",
  region: "eu-west-3",
  vpcId: "vpc-1",
  vpcName: "prod-core",
  availabilityZone: "eu-west-3a",
  service: "checkout",
  team: "storefront",
  peerClass: "aws",
  peerName: "S3",
  peerRegion: "eu-west-3",
  direction: "out",
  via: "NAT gateway nat-1 (eu-west-3a)",
  viaKind: "nat_gateway",
  inferred: false,
  bytes: 0,
  packets: 0,
  flows: 0,
  hours: 0,
  dollars: 0,
  ...values,
});

describe("cost CSV", () => {
  it.each([
    ["plain", "plain"],
    ["a, b", '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["=HYPERLINK(1)", "'=HYPERLINK(1)"],
    ["-5", "'-5"],
    [" padded", '" padded"'],
  ])("quotes %j as %s", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it("sums the lines of a group, largest dollars first, with a header", () => {
    const csv = costCsv(
      [
        line({ bytes: 1024 ** 3, dollars: 0.048, direction: "out" }),
        line({ bytes: 1024 ** 3, dollars: 0.048, direction: "in" }),
        line({ service: "ledger", team: "payments", path: "internet_egress", peerClass: "internet", peerName: "internet", via: null, bytes: 10, dollars: 0.5 }),
      ],
      new Map([["111111111111", "acme-prod"]]),
    );
    expect(csv.split("\r\n")).toEqual([
      "team,service,account_id,account,vpc,region,path,path_label,destination,destination_class,via,bytes,gib,hours,dollars",
      "payments,ledger,111111111111,acme-prod,prod-core,eu-west-3,internet_egress,Internet egress,internet,internet,,10,0.000000,,0.5000",
      "storefront,checkout,111111111111,acme-prod,prod-core,eu-west-3,nat_processing,NAT gateway processing,S3,aws,NAT gateway nat-1 (eu-west-3a),2147483648,2.000000,,0.0960",
      "",
    ]);
  });
});
