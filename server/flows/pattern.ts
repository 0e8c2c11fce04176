/**
 * LogQL `pattern` expressions for flow log lines, generated from the format so that custom
 * formats work in every query flowlens builds without hand-written patterns.
 *
 * Each field becomes a named capture with its label name (`<account_id>`, `<pkt_srcaddr>`), or
 * `<_>` when the query does not need it (fewer labels for Loki to build).
 */
import { AppError } from "../errors";
import { flowField } from "./fields";
import type { FlowFormat } from "./format";

export interface FlowPatternOptions {
  /** Capture only these fields (AWS names such as `srcaddr`, or label names such as `account_id`); all when omitted. */
  capture?: readonly string[];
}

/** The pattern for `format`, e.g. `<version> <account_id> <interface_id> …` (without the backticks). */
export function flowPattern(format: FlowFormat, options: FlowPatternOptions = {}): string {
  const wanted = options.capture ? new Set(options.capture.map((name) => flowField(name)?.label ?? name)) : undefined;
  if (wanted) {
    for (const label of wanted) {
      if (!format.fields.some((spec) => spec.label === label)) {
        throw new AppError(
          "BAD_REQUEST",
          `The flow log format (${format.header}) has no field "${label}", so a query cannot extract it. ` +
            "Add the field to the flow log's format or leave it out of the query.",
        );
      }
    }
  }
  const captures = format.fields.map((spec) => (wanted === undefined || wanted.has(spec.label) ? `<${spec.label}>` : "<_>"));
  if (!captures.some((capture) => capture !== "<_>")) {
    throw new AppError("BAD_REQUEST", "A LogQL pattern needs at least one named field; name the fields the query extracts.");
  }
  return captures.join(" ");
}

/** The pipeline stage ``| pattern `<…>` `` for `format`. */
export function flowPatternStage(format: FlowFormat, options: FlowPatternOptions = {}): string {
  return `| pattern \`${flowPattern(format, options)}\``;
}
