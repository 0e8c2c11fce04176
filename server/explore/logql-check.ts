/**
 * LogQL checked by the LogQL parser (server/logql), the authority on what Loki accepts: Loki's
 * message and where the error is (for the editor's diagnostics), and whether a query is a log or a
 * metric query. Pure code.
 */
import { AppError } from "../errors";
import { LogQLParseError, parseLogQL } from "../logql/parser";

export type LogQLCheck =
  | { ok: true; kind: "log" | "metric" }
  | { ok: false; message: string; from: number; to: number; line: number; column: number };

/** 0-based offset of a 1-based line and column. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}

/** Parses a query as Loki would; on error, Loki's message and where it is. */
export function checkLogQL(query: string): LogQLCheck {
  try {
    const expr = parseLogQL(query);
    return { ok: true, kind: expr.kind === "logSelector" ? "log" : "metric" };
  } catch (error) {
    if (!(error instanceof LogQLParseError)) throw error;
    const at = error.offset ?? (error.line > 0 ? offsetOf(query, error.line, error.col) : 0);
    // "unexpected $end" points past the text: mark its last character instead.
    const from = Math.max(0, Math.min(at, query.length - 1));
    const to = error.line > 0 || error.offset !== null ? Math.min(query.length, from + 1) : query.length;
    return { ok: false, message: error.message, from, to, line: error.line, column: error.col };
  }
}

/** Throws BAD_REQUEST with Loki's message and the position when `query` is not valid LogQL of `kind`. */
export function requireLogQL(query: string, kind?: "log" | "metric"): "log" | "metric" {
  const check = checkLogQL(query);
  if (!check.ok) throw new AppError("BAD_REQUEST", check.message, { details: { position: { line: check.line, column: check.column }, from: check.from, to: check.to } });
  if (kind && check.kind !== kind) {
    throw new AppError(
      "BAD_REQUEST",
      kind === "log" ? "This is a metric query; flow lines need a log query such as {__aws_log_type=\"s3_vpc_flow\"} |= \"REJECT\"." : "This is a log query; a chart needs a metric query such as sum(count_over_time({…}[5m])).",
    );
  }
  return check.kind;
}

