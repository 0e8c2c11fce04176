import { describe, expect, it } from "vitest";
import { grafanaExploreUrl } from "./grafana";

describe("Grafana Explore links", () => {
  it("writes one pane with the Loki data source, every query and the range", () => {
    const url = new URL(
      grafanaExploreUrl({
        grafanaUrl: "https://grafana.example.com/sub/",
        datasource: "loki-uid",
        queries: ['{__aws_log_type="s3_vpc_flow"} |= "REJECT"', 'sum(count_over_time({a="b"}[5m]))'],
        from: "1795183200000",
        to: "now",
      }),
    );
    expect(url.origin + url.pathname).toBe("https://grafana.example.com/sub/explore");
    expect(url.searchParams.get("schemaVersion")).toBe("1");
    expect(url.searchParams.get("orgId")).toBe("1");
    expect(JSON.parse(url.searchParams.get("panes") ?? "")).toEqual({
      flowlens: {
        datasource: "loki-uid",
        queries: [
          { refId: "A", expr: '{__aws_log_type="s3_vpc_flow"} |= "REJECT"', queryType: "range", editorMode: "code", datasource: { type: "loki", uid: "loki-uid" } },
          { refId: "B", expr: 'sum(count_over_time({a="b"}[5m]))', queryType: "range", editorMode: "code", datasource: { type: "loki", uid: "loki-uid" } },
        ],
        range: { from: "1795183200000", to: "now" },
      },
    });
  });
});
