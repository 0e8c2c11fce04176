import { describe, expect, it } from "vitest";
import type { FlowFilter } from "@/server/explore/filter";
import {
  decodeFlowRef,
  encodeFlowRef,
  exploreHref,
  filterOfState,
  loadExploreState,
  loadRejectedState,
  serializeExplore,
  stateOfFilter,
} from "./view-state";

describe("Explore's URL state", () => {
  it("defaults to the last hour of flow lines, built from an empty filter", () => {
    const state = loadExploreState(new URLSearchParams(""));
    expect(state).toMatchObject({ from: "now-1h", to: "now", mode: "builder", show: "flows", by: "action", measure: "flows", top: 8, limit: 1000, flow: null, action: [] });
    expect(filterOfState(state)).toEqual({});
  });

  it("reads filters with kept and left-out values under their short keys", () => {
    const state = loadExploreState(new URLSearchParams("dst_port=5432,8443&action=!ACCEPT&src_service=payments-api&eni=eni-0a"));
    expect(filterOfState(state)).toEqual({
      dstPort: { in: ["5432", "8443"], out: [] },
      action: { in: [], out: ["ACCEPT"] },
      srcService: { in: ["payments-api"], out: [] },
      interface: { in: ["eni-0a"], out: [] },
    });
  });

  it("ignores values a field cannot take and falls back to defaults", () => {
    const state = loadExploreState(new URLSearchParams("show=pie&by=colour&top=lots&mode=x"));
    expect(state).toMatchObject({ show: "flows", by: "action", top: 8, mode: "builder" });
  });

  it.each<[string, FlowFilter]>([
    ["empty", {}],
    ["kept and left out", { src: { in: ["10.0.0.0/8"], out: ["10.0.0.1"] }, action: { in: ["REJECT"], out: [] } }],
    ["values with separators and marks", { text: { in: ["a,b", "!bang", "\\slash"], out: ["x,y"] } }],
  ])("round-trips a filter through the URL: %s", (_name, filter) => {
    const url = serializeExplore({ from: "1795180000000", to: "1795183600000", ...stateOfFilter(filter) });
    const state = loadExploreState(new URLSearchParams(url.slice(1)));
    expect(filterOfState(state)).toEqual(filter);
    expect(state.from).toBe("1795180000000");
  });

  it("keeps a drawer's flow in the URL", () => {
    const flow = { tsNs: "1795183793000417493", labels: { __aws_s3_vpc_flow: "fl-0a", __aws_log_type: "s3_vpc_flow" }, line: "2 123 eni-1 10.0.0.1 ↯ \"q\" REJECT OK" };
    const url = serializeExplore({ flow: encodeFlowRef(flow) });
    expect(decodeFlowRef(loadExploreState(new URLSearchParams(url.slice(1))).flow)).toEqual(flow);
    expect(decodeFlowRef("nonsense")).toBeNull();
    expect(decodeFlowRef("123.%%%")).toBeNull();
  });

  it("builds Explore links from the views, leaving defaults out", () => {
    expect(exploreHref({ filter: { action: { in: ["REJECT"], out: [] } }, from: "now-24h", to: "now", show: "chart", by: "vpc" })).toBe(
      "/explore?from=now-24h&show=chart&by=vpc&action=REJECT",
    );
  });
});

describe("the views' URL state", () => {
  it("defaults to the last 24 hours split by VPC", () => {
    expect(loadRejectedState(new URLSearchParams(""))).toMatchObject({ from: "now-24h", to: "now", by: "vpc", top: 8 });
    expect(loadRejectedState(new URLSearchParams("by=destination")).by).toBe("vpc");
  });
});
