/**
 * Log pipelines: the stages after a stream selector compiled once into functions that run on
 * each entry (line filters, parsers, label filters, `line_format`, `label_format`, `drop`,
 * `keep`), with Loki v2.7's semantics for errors (`__error__`, `__error_details__`), label
 * collisions (`_extracted`), parser hints and the labels each stage reads.
 *
 * A stage that cannot be built (bad regex, bad template, bad ip pattern) fails the query with
 * Loki's `parse error : stage '…' : …`.
 */

import type { LabelFilterExpr, LineFilterStage, PipelineStage } from "./ast";
import { ipFilterMatches, parseIpPattern } from "./ip";
import { isValidJson, jsonGet, parseJsonLabels, parseJsonPath, unpackLine, JSON_PARSER_ERR, type JsonPath } from "./json";
import { ERROR_DETAILS_LABEL, ERROR_LABEL, isValidLabelName, sanitizeLabelKey, type LabelsBuilder } from "./labels";
import { parseLogfmtExtractions, parseLogfmtLabels } from "./logfmt";
import { LogQLParseError } from "./parser";
import { compilePattern } from "./pattern";
import { compileLabelMatcher, compileLineRegex, compileRe2WithNames, Re2SyntaxError, type LineMatcher } from "./re2";
import { executeTemplate, parseTemplate, TemplateError, type Template } from "./template";
import { goQuote, parseGoDuration, parseGoFloat, parseHumanBytes } from "./units";

export const LABEL_FILTER_ERR = "LabelFilterErr";
export const TEMPLATE_FORMAT_ERR = "TemplateFormatErr";

/** What a stage knows about the entry besides its line and labels. */
export interface EntryContext {
  /** The entry's timestamp (ns); read only by templates. */
  timestampNs(): bigint;
}

/** Runs on one entry: the (possibly new) line, or null to drop the entry. */
export type StageFn = (line: string, lb: LabelsBuilder, entry: EntryContext) => string | null;

export interface CompiledPipeline {
  readonly stages: readonly StageFn[];
  /** Label names the stages read (Loki's RequiredLabelNames), for parser hints. */
  readonly requiredLabels: readonly string[];
  /** Plain substring line filters every kept line satisfies (hints for the source). */
  readonly lineFilterHints: ReadonlyArray<{ op: "|=" | "!="; value: string }>;
  /** True when no stage can change labels (only line filters, line_format). */
  readonly keepsLabels: boolean;
}

/** Runs the pipeline's stages; returns the final line or null when a stage drops the entry. */
export function runPipeline(stages: readonly StageFn[], line: string, lb: LabelsBuilder, entry: EntryContext): string | null {
  let current: string | null = line;
  for (let i = 0; i < stages.length; i++) {
    current = (stages[i] as StageFn)(current, lb, entry);
    if (current === null) return null;
  }
  return current;
}

export function compilePipeline(stages: readonly PipelineStage[]): CompiledPipeline {
  const fns: StageFn[] = [];
  const required: string[] = [];
  const hints: Array<{ op: "|=" | "!="; value: string }> = [];
  let keepsLabels = true;
  // Hints only from filters on the line as stored: before any stage that rewrites the line.
  let lineAsStored = true;
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i] as PipelineStage;
    const compiled = compileStage(stage, stages, i);
    fns.push(compiled.fn);
    required.push(...compiled.required);
    if (stage.kind === "lineFormat" || stage.kind === "unpack") lineAsStored = false;
    const only = stage.kind === "lineFilter" && stage.alternatives.length === 1 ? stage.alternatives[0] : undefined;
    if (lineAsStored && stage.kind === "lineFilter" && only && only.fn === "" && only.value !== "" && (stage.op === "|=" || stage.op === "!=")) {
      hints.push({ op: stage.op, value: only.value });
    }
    if (stage.kind !== "lineFilter" && stage.kind !== "lineFormat") keepsLabels = false;
  }
  return { stages: fns, requiredLabels: [...new Set(required.filter((r) => r !== ""))], lineFilterHints: hints, keepsLabels };
}

/** Loki's `NewStageError`: `parse error : stage '<stage>' : <reason>`. */
function stageFailure(text: string, reason: string): never {
  throw new LogQLParseError(`stage '${text}' : ${reason}`);
}

// ---------------------------------------------------------------------------------------------
// String forms of stages, as Loki prints them in stage errors.

function lineFilterString(stage: LineFilterStage): string {
  return stage.alternatives
    .map((alt, i) => {
      const value = alt.fn === "ip" ? `ip(${goQuote(alt.value)})` : goQuote(alt.value);
      return i === 0 ? `${stage.op} ${value}` : value;
    })
    .join(" or ");
}

