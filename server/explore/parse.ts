/**
 * LogQL → filter: reads a log query back into the builder's filter when it has the builder's
 * shape (read through the LogQL syntax tree of server/logql, never by regex on the text), so a
 * query edited as code can go back to the builder. Anything the builder cannot show (a metric
 * query, a json stage, a regex that is not a list of values …) gets a reason instead.
 *
 * Pure code.
 */
import type { LabelFilterExpr, LineFilterStage, LogSelectorExpr } from "../logql/ast";
import { LogQLParseError, parseLogQL } from "../logql/parser";
import type { LabelMatcher } from "../logql/source";
import { DEFAULT_FLOW_FORMAT, type FlowFormat } from "../flows/format";
import { flowPattern } from "../flows/pattern";
import { FLOW_LOG_LABEL, type FormatGroup, LOG_TYPE_LABEL, LOG_TYPE_VALUE, OWNER_LABEL } from "./builder";
import { type FilterField, type FlowFilter, addressValueKind } from "./filter";

export type ParsedFilter = { ok: true; filter: FlowFilter; format: FlowFormat | null } | { ok: false; reason: string };

/** Record labels the builder writes, and the filter field each stands for. */
const FIELD_OF_LABEL: Readonly<Record<string, FilterField>> = {
  action: "action",
  protocol: "protocol",
  interface_id: "interface",
  vpc_id: "vpc",
  subnet_id: "subnet",
  flow_direction: "direction",
  srcaddr: "src",
  dstaddr: "dst",
  srcport: "srcPort",
  dstport: "dstPort",
};

const PORT_FIELDS = new Set<FilterField>(["srcPort", "dstPort"]);
const ADDRESS_FIELDS = new Set<FilterField>(["src", "dst"]);
/** Fields whose single kept value the builder also writes as a `|=` line filter in front. */
const PREFILTERED = new Set<FilterField>(["action", "interface", "vpc", "subnet", "direction", "src", "dst"]);

class Unsupported extends Error {}

/** The literal values of a regex that is an alternation of escaped literals (`a|b\.c`); undefined otherwise. */
export function literalAlternatives(regex: string): string[] | undefined {
  const values: string[] = [];
  let current = "";
  for (let i = 0; i < regex.length; i++) {
    const char = regex[i] as string;
    if (char === "\\") {
      const next = regex[i + 1];
      if (next === undefined || /[a-zA-Z0-9]/.test(next)) return undefined; // \d, \b … are not literals
      current += next;
      i++;
    } else if (char === "|") {
      values.push(current);
      current = "";
    } else if (/[.+*?()[\]{}^$]/.test(char)) {
      return undefined;
    } else {
      current += char;
    }
  }
  values.push(current);
  return values.some((v) => v === "") ? undefined : values;
}

function valuesOfMatcher(matcher: LabelMatcher): { values: string[]; negate: boolean } {
  const negate = matcher.op === "!=" || matcher.op === "!~";
  if (matcher.op === "=" || matcher.op === "!=") return { values: [matcher.value], negate };
  const values = literalAlternatives(matcher.value);
  if (!values) throw new Unsupported(`the regex ${matcher.name}${matcher.op}"${matcher.value}" is not a list of values the builder can show`);
  return { values, negate };
}

class FilterCollector {
  readonly filter: FlowFilter = {};

  add(field: FilterField, values: string[], negate: boolean): void {
    const current = this.filter[field] ?? { in: [], out: [] };
    if (!negate && current.in.length > 0) throw new Unsupported(`two conditions on ${field} that must both hold`);
    this.filter[field] = negate ? { in: current.in, out: [...current.out, ...values] } : { in: values, out: current.out };
  }
}

function fieldOfLabel(name: string, captured: ReadonlySet<string>): FilterField {
  const field = FIELD_OF_LABEL[name];
  if (!field) throw new Unsupported(`the builder has no filter on ${name}`);
  if (!captured.has(name)) throw new Unsupported(`${name} is filtered but not extracted by the pattern`);
  return field;
}

/** Flattens `a and b` (and `,`) into its parts. */
function conjuncts(expr: LabelFilterExpr): LabelFilterExpr[] {
  return expr.kind === "and" ? [...conjuncts(expr.left), ...conjuncts(expr.right)] : [expr];
}

function disjuncts(expr: LabelFilterExpr): LabelFilterExpr[] {
  return expr.kind === "or" ? [...disjuncts(expr.left), ...disjuncts(expr.right)] : [expr];
}

