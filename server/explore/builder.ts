/**
 * The one flow query builder: resolved filter conditions + the flow logs' formats → LogQL.
 *
 * - Stream labels (account, flow log) go into the stream selector: cheap for Loki.
 * - Record fields are extracted with the `pattern` generated from each flow log's own format
 *   (server/flows), capturing only the fields the query needs, then matched with label filters:
 *   exact values with `=`/`!=` (regex alternations with escaped values for several), addresses
 *   with `ip()`, port ranges with numeric comparisons.
 * - A substring line filter in front (`|= "REJECT"`) where it can only narrow the lines the label
 *   filters keep anyway, so Loki skips most lines before parsing them.
 * - Flow logs written in different formats need different patterns: one query per format group,
 *   selected by `__aws_s3_vpc_flow`. Log queries are run one by one and merged by the portal;
 *   metric queries are combined into one LogQL expression (`label_replace(…) or …` then summed), so
 *   Loki computes `topk` over all of them. A filter on a field that a format lacks leaves that
 *   group out, and the plan says so.
 * - Loki refuses queries of 5,120 bytes and more: a long list of interfaces or addresses is split
 *   over several queries whose answers are merged (sums stay exact: the parts are disjoint).
 *
 * Pure code: no I/O. Tested by builder.test.ts (filter → LogQL text) and parse.test.ts (LogQL →
 * filter, and back).
 */
import { AppError } from "../errors";
import { flowField } from "../flows/fields";
import { DEFAULT_FLOW_FORMAT, type FlowFormat } from "../flows/format";
import { flowPattern } from "../flows/pattern";
import type { FlowFormatRegistry } from "../flows/registry";
import { type FilterField, FILTER_FIELD_INFO, addressValueKind, parsePortValue } from "./filter";
import { escapeRegex, exactString, regexAlternation, regexString } from "./logql-text";

export const LOG_TYPE_LABEL = "__aws_log_type";
export const LOG_TYPE_VALUE = "s3_vpc_flow";
export const FLOW_LOG_LABEL = "__aws_s3_vpc_flow";
export const OWNER_LABEL = "__aws_s3_vpc_flow_owner";

/** Loki's parser refuses queries of 5,120 bytes and more; keep a margin. */
export const MAX_QUERY_BYTES = 5000;

/** The label flowlens adds to tell format groups apart inside one metric expression. */
export const GROUP_LABEL = "flowlens_format";

export type StreamLabel = typeof OWNER_LABEL | typeof FLOW_LOG_LABEL;

/** Where a condition came from: a filter field, or something a view adds. */
export type ConditionOrigin = FilterField | "view";

/** One condition of a query, in terms the builder can write. Values of a condition are alternatives (any of them; none of them when negated). */
export type FlowCondition =
  | { kind: "stream"; label: StreamLabel; values: string[]; negate: boolean; origin: ConditionOrigin }
  /** Exact values of a record field (AWS name, e.g. `action`, `interface-id`). */
  | { kind: "equals"; field: string; values: string[]; negate: boolean; origin: ConditionOrigin }
  /** srcaddr/dstaddr: IPv4 addresses matched exactly, IPv6 addresses, CIDRs and ranges with ip(). */
  | { kind: "address"; field: "srcaddr" | "dstaddr" | "pkt-srcaddr" | "pkt-dstaddr"; values: string[]; negate: boolean; origin: ConditionOrigin }
  /** srcport/dstport: `443` or `1024-65535`. */
  | { kind: "port"; field: "srcport" | "dstport"; values: string[]; negate: boolean; origin: ConditionOrigin }
  /** Text anywhere in the line. */
  | { kind: "text"; values: string[]; negate: boolean; origin: ConditionOrigin }
  /** Ways to say the same thing; each group uses the first whose fields its format has. */
  | { kind: "anyOf"; options: FlowCondition[]; origin: ConditionOrigin }
  /** Matches nothing (e.g. a service with no interface in the time range); `reason` says why. */
  | { kind: "nothing"; reason: string; origin: ConditionOrigin };

export type FlowMeasure = "flows" | "bytes" | "packets";

