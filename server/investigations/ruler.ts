/**
 * A Loki ruler rule group (Prometheus rule YAML, as Loki's ruler and `lokitool`/`cortextool`
 * load it) generated from a panel's metric query: a recording rule, and optionally an alerting
 * rule with a threshold and `for`. Pure code.
 */
import YAML from "yaml";
import { parseDurationMs } from "../env";
import { AppError } from "../errors";
import { checkLogQL } from "../explore/logql-check";

export type ThresholdOperator = ">" | ">=" | "<" | "<=" | "==" | "!=";

export interface RuleGroupInput {
  /** Rule group name, e.g. the investigation's title. */
  group: string;
  /** A metric LogQL query. */
  query: string;
  /** Name of the recorded series, e.g. `flowlens:rejected_flows:sum_by_owner`. */
  record: string;
  /** How often the ruler evaluates the group, e.g. `1m`. */
  interval?: string;
  alert?: {
    name: string;
    operator: ThresholdOperator;
    threshold: number;
    for: string;
    severity?: string;
    summary?: string;
  };
  /** Where the evidence is, e.g. the investigation's share link. */
  link?: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const ALERT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A readable default record name from free text: `Rejected flows per account` → `flowlens:rejected_flows_per_account`. */
export function recordNameFor(text: string): string {
  const body = text.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return `flowlens:${body || "query"}`;
}

export function ruleGroupYaml(input: RuleGroupInput): string {
  const query = input.query.trim();
  const check = checkLogQL(query);
  if (!check.ok) throw new AppError("BAD_REQUEST", `The rule's query is not valid LogQL: ${check.message}`);
  if (check.kind === "log") {
    throw new AppError("BAD_REQUEST", "Rules need a metric query (e.g. sum by (…) (count_over_time({…}[5m]))); this panel shows log lines.");
  }
  if (!METRIC_NAME.test(input.record)) {
    throw new AppError("BAD_REQUEST", `"${input.record}" is not a valid metric name for a recording rule: use letters, digits, _ and :, not starting with a digit.`);
  }
  const interval = input.interval ?? "1m";
  if (parseDurationMs(interval) === undefined) throw new AppError("BAD_REQUEST", `The interval "${interval}" is not a duration such as 1m.`);
  const rules: Record<string, unknown>[] = [{ record: input.record, expr: query }];
  if (input.alert) {
    const alert = input.alert;
    if (!ALERT_NAME.test(alert.name)) {
      throw new AppError("BAD_REQUEST", `"${alert.name}" is not a valid alert name: use letters, digits and _, e.g. PaymentsRejectsHigh.`);
    }
    if (!Number.isFinite(alert.threshold)) throw new AppError("BAD_REQUEST", "The alert threshold must be a number.");
    if (parseDurationMs(alert.for) === undefined) throw new AppError("BAD_REQUEST", `"for: ${alert.for}" is not a duration such as 10m.`);
    rules.push({
      alert: alert.name,
      expr: `${query} ${alert.operator} ${alert.threshold}`,
      for: alert.for,
      labels: { severity: alert.severity ?? "warning" },
      annotations: {
        summary: alert.summary ?? `${alert.name}: value {{ $value }} ${alert.operator} ${alert.threshold}`,
        ...(input.link ? { flowlens_investigation: input.link } : {}),
      },
    });
  }
  return YAML.stringify({ groups: [{ name: input.group.trim() || "flowlens", interval, rules }] }, { lineWidth: 0 });
}

/** The one metric expression a panel can be alerted on: its series query (a chart split over several queries has none). */
export function ruleQueryOfPanel(queries: readonly string[], roles: readonly ("series" | "total")[] | undefined): string {
  const series = queries.filter((_, i) => (roles?.[i] ?? "series") === "series");
  if (series.length !== 1) {
    throw new AppError(
      "BAD_REQUEST",
      `This panel's chart runs as ${series.length} queries (one per flow log format or part of a long list), so no single expression can be alerted on. Narrow its filter, or write the rule's query in Explore's LogQL editor and save that.`,
    );
  }
  return series[0] as string;
}
