/**
 * Flow log formats: the default format and any custom format (an ordered subset of the fields in
 * fields.ts), read from AWS's `${field} ${field}` notation, from a header line of a delivered file
 * (`version account-id …`), or from a plain list of names.
 */
import { AppError } from "../errors";
import { DEFAULT_FORMAT_FIELDS, FLOW_FIELDS, type FlowFieldSpec, flowField } from "./fields";

/** A validated flow log format. Build one with `parseFlowFormat` or use `DEFAULT_FLOW_FORMAT`. */
export interface FlowFormat {
  /** The fields in record order. */
  readonly fields: readonly FlowFieldSpec[];
  /** AWS's notation, e.g. `${version} ${account-id} …`. */
  readonly text: string;
  /** The header line AWS writes at the top of delivered files: the names separated by spaces. */
  readonly header: string;
  /** The highest version among the fields: what the records' `version` field says. */
  readonly version: number;
  /** Position of each field by AWS name, for the fields the format has. */
  readonly positions: ReadonlyMap<string, number>;
  /** For the parser: each field's index in FLOW_FIELDS, in record order. */
  readonly fieldIds: Uint8Array;
}

/** Builds a format from field names (AWS names, e.g. `account-id`), validating them. */
export function flowFormatOf(names: readonly string[]): FlowFormat {
  if (names.length === 0) {
    throw new AppError("BAD_REQUEST", "A flow log format needs at least one field, e.g. `${version} ${account-id} ${interface-id}`.");
  }
  const fields: FlowFieldSpec[] = [];
  const positions = new Map<string, number>();
  for (const [index, name] of names.entries()) {
    const spec = flowField(name);
    if (!spec) {
      throw new AppError(
        "BAD_REQUEST",
        `"${name}" (field ${index + 1} of the format) is not a VPC flow log field. Fields are AWS's names such as ` +
          "version, account-id, interface-id, srcaddr, pkt-dstaddr, flow-direction (see the flow log record documentation).",
        { details: { field: index + 1, name } },
      );
    }
    if (positions.has(name)) {
      throw new AppError("BAD_REQUEST", `The format names "${name}" twice (fields ${(positions.get(name) ?? 0) + 1} and ${index + 1}); each field may appear once.`, {
        details: { field: index + 1, name },
      });
    }
    positions.set(name, index);
    fields.push(spec);
  }
  return {
    fields,
    text: names.map((name) => `\${${name}}`).join(" "),
    header: names.join(" "),
    version: Math.max(...fields.map((f) => f.version)),
    positions,
    fieldIds: Uint8Array.from(fields, (spec) => FLOW_FIELDS.indexOf(spec)),
  };
}

/**
 * Reads a format written as AWS's LogFormat (`${version} ${vpc-id} …`), as a header line
 * (`version vpc-id …`) or as a comma-separated list of names.
 */
export function parseFlowFormat(text: string): FlowFormat {
  const trimmed = text.trim();
  const names = trimmed
    .split(/[\s,]+/)
    .filter((token) => token !== "")
    .map((token) => {
      const braced = /^\$\{([^}]*)\}$/.exec(token);
      return braced ? (braced[1] as string) : token;
    });
  return flowFormatOf(names);
}

/** The default format: `${version} ${account-id} … ${log-status}` (14 fields, version 2). */
export const DEFAULT_FLOW_FORMAT: FlowFormat = flowFormatOf(DEFAULT_FORMAT_FIELDS);

/**
 * Whether `line` is the header line of a delivered flow log file (every token a field name, each
 * once). Records never are: each has at least one value that is not a field name.
 */
export function isFlowHeaderLine(line: string): boolean {
  const first = line.charCodeAt(0);
  // Field names start with a lowercase letter; most records start with a digit (the version).
  if (!(first >= 97 && first <= 122)) return false;
  const tokens = line.trim().split(/ +/);
  const seen = new Set<string>();
  for (const token of tokens) {
    if (!flowField(token) || seen.has(token)) return false;
    seen.add(token);
  }
  return tokens.length > 0;
}

/** The format a header line declares, or undefined when `line` is not a header line. */
export function flowFormatFromHeader(line: string): FlowFormat | undefined {
  return isFlowHeaderLine(line) ? flowFormatOf(line.trim().split(/ +/)) : undefined;
}

/** Whether two formats have the same fields in the same order. */
export function sameFlowFormat(a: FlowFormat, b: FlowFormat): boolean {
  return a.header === b.header;
}