export type FlowQueryOutput =
  | { kind: "logs" }
  | {
      kind: "metric";
      measure: FlowMeasure;
      /** Labels to keep: stream labels or record fields by label name (`interface_id`, `dstaddr`). */
      by: string[];
      /** The range of each sample, a LogQL duration: the step for charts, the whole window for totals. */
      range: string;
      /** Keep the k largest series (of the combined answer). */
      topk?: number;
    };

/** Flow logs of one format. The default group also holds every flow log not registered. */
export interface FormatGroup {
  format: FlowFormat;
  flowLogIds: string[];
  isDefault: boolean;
}

export interface PlannedGroup {
  format: string;
  /** The flow logs registered with this format; the default group also covers unregistered ones. */
  flowLogIds: string[];
  isDefault: boolean;
  /** Why the group is not queried, when it is not. */
  skipped?: string;
}

export interface FlowQueryPlan {
  /** The LogQL to run. Empty when the filter can match nothing. */
  queries: string[];
  /** How answers combine: one query; log lines merged by time; or samples summed by labels. */
  merge: "single" | "logs" | "sum";
  groups: PlannedGroup[];
  /** Things the person should know: groups left out, queries split, filters that match nothing. */
  notes: string[];
}

/** The format groups of a registry: one per distinct format, the fallback's marked default. */
export function formatGroupsOf(registry: FlowFormatRegistry): FormatGroup[] {
  const groups = registry.groupsByFormat();
  const fallback = registry.fallback;
  const result: FormatGroup[] = [{ format: fallback, flowLogIds: groups.get(fallback.header)?.flowLogIds ?? [], isDefault: true }];
  for (const [header, group] of groups) {
    if (header !== fallback.header) result.push({ format: group.format, flowLogIds: group.flowLogIds, isDefault: false });
  }
  return result;
}

/** Record fields (AWS names) a condition reads. */
function fieldsOf(condition: FlowCondition): string[] {
  switch (condition.kind) {
    case "equals":
    case "address":
    case "port":
      return [condition.field];
    default:
      return [];
  }
}

function hasFields(format: FlowFormat, fields: readonly string[]): boolean {
  return fields.every((field) => format.positions.has(field));
}

/** Field label (`interface_id`) → AWS name (`interface-id`). */
export function fieldNameOfLabel(label: string): string | undefined {
  const name = label.replace(/_/g, "-");
  return flowField(name) ? name : undefined;
}

const labelOf = (field: string) => field.replace(/-/g, "_");

function describeGroup(group: FormatGroup, all: readonly FormatGroup[]): string {
  const ids = group.flowLogIds.length > 0 ? `flow logs ${group.flowLogIds.join(", ")}` : "";
  if (group.isDefault) {
    const others = all.length > 1 ? "flow logs in the default format" : "the flow logs";
    return ids ? `${ids} and other ${others}` : others;
  }
  return `${ids} (format: ${group.format.header})`;
}

interface GroupQuery {
  group: FormatGroup;
  matchers: string[];
  /** Line filters, pattern and label filters, in order, each starting with `|` or `!=`/`|=`. */
  stages: string[];
  captured: string[];
  /** The conditions it was built from (to split it when it is too long). */
  conditions: Resolved[];
}