/** `(port >= a and port <= b)` → `a-b`; `(port < a or port > b)` → the negated range. */
function portRange(expr: LabelFilterExpr, negate: boolean): { name: string; value: string } | undefined {
  if (!negate && expr.kind === "and" && expr.left.kind === "number" && expr.right.kind === "number") {
    const { left, right } = expr;
    if (left.name === right.name && left.op === ">=" && right.op === "<=") return { name: left.name, value: `${left.value}-${right.value}` };
  }
  if (negate && expr.kind === "or" && expr.left.kind === "number" && expr.right.kind === "number") {
    const { left, right } = expr;
    if (left.name === right.name && left.op === "<" && right.op === ">") return { name: left.name, value: `${left.value}-${right.value}` };
  }
  return undefined;
}

function readLabelFilter(expr: LabelFilterExpr, captured: ReadonlySet<string>, out: FilterCollector): void {
  // `__error__=""` is what the builder writes after numeric comparisons.
  if (expr.kind === "string" && expr.matcher.name === "__error__" && expr.matcher.op === "=" && expr.matcher.value === "") return;
  const negatedRange = portRange(expr, true);
  if (negatedRange) {
    out.add(portField(negatedRange.name, captured), [negatedRange.value], true);
    return;
  }
  if (expr.kind === "and") {
    const range = portRange(expr, false);
    if (range) {
      out.add(portField(range.name, captured), [range.value], false);
      return;
    }
    for (const part of conjuncts(expr)) readLabelFilter(part, captured, out);
    return;
  }
  if (expr.kind === "or") {
    // Kept values of one field, any of them.
    let field: FilterField | undefined;
    const values: string[] = [];
    for (const part of disjuncts(expr)) {
      const read = keptValues(part, captured);
      if (field !== undefined && read.field !== field) throw new Unsupported("an `or` between different fields");
      field = read.field;
      values.push(...read.values);
    }
    if (field) out.add(field, values, false);
    return;
  }
  if (expr.kind === "string") {
    const field = fieldOfLabel(expr.matcher.name, captured);
    const { values, negate } = valuesOfMatcher(expr.matcher);
    out.add(field, values, negate);
    return;
  }
  if (expr.kind === "ip") {
    const field = fieldOfLabel(expr.name, captured);
    if (!ADDRESS_FIELDS.has(field)) throw new Unsupported(`ip() on ${expr.name}`);
    out.add(field, [expr.pattern], expr.op === "!=");
    return;
  }
  throw new Unsupported(`a ${expr.kind} comparison on ${"name" in expr ? expr.name : "a label"}`);
}

function portField(name: string, captured: ReadonlySet<string>): FilterField {
  const field = fieldOfLabel(name, captured);
  if (!PORT_FIELDS.has(field)) throw new Unsupported(`a numeric range on ${name}`);
  return field;
}

function keptValues(expr: LabelFilterExpr, captured: ReadonlySet<string>): { field: FilterField; values: string[] } {
  const range = portRange(expr, false);
  if (range) return { field: portField(range.name, captured), values: [range.value] };
  if (expr.kind === "string" && (expr.matcher.op === "=" || expr.matcher.op === "=~")) {
    return { field: fieldOfLabel(expr.matcher.name, captured), values: valuesOfMatcher(expr.matcher).values };
  }
  if (expr.kind === "ip" && expr.op === "=") {
    const field = fieldOfLabel(expr.name, captured);
    if (!ADDRESS_FIELDS.has(field)) throw new Unsupported(`ip() on ${expr.name}`);
    return { field, values: [expr.pattern] };
  }
  throw new Unsupported("an `or` the builder cannot show");
}

interface LineTexts {
  /** `|= "…"`: each must appear. */
  required: string[];
  /** `|~ "a|b"`: one of them must appear. */
  anyOf: string[][];
  /** `!= "…"`, `!~ "a|b"`: none may appear. */
  out: string[];
}

function readLineFilter(stage: LineFilterStage, texts: LineTexts): void {
  if (stage.alternatives.some((a) => a.fn === "ip")) throw new Unsupported("an ip() line filter");
  const values = stage.alternatives.map((a) => a.value);
  if (stage.op === "|=") {
    if (values.length > 1) texts.anyOf.push(values);
    else texts.required.push(values[0] as string);
  } else if (stage.op === "!=") {
    texts.out.push(...values);
  } else {
    const literal = values.length === 1 ? literalAlternatives(values[0] as string) : undefined;
    if (!literal) throw new Unsupported(`the line regex ${stage.op} "${values.join(" or ")}"`);
    if (stage.op === "|~") texts.anyOf.push(literal);
    else texts.out.push(...literal);
  }
}

