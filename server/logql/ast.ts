/**
 * The LogQL syntax tree built by parser.ts. Positions are UTF-16 offsets into the query text.
 * Durations are nanoseconds (numbers; exact up to ~104 days).
 */

import type { LabelMatcher } from "./source";

export interface Span {
  start: number;
  end: number;
}

export type Expr = LogSelectorExpr | SampleExpr;

/** `{app="x"} |= "foo" | json | level="error"` */
export interface LogSelectorExpr extends Span {
  kind: "logSelector";
  matchers: LabelMatcher[];
  stages: PipelineStage[];
}

export type PipelineStage =
  | LineFilterStage
  | JsonParserStage
  | LogfmtParserStage
  | RegexpParserStage
  | PatternParserStage
  | UnpackParserStage
  | LabelFilterStage
  | LineFormatStage
  | LabelFormatStage
  | DropLabelsStage
  | KeepLabelsStage;

export type LineFilterOp = "|=" | "!=" | "|~" | "!~";

/** One line filter; `alternatives` has more than one entry when written with `or` (newer Loki). */
export interface LineFilterStage extends Span {
  kind: "lineFilter";
  op: LineFilterOp;
  alternatives: LineFilterValue[];
}

export interface LineFilterValue {
  /** `ip` for `ip("10.0.0.0/8")`, else a plain string or regex. */
  fn: "" | "ip";
  value: string;
}

export interface LabelExtraction {
  /** The label to write. */
  name: string;
  /** For json: the JSON path expression; for logfmt: the key. */
  expression: string;
}

export interface JsonParserStage extends Span {
  kind: "json";
  /** null: extract every field (`| json`); else only these (`| json a="b.c", d`). */
  extractions: LabelExtraction[] | null;
}

export interface LogfmtParserStage extends Span {
  kind: "logfmt";
  extractions: LabelExtraction[] | null;
  strict: boolean;
  keepEmpty: boolean;
}

export interface RegexpParserStage extends Span {
  kind: "regexp";
  pattern: string;
}

export interface PatternParserStage extends Span {
  kind: "pattern";
  pattern: string;
}

export interface UnpackParserStage extends Span {
  kind: "unpack";
}

export interface LabelFilterStage extends Span {
  kind: "labelFilter";
  filter: LabelFilterExpr;
}

export type ComparisonOp = "==" | "!=" | ">" | ">=" | "<" | "<=";

export type LabelFilterExpr =
  | { kind: "string"; matcher: LabelMatcher }
  | { kind: "number"; name: string; op: ComparisonOp; value: number }
  | { kind: "duration"; name: string; op: ComparisonOp; value: number }
  | { kind: "bytes"; name: string; op: ComparisonOp; value: number }
  | { kind: "ip"; name: string; op: "=" | "!="; pattern: string }
  | { kind: "and" | "or"; left: LabelFilterExpr; right: LabelFilterExpr };

export interface LineFormatStage extends Span {
  kind: "lineFormat";
  template: string;
}

export interface LabelFormat {
  name: string;
  /** true: `dst=src` renames a label; false: `dst="{{template}}"`. */
  rename: boolean;
  value: string;
}

export interface LabelFormatStage extends Span {
  kind: "labelFormat";
  formats: LabelFormat[];
}

/** `drop a, b="x"`: a bare name, or a matcher that must match for the label to go. */
export interface NamedLabelMatcher {
  name: string;
  matcher: LabelMatcher | null;
}

export interface DropLabelsStage extends Span {
  kind: "drop";
  labels: NamedLabelMatcher[];
}

export interface KeepLabelsStage extends Span {
  kind: "keep";
  labels: NamedLabelMatcher[];
}

export type SampleExpr = RangeAggregationExpr | VectorAggregationExpr | BinOpExpr | LiteralExpr | VectorExpr | LabelReplaceExpr;

export type RangeOp =
  | "count_over_time"
  | "rate"
  | "rate_counter"
  | "bytes_over_time"
  | "bytes_rate"
  | "avg_over_time"
  | "sum_over_time"
  | "min_over_time"
  | "max_over_time"
  | "stdvar_over_time"
  | "stddev_over_time"
  | "quantile_over_time"
  | "first_over_time"
  | "last_over_time"
  | "absent_over_time";

export interface Grouping {
  without: boolean;
  labels: string[];
}

export interface UnwrapExpr {
  label: string;
  /** "" (float), "bytes", "duration" or "duration_seconds". */
  conversion: "" | "bytes" | "duration" | "duration_seconds";
  postFilters: LabelFilterExpr[];
}

export interface LogRange extends Span {
  selector: LogSelectorExpr;
  rangeNs: number;
  offsetNs: number;
  unwrap: UnwrapExpr | null;
}

export interface RangeAggregationExpr extends Span {
  kind: "rangeAggregation";
  op: RangeOp;
  /** quantile_over_time's φ. */
  param: number | null;
  range: LogRange;
  grouping: Grouping | null;
}

export type VectorOp = "sum" | "avg" | "count" | "max" | "min" | "stddev" | "stdvar" | "bottomk" | "topk" | "sort" | "sort_desc";

export interface VectorAggregationExpr extends Span {
  kind: "vectorAggregation";
  op: VectorOp;
  /** topk/bottomk's k. */
  param: number;
  /** Always present (empty `by ()` when written without one), as in Loki. */
  grouping: Grouping;
  inner: SampleExpr;
}

export type BinOp = "or" | "and" | "unless" | "+" | "-" | "*" | "/" | "%" | "^" | "==" | "!=" | ">" | ">=" | "<" | "<=";

export interface VectorMatching {
  card: "one-to-one" | "many-to-one" | "one-to-many";
  /** true: `on(labels)`; false: `ignoring(labels)` (or no modifier, with no labels). */
  on: boolean;
  labels: string[];
  /** `group_left(include)`: labels copied from the "one" side. */
  include: string[];
}

export interface BinOpExpr extends Span {
  kind: "binOp";
  op: BinOp;
  returnBool: boolean;
  matching: VectorMatching;
  left: SampleExpr;
  right: SampleExpr;
}

export interface LiteralExpr extends Span {
  kind: "literal";
  value: number;
}

/** `vector(1)` */
export interface VectorExpr extends Span {
  kind: "vector";
  value: number;
}

export interface LabelReplaceExpr extends Span {
  kind: "labelReplace";
  inner: SampleExpr;
  dst: string;
  replacement: string;
  src: string;
  regex: string;
}

export function isSampleExpr(expr: Expr): expr is SampleExpr {
  return expr.kind !== "logSelector";
}