/** Renders a label filter for one condition on one field, as a list of stages (`| …`). */
function labelFilterStages(condition: FlowCondition): { stages: string[]; numeric: boolean } {
  switch (condition.kind) {
    case "equals": {
      const label = labelOf(condition.field);
      if (condition.values.length === 1) {
        return { stages: [`| ${label}${condition.negate ? "!=" : "="}${exactString(condition.values[0] as string)}`], numeric: false };
      }
      return { stages: [`| ${label}${condition.negate ? "!~" : "=~"}${regexString(regexAlternation(condition.values))}`], numeric: false };
    }
    case "address": {
      const label = labelOf(condition.field);
      const exact = condition.values.filter((v) => addressValueKind(v) === "address" && !v.includes(":"));
      const ranges = condition.values.filter((v) => !exact.includes(v));
      const terms: string[] = [];
      if (exact.length === 1) terms.push(`${label}${condition.negate ? "!=" : "="}${exactString(exact[0] as string)}`);
      else if (exact.length > 1) terms.push(`${label}${condition.negate ? "!~" : "=~"}${regexString(regexAlternation(exact))}`);
      for (const range of ranges) terms.push(`${label}${condition.negate ? "!=" : "="}ip(${exactString(range)})`);
      if (condition.negate) return { stages: terms.map((t) => `| ${t}`), numeric: false };
      return { stages: [terms.length === 1 ? `| ${terms[0]}` : `| (${terms.join(" or ")})`], numeric: false };
    }
    case "port": {
      const label = labelOf(condition.field);
      const ports = condition.values.map((v) => parsePortValue(v)).filter((p): p is { from: number; to: number } => p !== undefined);
      const single = ports.filter((p) => p.from === p.to).map((p) => String(p.from));
      const ranges = ports.filter((p) => p.from !== p.to);
      const terms: string[] = [];
      if (single.length === 1) terms.push(`${label}${condition.negate ? "!=" : "="}${exactString(single[0] as string)}`);
      else if (single.length > 1) terms.push(`${label}${condition.negate ? "!~" : "=~"}${regexString(regexAlternation(single))}`);
      for (const range of ranges) {
        terms.push(condition.negate ? `(${label} < ${range.from} or ${label} > ${range.to})` : `(${label} >= ${range.from} and ${label} <= ${range.to})`);
      }
      const numeric = ranges.length > 0;
      if (condition.negate) return { stages: terms.map((t) => `| ${t}`), numeric };
      return { stages: [terms.length === 1 ? `| ${terms[0]}` : `| (${terms.join(" or ")})`], numeric };
    }
    default:
      return { stages: [], numeric: false };
  }
}

/** Fields whose literal value always appears in a matching line: a substring filter in front is exact. */
const PREFILTER_FIELDS = new Set(["action", "interface-id", "vpc-id", "subnet-id", "srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr", "flow-direction"]);

function prefilterOf(condition: FlowCondition): string | undefined {
  if (condition.kind !== "equals" && condition.kind !== "address") return undefined;
  if (condition.negate || condition.values.length !== 1) return undefined;
  const value = condition.values[0] as string;
  if (condition.kind === "equals" && PREFILTER_FIELDS.has(condition.field)) return value;
  if (condition.kind === "address" && addressValueKind(value) === "address" && !value.includes(":")) return value;
  return undefined;
}

type Resolved = Exclude<FlowCondition, { kind: "anyOf" }>;

/** Picks, for one format, the form of each condition; undefined with the reason when the format cannot express one. */
function conditionsForFormat(
  conditions: readonly FlowCondition[],
  format: FlowFormat,
): { conditions: Resolved[] } | { missing: { origin: ConditionOrigin; fields: string[] } } | { nothing: string } {
  const out: Resolved[] = [];
  for (const condition of conditions) {
    if (condition.kind === "anyOf") {
      const option = condition.options.find((o) => o.kind !== "anyOf" && hasFields(format, fieldsOf(o)));
      if (!option || option.kind === "anyOf") {
        return { missing: { origin: condition.origin, fields: [...new Set(condition.options.flatMap(fieldsOf))] } };
      }
      if (option.kind === "nothing") return { nothing: option.reason };
      out.push(option);
      continue;
    }
    if (!hasFields(format, fieldsOf(condition))) return { missing: { origin: condition.origin, fields: fieldsOf(condition) } };
    out.push(condition);
  }
  return { conditions: out };
}

function streamMatcher(label: string, values: readonly string[], negate: boolean): string {
  if (values.length === 1) return `${label}${negate ? "!=" : "="}${exactString(values[0] as string)}`;
  return `${label}${negate ? "!~" : "=~"}${regexString(regexAlternation(values))}`;
}

/**
 * The flow logs a group reads, given the flow-log conditions: undefined = the group as it is
 * (its own selection), [] = nothing left.
 */
function groupFlowLogs(group: FormatGroup, all: readonly FormatGroup[], keep: string[] | undefined): { select: string[] | "group"; exclude: string[] } {
  const others = all.filter((g) => g !== group).flatMap((g) => g.flowLogIds);
  if (keep !== undefined) {
    const mine = group.isDefault ? keep.filter((id) => !others.includes(id)) : keep.filter((id) => group.flowLogIds.includes(id));
    return { select: mine, exclude: [] };
  }
  if (all.length === 1) return { select: "group", exclude: [] };
  if (group.isDefault) return { select: "group", exclude: others };
  return { select: group.flowLogIds, exclude: [] };
}

