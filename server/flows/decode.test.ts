import { describe, expect, it } from "vitest";
import { decodeFlowRecord, flowDirectionOf, logStatusLabel, portName, protocolName, servicePort, tcpFlagNames, trafficPathLabel } from "./decode";
import { createFlowRecord } from "./record";

describe("decoding for people", () => {
  it.each([
    [6, "TCP"],
    [17, "UDP"],
    [1, "ICMP"],
    [58, "IPv6-ICMP"],
    [50, "ESP"],
    [47, "GRE"],
    [253, "protocol 253"],
  ])("protocol %i is %s", (number, name) => expect(protocolName(number)).toBe(name));

  it.each([
    [443, 6, "https"],
    [53, 17, "dns"],
    [53, 6, "dns"],
    [123, 17, "ntp"],
    [123, 6, undefined],
    [5432, 6, "postgresql"],
    [6379, 6, "redis"],
    [54321, 6, undefined],
    [443, 1, undefined],
    [22, null, "ssh"],
  ] as const)("port %i/%s is %s", (port, protocol, name) => expect(portName(port, protocol)).toBe(name));

  it.each([
    [18, "SYN,ACK"],
    [2, "SYN"],
    [3, "FIN,SYN"],
    [19, "FIN,SYN,ACK"],
    [4, "RST"],
    [24, "PSH,ACK"],
    [0, ""],
    [63, "FIN,SYN,RST,PSH,ACK,URG"],
  ])("TCP flags %i are %s", (flags, names) => expect(tcpFlagNames(flags)).toBe(names));

  it.each([
    [1, /same VPC/],
    [2, /internet gateway or a gateway VPC endpoint/],
    [4, /intra-region VPC peering/],
    [8, /internet gateway \(Nitro\)/],
    [42, /traffic path 42/],
  ])("traffic path %i", (path, label) => expect(trafficPathLabel(path)).toMatch(label));

  it("labels log status", () => {
    expect(logStatusLabel("NODATA")).toMatch(/no traffic/);
    expect(logStatusLabel("SKIPDATA")).toMatch(/skipped/);
  });

  it.each([
    [{ srcPort: 51000, dstPort: 443, protocol: 6 }, 443],
    [{ srcPort: 443, dstPort: 51000, protocol: 6 }, 443],
    [{ srcPort: 40000, dstPort: 8081, protocol: 6 }, 8081],
    [{ srcPort: 0, dstPort: 0, protocol: 1 }, undefined],
    [{ srcPort: null, dstPort: null, protocol: null }, undefined],
  ])("the service port of %o is %s", (ports, port) => expect(servicePort(ports)).toBe(port));

  it("decodes a whole record", () => {
    const record = createFlowRecord({ srcPort: 43416, dstPort: 5432, protocol: 6, tcpFlags: 18, trafficPath: 1, logStatus: "OK", rejectReason: "BPA" });
    expect(decodeFlowRecord(record)).toEqual({
      protocol: "TCP",
      dstPort: "postgresql",
      service: "postgresql",
      tcpFlags: "SYN,ACK",
      trafficPath: "through another resource in the same VPC",
      logStatus: "logged normally",
      rejectReason: "blocked by VPC Block Public Access",
    });
    expect(decodeFlowRecord(createFlowRecord({ srcPort: 40000, dstPort: 8081, protocol: 6 })).service).toBe("TCP/8081");
  });
});

describe("flowDirectionOf", () => {
  const mine = (address: string) => address === "10.0.1.5";
  it.each([
    [{ flowDirection: "ingress", srcAddr: "10.0.1.5", dstAddr: "1.1.1.1" }, mine, "ingress"],
    [{ flowDirection: null, srcAddr: "10.0.1.5", dstAddr: "1.1.1.1" }, mine, "egress"],
    [{ flowDirection: null, srcAddr: "1.1.1.1", dstAddr: "10.0.1.5" }, mine, "ingress"],
    [{ flowDirection: null, srcAddr: "1.1.1.1", dstAddr: "2.2.2.2" }, mine, undefined],
    [{ flowDirection: null, srcAddr: "10.0.1.5", dstAddr: "10.0.1.5" }, mine, undefined],
    [{ flowDirection: null, srcAddr: "10.0.1.5", dstAddr: "1.1.1.1" }, undefined, undefined],
  ] as const)("%o", (record, isMine, direction) => expect(flowDirectionOf(record, isMine)).toBe(direction));
});