/** The run of consecutive line filters around stage i: Loki treats it as one stage. */
function lineFilterRunString(stages: readonly PipelineStage[], i: number): string {
  let start = i;
  while (start > 0 && stages[start - 1]?.kind === "lineFilter") start--;
  let end = i;
  while (end + 1 < stages.length && stages[end + 1]?.kind === "lineFilter") end++;
  return stages
    .slice(start, end + 1)
    .map((s) => lineFilterString(s as LineFilterStage))
    .join(" ");
}

export function labelFilterString(filter: LabelFilterExpr): string {
  switch (filter.kind) {
    case "string":
      return `${filter.matcher.name}${filter.matcher.op}${goQuote(filter.matcher.value)}`;
    case "number":
      return `${filter.name}${filter.op}${filter.value}`;
    case "duration":
      return `${filter.name}${filter.op}${filter.value}ns`;
    case "bytes":
      return `${filter.name}${filter.op}${filter.value}B`;
    case "ip":
      return `${filter.name}${filter.op}ip(${goQuote(filter.pattern)})`;
    case "and":
      return `( ${labelFilterString(filter.left)} , ${labelFilterString(filter.right)} )`;
    case "or":
      return `( ${labelFilterString(filter.left)} or ${labelFilterString(filter.right)} )`;
  }
}

// ---------------------------------------------------------------------------------------------
// Stages

interface CompiledStage {
  fn: StageFn;
  required: string[];
}