function intersect(sets: string[][]): string[] | undefined {
  if (sets.length === 0) return undefined;
  return (sets[0] as string[]).filter((v) => sets.every((s) => s.includes(v)));
}

/** What the output needs from the records, as AWS field names. */
function outputFields(output: FlowQueryOutput): string[] {
  if (output.kind === "logs") return [];
  const fields = output.by.filter((l) => l !== OWNER_LABEL && l !== FLOW_LOG_LABEL && l !== GROUP_LABEL).map((l) => fieldNameOfLabel(l) ?? l);
  if (output.measure !== "flows") fields.push(output.measure);
  return fields;
}

function renderSelector(matchers: readonly string[]): string {
  return `{${matchers.join(", ")}}`;
}

/**
 * A log query. No `| drop` of the extracted fields at the end: Loki 2.7 has no drop stage. Loki then
 * answers one stream per set of extracted values; the portal reads the stream labels back
 * (rows.ts) without them.
 */
function renderLogQuery(q: GroupQuery): string {
  return [renderSelector(q.matchers), ...q.stages].join(" ");
}

/**
 * `[range] offset 1ns`: each point then counts the records of [t − range, t). Without the offset,
 * Loki's query frontend (and the embedded store, which answers as Loki does) reads each
 * 30-minute sub-query up to its end exclusive and loses a record stamped exactly on that edge;
 * lambda-promtail stamps records on whole seconds, so such records exist (see server/logql/frontend.ts).
 */
function renderRangeAggregation(q: GroupQuery, output: Extract<FlowQueryOutput, { kind: "metric" }>): string {
  const inner = [renderSelector(q.matchers), ...q.stages];
  if (output.measure === "flows") return `count_over_time(${inner.join(" ")} [${output.range}] offset 1ns)`;
  return `sum_over_time(${inner.join(" ")} | unwrap ${output.measure} | __error__="" [${output.range}] offset 1ns)`;
}

function grouping(by: readonly string[]): string {
  return by.length > 0 ? `sum by (${by.join(", ")})` : "sum";
}

function renderMetric(queries: readonly GroupQuery[], output: Extract<FlowQueryOutput, { kind: "metric" }>): string {
  let expression: string;
  if (queries.length === 1) {
    expression = `${grouping(output.by)} (${renderRangeAggregation(queries[0] as GroupQuery, output)})`;
  } else {
    const legs = queries.map((q, i) => `label_replace(${grouping(output.by)} (${renderRangeAggregation(q, output)}), "${GROUP_LABEL}", "${i + 1}", "", "")`);
    expression = `${grouping(output.by)} (${legs.join(" or ")})`;
  }
  return output.topk !== undefined ? `topk(${output.topk}, ${expression})` : expression;
}

const byteLength = (text: string) => Buffer.byteLength(text, "utf8");

/** Condition index and values of the longest list that may be split across queries (kept values only). */
function splittable(conditions: readonly Resolved[]): number {
  let best = -1;
  let bestLength = 1;
  conditions.forEach((c, i) => {
    if ((c.kind === "equals" || c.kind === "address") && !c.negate && c.values.length > bestLength) {
      best = i;
      bestLength = c.values.length;
    }
  });
  return best;
}

export interface BuildFlowQueryInput {
  conditions: readonly FlowCondition[];
  groups: readonly FormatGroup[];
  output: FlowQueryOutput;
}