function readSelector(selector: LogSelectorExpr, out: FilterCollector): void {
  let logType = false;
  for (const matcher of selector.matchers) {
    if (matcher.name === LOG_TYPE_LABEL) {
      if (matcher.op !== "=" || matcher.value !== LOG_TYPE_VALUE) throw new Unsupported(`${LOG_TYPE_LABEL} must be "${LOG_TYPE_VALUE}"`);
      logType = true;
      continue;
    }
    const field: FilterField | undefined = matcher.name === OWNER_LABEL ? "account" : matcher.name === FLOW_LOG_LABEL ? "flowLog" : undefined;
    if (!field) throw new Unsupported(`the stream label ${matcher.name} is not one lambda-promtail sets`);
    const { values, negate } = valuesOfMatcher(matcher);
    out.add(field, values, negate);
  }
  if (!logType) throw new Unsupported(`the selector has no ${LOG_TYPE_LABEL}="${LOG_TYPE_VALUE}"`);
}

/** Pattern captures (label names, `_` excluded) and the format the pattern was generated from. */
function readPattern(pattern: string, formats: readonly FlowFormat[]): { captured: Set<string>; format: FlowFormat } {
  const names = [...pattern.matchAll(/<([a-zA-Z_][a-zA-Z0-9_]*)>/g)].map((m) => m[1] as string).filter((n) => n !== "_");
  for (const format of formats) {
    try {
      if (flowPattern(format, { capture: names }) === pattern) return { captured: new Set(names), format };
    } catch {
      // the format lacks one of the names: not this one
    }
  }
  throw new Unsupported("its pattern is not the flow log pattern of a known format");
}

/**
 * The filter a log query stands for, or why the builder cannot show it. `formats`: the formats
 * the pattern may have been generated from (the registry's, the default included).
 */
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v) => b.includes(v));

/**
 * Whether the flow-log values are just the builder's selection of the format group the pattern
 * belongs to (`=~` its flow logs, or for the default group `!~` every other group's): the builder
 * adds that selection itself, so it is not part of the person's filter.
 */
function isGroupSelection(values: { in: string[]; out: string[] }, format: FlowFormat, groups: readonly FormatGroup[]): boolean {
  const group = groups.find((g) => g.format.header === format.header);
  if (!group || groups.length < 2) return false;
  if (!group.isDefault) return values.out.length === 0 && sameSet(values.in, group.flowLogIds);
  const others = groups.filter((g) => g !== group).flatMap((g) => g.flowLogIds);
  return values.in.length === 0 && sameSet(values.out, others);
}

export function filterFromLogQL(text: string, formats: readonly FlowFormat[] = [DEFAULT_FLOW_FORMAT], groups: readonly FormatGroup[] = []): ParsedFilter {
  let expr;
  try {
    expr = parseLogQL(text);
  } catch (error) {
    if (error instanceof LogQLParseError) return { ok: false, reason: error.message };
    throw error;
  }
  if (expr.kind !== "logSelector") return { ok: false, reason: "It is a metric query: the builder edits log queries (metric queries are drawn as a chart)." };
  const out = new FilterCollector();
  try {
    readSelector(expr, out);
    const texts: LineTexts = { required: [], anyOf: [], out: [] };
    let captured = new Set<string>();
    let format: FlowFormat | null = null;
    for (const stage of expr.stages) {
      switch (stage.kind) {
        case "lineFilter":
          if (format) throw new Unsupported("a line filter after the pattern");
          readLineFilter(stage, texts);
          break;
        case "pattern": {
          if (format) throw new Unsupported("two patterns");
          const read = readPattern(stage.pattern, formats);
          captured = read.captured;
          format = read.format;
          break;
        }
        case "labelFilter":
          readLabelFilter(stage.filter, captured, out);
          break;
        case "drop":
          if (stage.labels.some((l) => l.matcher !== null || !captured.has(l.name))) throw new Unsupported("a drop of labels the pattern did not extract");
          break;
        default:
          throw new Unsupported(`the builder has no ${stage.kind} stage`);
      }
    }
    // A kept value the builder also wrote in front as `|= "…"` is not free text.
    const prefilters = new Set<string>();
    for (const field of PREFILTERED) {
      const kept = out.filter[field]?.in;
      if (kept && kept.length === 1 && (!ADDRESS_FIELDS.has(field) || addressValueKind(kept[0] as string) === "address")) prefilters.add(kept[0] as string);
    }
    const required = texts.required.filter((t) => !prefilters.has(t));
    const kept = [...required.map((t) => [t]), ...texts.anyOf];
    if (kept.length > 1) throw new Unsupported("several line filters that must all match (the builder keeps lines with any of its texts)");
    const freeText = kept[0] ?? [];
    if (freeText.length > 0 || texts.out.length > 0) out.filter.text = { in: freeText, out: texts.out };
    if (format && out.filter.flowLog && isGroupSelection(out.filter.flowLog, format, groups)) delete out.filter.flowLog;
    return { ok: true, filter: out.filter, format };
  } catch (error) {
    if (error instanceof Unsupported) return { ok: false, reason: `The builder cannot show this query: ${error.message}. Keep editing it as LogQL.` };
    throw error;
  }
}