function compileStage(stage: PipelineStage, stages: readonly PipelineStage[], index: number): CompiledStage {
  switch (stage.kind) {
    case "lineFilter": {
      const match = compileLineFilter(stage, () => lineFilterRunString(stages, index));
      return { fn: (line) => (match(line) ? line : null), required: [] };
    }
    case "json": {
      if (stage.extractions === null) return { fn: (line, lb) => (parseJsonLabels(line, lb), line), required: [] };
      const text = `| json ${stage.extractions.map((e) => `${e.name}=${goQuote(e.expression)}`).join(",")}`;
      const paths: Array<{ name: string; path: JsonPath }> = [];
      for (const e of stage.extractions) {
        let path: JsonPath;
        try {
          path = parseJsonPath(e.expression);
        } catch (error) {
          stageFailure(text, `cannot parse expression [${e.expression}]: ${(error as Error).message}`);
        }
        if (!isValidLabelName(e.name)) stageFailure(text, `invalid extracted label name '${e.name}'`);
        paths.push({ name: e.name, path });
      }
      return {
        fn: (line, lb) => {
          if (lb.hints.noLabels) return line;
          if (!isValidJson(line)) {
            lb.setErr(JSON_PARSER_ERR);
            return line;
          }
          for (const { name, path } of paths) lb.set(lb.baseHas(name) ? `${name}_extracted` : name, jsonGet(line, path));
          return line;
        },
        required: [],
      };
    }
    case "logfmt": {
      const extractions = stage.extractions;
      if (extractions === null) return { fn: (line, lb) => (parseLogfmtLabels(line, lb), line), required: [] };
      return { fn: (line, lb) => (parseLogfmtExtractions(line, lb, extractions, stage.strict), line), required: [] };
    }
    case "regexp": {
      const compiled = compileRe2WithNames(stage.pattern);
      const re = compiled.re;
      const keys: Array<{ index: number; name: string }> = [];
      compiled.names.forEach((name, i) => {
        if (i > 0 && name !== "") keys.push({ index: i, name: sanitizeLabelKey(name, true) });
      });
      return {
        fn: (line, lb) => {
          const m = re.exec(line);
          if (m === null) return line;
          for (const { index, name } of keys) {
            if (name.length === 0) continue;
            lb.set(lb.baseHas(name) ? `${name}_extracted` : name, m[index] ?? "");
          }
          return line;
        },
        required: [],
      };
    }
    case "pattern": {
      const compiled = compilePattern(stage.pattern);
      const names = compiled.names;
      const starts = new Int32Array(names.length);
      const ends = new Int32Array(names.length);
      // Per hints object (one per query): which captures are needed, and how far to match.
      let planFor: LabelsBuilder["hints"] | null = null;
      let wanted: boolean[] | undefined;
      let needed = names.length;
      return {
        fn: (line, lb) => {
          const hints = lb.hints;
          if (hints.noLabels) return line;
          if (planFor !== hints) {
            planFor = hints;
            if (hints.required === null) {
              wanted = undefined;
              needed = names.length;
            } else {
              const required = hints.required;
              wanted = names.map((n) => required.has(n));
              // Captures after the last needed one do not change the needed values.
              needed = wanted.lastIndexOf(true) + 1;
            }
          }
          if (needed === 0) return line;
          const count = compiled.matchOffsets(line, starts, ends, needed);
          for (let i = 0; i < count; i++) {
            if (wanted !== undefined && !wanted[i]) continue;
            const name = names[i] as string;
            lb.setSlice(lb.baseHas(name) ? `${name}_extracted` : name, line, starts[i] as number, ends[i] as number);
          }
          return line;
        },
        required: [],
      };
    }
    case "unpack":
      return { fn: (line, lb) => unpackLine(line, lb), required: [] };
    case "labelFilter": {
      const text = `| ${labelFilterString(stage.filter)}`;
      if (stage.filter.kind === "ip" && parseIpPattern(stage.filter.pattern) === null) {
        stageFailure(text, `ip: invalid pattern: ${goQuote(stage.filter.pattern)}`);
      }
      const filter = compileLabelFilter(stage.filter);
      return { fn: (line, lb) => (filter(lb) ? line : null), required: labelFilterNames(stage.filter) };
    }
    case "lineFormat": {
      const text = `| line_format ${goQuote(stage.template)}`;
      let template: Template;
      try {
        template = parseTemplate("line", stage.template);
      } catch (error) {
        if (error instanceof TemplateError) stageFailure(text, `invalid line template: ${error.message}`);
        throw error;
      }
      return {
        fn: (line, lb, entry) => {
          try {
            return executeTemplate(template, lb.map(), { line, timestampNs: entry.timestampNs() });
          } catch (error) {
            if (error instanceof TemplateError) {
              lb.setErr(TEMPLATE_FORMAT_ERR, error.message);
              return line;
            }
            throw error;
          }
        },
        required: template.fields,
      };
    }
    case "labelFormat": {
      const text = `| label_format ${stage.formats.map((f) => `${f.name}=${f.rename ? f.value : goQuote(f.value)}`).join(",")}`;
      const seen = new Set<string>();
      for (const f of stage.formats) {
        if (f.name === ERROR_LABEL) stageFailure(text, `${f.name} cannot be formatted`);
        if (seen.has(f.name)) stageFailure(text, `multiple label name '${f.name}' not allowed in a single format operation`);
        seen.add(f.name);
      }
      const formats = stage.formats.map((f) => {
        if (f.rename) return { ...f, template: null as Template | null };
        try {
          return { ...f, template: parseTemplate("label", f.value) };
        } catch (error) {
          if (error instanceof TemplateError) stageFailure(text, `invalid template for label '${f.name}': ${error.message}`);
          throw error;
        }
      });
      const required: string[] = [];
      for (const f of formats) {
        if (f.rename) required.push(f.value);
        else if (f.template) required.push(...f.template.fields);
      }
      return {
        fn: (line, lb, entry) => {
          let data: Record<string, string> | null = null;
          for (const f of formats) {
            if (f.template === null) {
              const v = lb.get(f.value);
              if (v !== undefined) {
                lb.set(f.name, v);
                lb.del(f.value);
              }
              continue;
            }
            if (data === null) data = lb.map();
            try {
              lb.set(f.name, executeTemplate(f.template, data, { line, timestampNs: entry.timestampNs() }));
            } catch (error) {
              if (error instanceof TemplateError) {
                lb.setErr(TEMPLATE_FORMAT_ERR, error.message);
                continue;
              }
              throw error;
            }
          }
          return line;
        },
        required,
      };
    }
    case "drop": {
      const items = stage.labels.map((l) => ({ name: l.name, matches: l.matcher ? compileLabelMatcher(l.matcher) : null }));
      return {
        fn: (line, lb) => {
          for (const item of items) {
            if (item.name === ERROR_LABEL) {
              if (item.matches === null || item.matches(lb.err)) lb.err = "";
              continue;
            }
            if (item.name === ERROR_DETAILS_LABEL) {
              if (item.matches === null || item.matches(lb.errDetails)) lb.errDetails = "";
              continue;
            }
            const v = lb.get(item.name);
            if (item.matches === null) {
              if (v !== undefined) lb.del(item.name);
            } else if (item.matches(v ?? "")) {
              lb.del(item.name);
            }
          }
          return line;
        },
        required: [],
      };
    }
    case "keep": {
      const items = stage.labels.map((l) => ({ name: l.name, matches: l.matcher ? compileLabelMatcher(l.matcher) : null }));
      const names: string[] = [];
      const values: string[] = [];
      return {
        fn: (line, lb) => {
          const n = lb.unsorted(names, values);
          for (let i = 0; i < n; i++) {
            const name = names[i] as string;
            if (name === ERROR_LABEL || name === ERROR_DETAILS_LABEL) continue;
            let keep = false;
            for (const item of items) {
              if (item.name !== name) continue;
              if (item.matches === null || item.matches(values[i] as string)) {
                keep = true;
                break;
              }
            }
            if (!keep) lb.del(name);
          }
          return line;
        },
        required: [],
      };
    }
  }
}