/** Builds the queries for `conditions` over the format groups. Throws BAD_REQUEST when no query can be short enough. */
export function buildFlowQueries(input: BuildFlowQueryInput): FlowQueryPlan {
  const { output } = input;
  const allGroups = input.groups.length > 0 ? input.groups : [{ format: DEFAULT_FLOW_FORMAT, flowLogIds: [], isDefault: true }];
  const notes: string[] = [];
  const nothing = input.conditions.find((c): c is Extract<FlowCondition, { kind: "nothing" }> => c.kind === "nothing");
  const planned: PlannedGroup[] = allGroups.map((g) => ({ format: g.format.header, flowLogIds: g.flowLogIds, isDefault: g.isDefault }));
  if (nothing) {
    return { queries: [], merge: "single", groups: planned.map((g) => ({ ...g, skipped: nothing.reason })), notes: [nothing.reason] };
  }

  // Conditions that need no record field work for every format: one query, no pattern, no split by format.
  const needsFields =
    outputFields(output).length > 0 ||
    input.conditions.some((c) => (c.kind === "anyOf" ? c.options.every((o) => fieldsOf(o).length > 0) : fieldsOf(c).length > 0));
  const groups: readonly FormatGroup[] = needsFields ? allGroups : [{ format: DEFAULT_FLOW_FORMAT, flowLogIds: [], isDefault: true }];

  const groupQueries: GroupQuery[] = [];
  for (const [index, group] of groups.entries()) {
    const plan = needsFields ? (planned[index] as PlannedGroup) : undefined;
    const chosen = conditionsForFormat(input.conditions, group.format);
    if ("nothing" in chosen) {
      if (plan) plan.skipped = chosen.nothing;
      if (!notes.includes(chosen.nothing)) notes.push(chosen.nothing);
      continue;
    }
    if ("missing" in chosen) {
      const info = chosen.missing.origin === "view" ? "This view" : `The ${FILTER_FIELD_INFO[chosen.missing.origin].label} filter`;
      const reason = `${info} needs the ${chosen.missing.fields.join(" or ")} field, which ${describeGroup(group, groups)} do not log: their flows are left out.`;
      if (plan) plan.skipped = reason;
      notes.push(reason);
      continue;
    }
    const missingOutput = outputFields(output).filter((f) => !group.format.positions.has(f));
    if (missingOutput.length > 0) {
      const reason = `${describeGroup(group, groups)} do not log ${missingOutput.join(", ")}: their flows are left out of this view.`;
      if (plan) plan.skipped = reason;
      notes.push(reason);
      continue;
    }
    const keepFlowLogs = intersect(
      chosen.conditions.filter((c) => c.kind === "stream" && c.label === FLOW_LOG_LABEL && !c.negate).map((c) => (c as { values: string[] }).values),
    );
    const flowLogs = groupFlowLogs(group, needsFields ? groups : [group], keepFlowLogs);
    if (flowLogs.select !== "group" && flowLogs.select.length === 0) {
      if (plan) plan.skipped = "the flow log filter selects none of its flow logs";
      continue;
    }
    const matchers = [`${LOG_TYPE_LABEL}=${exactString(LOG_TYPE_VALUE)}`];
    if (flowLogs.select !== "group") matchers.push(streamMatcher(FLOW_LOG_LABEL, flowLogs.select, false));
    if (flowLogs.exclude.length > 0) matchers.push(streamMatcher(FLOW_LOG_LABEL, flowLogs.exclude, true));
    for (const c of chosen.conditions) {
      if (c.kind !== "stream") continue;
      if (c.label === FLOW_LOG_LABEL && !c.negate) continue; // folded into the group's selection above
      matchers.push(streamMatcher(c.label, c.values, c.negate));
    }
    groupQueries.push(groupQuery(group, matchers, chosen.conditions, output));
  }

  if (groupQueries.length === 0) {
    return { queries: [], merge: "single", groups: planned, notes };
  }

  const queries = output.kind === "logs" ? renderLogQueries(groupQueries, notes) : renderMetricQueries(groupQueries, output, notes);
  const merge = queries.length === 1 ? "single" : output.kind === "logs" ? "logs" : "sum";
  return { queries, merge, groups: needsFields ? planned : [], notes };
}