/** A line filter with its `or` alternatives: `|=`/`|~` keep a line matching any, `!=`/`!~` one matching none. */
export function compileLineFilter(stage: LineFilterStage, text: () => string): LineMatcher {
  const positive = stage.op === "|=" || stage.op === "|~";
  const matchers: LineMatcher[] = stage.alternatives.map((alt) => {
    if (alt.fn === "ip") {
      if (stage.op !== "|=" && stage.op !== "!=") stageFailure(text(), "ip: invalid operation");
      const pattern = parseIpPattern(alt.value);
      if (pattern === null) stageFailure(text(), `ip: invalid pattern: ${goQuote(alt.value)}`);
      return (line: string) => ipFilterMatches(pattern, line);
    }
    if (stage.op === "|=" || stage.op === "!=") {
      const needle = alt.value;
      if (needle === "") return () => true;
      return (line: string) => line.includes(needle);
    }
    try {
      return compileLineRegex(alt.value);
    } catch (error) {
      if (error instanceof Re2SyntaxError) stageFailure(text(), error.message);
      throw error;
    }
  });
  if (matchers.length === 1) {
    const m = matchers[0] as LineMatcher;
    return positive ? m : (line) => !m(line);
  }
  if (positive) return (line) => matchers.some((m) => m(line));
  return (line) => !matchers.some((m) => m(line));
}

/** Label names a label filter reads. */
export function labelFilterNames(filter: LabelFilterExpr): string[] {
  switch (filter.kind) {
    case "string":
      return [filter.matcher.name];
    case "and":
    case "or":
      return [...new Set([...labelFilterNames(filter.left), ...labelFilterNames(filter.right)])];
    default:
      return [filter.name];
  }
}

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    default:
      return false;
  }
}

/** A label filter with Loki's rules: on an earlier error only string matchers filter; a missing label fails typed filters; a bad value sets LabelFilterErr and keeps the entry. */
export function compileLabelFilter(filter: LabelFilterExpr): (lb: LabelsBuilder) => boolean {
  switch (filter.kind) {
    case "string": {
      const { name } = filter.matcher;
      const matches = compileLabelMatcher(filter.matcher);
      if (name === ERROR_LABEL) return (lb) => matches(lb.err);
      return (lb) => matches(lb.get(name) ?? "");
    }
    case "number":
    case "duration":
    case "bytes": {
      const { name, op, value } = filter;
      const parse = filter.kind === "number" ? parseGoFloat : filter.kind === "duration" ? parseGoDuration : parseHumanBytes;
      return (lb) => {
        if (lb.hasErr()) return true;
        const v = lb.get(name);
        if (v === undefined) return false;
        const parsed = parse(v);
        if (typeof parsed !== "number") {
          lb.setErr(LABEL_FILTER_ERR, parsed.error);
          return true;
        }
        return compare(op, parsed, value);
      };
    }
    case "ip": {
      const pattern = parseIpPattern(filter.pattern);
      const { name } = filter;
      const negate = filter.op === "!=";
      return (lb) => {
        if (lb.hasErr()) return true;
        const v = lb.get(name);
        if (v === undefined) return false;
        if (pattern === null) return false;
        return ipFilterMatches(pattern, v) !== negate;
      };
    }
    case "and": {
      const left = compileLabelFilter(filter.left);
      const right = compileLabelFilter(filter.right);
      return (lb) => {
        const l = left(lb);
        const r = right(lb);
        return l && r;
      };
    }
    case "or": {
      const left = compileLabelFilter(filter.left);
      const right = compileLabelFilter(filter.right);
      return (lb) => left(lb) || right(lb);
    }
  }
}

/** Checks a label filter used after `unwrap` (a top-level ip filter with a bad pattern fails). */
export function compilePostFilters(filters: readonly LabelFilterExpr[]): { fn: (lb: LabelsBuilder) => boolean; required: string[] } {
  const compiled = filters.map((f) => {
    if (f.kind === "ip" && parseIpPattern(f.pattern) === null) stageFailure(`| ${labelFilterString(f)}`, `ip: invalid pattern: ${goQuote(f.pattern)}`);
    return compileLabelFilter(f);
  });
  const required = filters.flatMap(labelFilterNames);
  if (compiled.length === 0) return { fn: () => true, required };
  return {
    fn: (lb) => {
      let ok = true;
      for (const f of compiled) if (!f(lb)) ok = false;
      return ok;
    },
    required,
  };
}