function groupQuery(group: FormatGroup, matchers: string[], conditions: Resolved[], output: FlowQueryOutput): GroupQuery {
  const lineFilters: string[] = [];
  const labelStages: string[] = [];
  const needed = new Set<string>(outputFields(output));
  let numeric = false;
  for (const c of conditions) {
    if (c.kind === "stream" || c.kind === "nothing") continue;
    if (c.kind === "text") {
      if (c.negate) for (const v of c.values) lineFilters.push(`!= ${exactString(v)}`);
      else if (c.values.length === 1) lineFilters.push(`|= ${exactString(c.values[0] as string)}`);
      else lineFilters.push(`|~ ${regexString(c.values.map(escapeRegex).join("|"))}`);
      continue;
    }
    const prefilter = prefilterOf(c);
    if (prefilter !== undefined && !lineFilters.includes(`|= ${exactString(prefilter)}`)) lineFilters.push(`|= ${exactString(prefilter)}`);
    for (const f of fieldsOf(c)) needed.add(f);
    const rendered = labelFilterStages(c);
    labelStages.push(...rendered.stages);
    numeric ||= rendered.numeric;
  }
  const stages = [...lineFilters];
  const captured: string[] = [];
  if (needed.size > 0) {
    const capture = group.format.fields.filter((f) => needed.has(f.name)).map((f) => f.name);
    stages.push(`| pattern \`${flowPattern(group.format, { capture })}\``);
    captured.push(...capture.map(labelOf));
  }
  stages.push(...labelStages);
  if (numeric) stages.push(`| __error__=""`);
  return { group, matchers, stages, captured, conditions };
}

/**
 * The same group query with the longest kept-value list split into `parts` pieces; used when a
 * query would be longer than Loki accepts.
 */
function splitGroup(q: GroupQuery, output: FlowQueryOutput, parts: number): GroupQuery[] | undefined {
  const conditions = q.conditions;
  const index = splittable(conditions);
  if (index < 0) return undefined;
  const condition = conditions[index] as Extract<Resolved, { kind: "equals" | "address" }>;
  if (condition.values.length < parts) return undefined;
  const size = Math.ceil(condition.values.length / parts);
  const out: GroupQuery[] = [];
  for (let i = 0; i < condition.values.length; i += size) {
    const piece = [...conditions];
    piece[index] = { ...condition, values: condition.values.slice(i, i + size) };
    out.push(groupQuery(q.group, q.matchers, piece, output));
  }
  return out;
}

function tooLong(what: string): AppError {
  return new AppError(
    "BAD_REQUEST",
    `${what} would be longer than the 5,120 bytes Loki accepts in one query. Narrow the filter (fewer services, interfaces or addresses), or split it into several views.`,
  );
}

/** Splits a group's query until every piece fits; undefined when it cannot. */
function fitting(q: GroupQuery, render: (q: GroupQuery) => string, output: FlowQueryOutput): GroupQuery[] | undefined {
  if (byteLength(render(q)) < MAX_QUERY_BYTES) return [q];
  for (let parts = 2; parts <= 64; parts *= 2) {
    const pieces = splitGroup(q, output, parts);
    if (!pieces) return undefined;
    if (pieces.every((p) => byteLength(render(p)) < MAX_QUERY_BYTES)) return pieces;
  }
  return undefined;
}

function renderLogQueries(groupQueries: GroupQuery[], notes: string[]): string[] {
  const queries: string[] = [];
  for (const q of groupQueries) {
    const pieces = fitting(q, renderLogQuery, { kind: "logs" });
    if (!pieces) throw tooLong("The query");
    if (pieces.length > 1) notes.push(`The filter lists too many values for one Loki query: it runs as ${pieces.length} queries whose lines are merged.`);
    queries.push(...pieces.map(renderLogQuery));
  }
  return queries;
}

function renderMetricQueries(groupQueries: GroupQuery[], output: Extract<FlowQueryOutput, { kind: "metric" }>, notes: string[]): string[] {
  const combined = renderMetric(groupQueries, output);
  if (byteLength(combined) < MAX_QUERY_BYTES) return [combined];
  if (output.topk !== undefined) throw tooLong("This top-list query");
  // One expression per group, split further when needed; the portal sums the answers (the parts are disjoint).
  const queries: string[] = [];
  for (const q of groupQueries) {
    const pieces = fitting(q, (p) => renderMetric([p], output), output);
    if (!pieces) throw tooLong("The query");
    queries.push(...pieces.map((p) => renderMetric([p], output)));
  }
  notes.push(`The query is too long for Loki in one piece: it runs as ${queries.length} queries whose values are added up.`);
  return queries;
}
