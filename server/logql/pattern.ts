/**
 * The `pattern` parser (`| pattern "<ip> - <_> [<ts>] <msg>"`), compiled once into a sequence of
 * `indexOf` searches, with Loki v2.7's matching rules: a leading literal must start the line,
 * each capture runs up to the next literal's first occurrence, a missing literal ends the match
 * with the rest of the line in the current capture, `<_>` captures nothing.
 */

export class PatternSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PatternSyntaxError";
  }
}

type PatternNode = { capture: string } | { literal: string };

export interface CompiledPattern {
  /** Names of the named captures, in order. */
  readonly names: readonly string[];
  /**
   * Matches a line; writes capture values into `out` (by capture index) and returns how many
   * named captures matched (0 when the line does not match at all). Stops after capture
   * `needed - 1` when `needed` is given; with `wanted`, only captures i with wanted[i] are
   * written (the others are left as they were).
   */
  match(line: string, out: string[], needed?: number, wanted?: readonly boolean[]): number;
  /** As match, but writes each capture's [start, end) offsets instead of cutting strings. */
  matchOffsets(line: string, starts: Int32Array, ends: Int32Array, needed?: number): number;
}

const IDENT = /^<([A-Za-z_][A-Za-z0-9_]*)>/;

function parseNodes(pattern: string): PatternNode[] {
  const nodes: PatternNode[] = [];
  let literal = "";
  let i = 0;
  while (i < pattern.length) {
    if (pattern[i] === "<") {
      const m = IDENT.exec(pattern.slice(i));
      if (m) {
        if (literal !== "") {
          nodes.push({ literal });
          literal = "";
        }
        nodes.push({ capture: m[1] ?? "" });
        i += m[0].length;
        continue;
      }
    }
    literal += pattern[i];
    i++;
  }
  if (literal !== "") nodes.push({ literal });
  return nodes;
}

function nodeText(node: PatternNode): string {
  return "capture" in node ? `<${node.capture}>` : node.literal;
}

/** Compiles a pattern; throws PatternSyntaxError with Loki's message for invalid ones. */
export function compilePattern(pattern: string): CompiledPattern {
  const nodes = parseNodes(pattern);
  if (nodes.length === 0) throw new PatternSyntaxError("syntax error: unexpected $end");
  const names: string[] = [];
  for (const node of nodes) if ("capture" in node && node.capture !== "_") names.push(node.capture);
  if (names.length === 0) throw new PatternSyntaxError("at least one capture is required");
  for (let i = 0; i + 1 < nodes.length; i++) {
    const a = nodes[i] as PatternNode;
    const b = nodes[i + 1] as PatternNode;
    if ("capture" in a && "capture" in b) {
      throw new PatternSyntaxError(`found consecutive capture '${nodeText(a)}${nodeText(b)}': invalid expression`);
    }
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new PatternSyntaxError(`duplicate capture name (${name}): invalid expression`);
    seen.add(name);
  }

  // Layout: optional leading literal, then (capture, literal) pairs, optionally a final capture.
  let prefix = "";
  let rest = nodes;
  const first = nodes[0] as PatternNode;
  if ("literal" in first) {
    prefix = first.literal;
    rest = nodes.slice(1);
  }
  const stepNamed: boolean[] = [];
  const stepLiteral: Array<string | null> = [];
  for (let i = 0; i < rest.length; i += 2) {
    const cap = rest[i] as { capture: string };
    const lit = rest[i + 1] as { literal: string } | undefined;
    stepNamed.push(cap.capture !== "_");
    stepLiteral.push(lit ? lit.literal : null);
  }
  const steps = stepNamed.length;
  const hasPrefix = prefix !== "";

  return {
    names,
    matchOffsets(line: string, starts: Int32Array, ends: Int32Array, needed = names.length): number {
      if (line.length === 0) return 0;
      let pos = 0;
      if (hasPrefix) {
        if (!line.startsWith(prefix)) return 0;
        pos = prefix.length;
      }
      let count = 0;
      for (let s = 0; s < steps; s++) {
        if (count >= needed) return count;
        const named = stepNamed[s];
        const lit = stepLiteral[s];
        const i = lit === null || lit === undefined ? -1 : line.indexOf(lit, pos);
        if (i === -1) {
          if (named) {
            starts[count] = pos;
            ends[count++] = line.length;
          }
          return count;
        }
        if (named) {
          starts[count] = pos;
          ends[count++] = i;
        }
        pos = i + (lit as string).length;
      }
      return count;
    },
    match(line: string, out: string[], needed = names.length, wanted?: readonly boolean[]): number {
      if (line.length === 0) return 0;
      let pos = 0;
      if (hasPrefix) {
        if (!line.startsWith(prefix)) return 0;
        pos = prefix.length;
      }
      if (steps === 0) return 0;
      let count = 0;
      for (let s = 0; s < steps; s++) {
        if (count >= needed) return count;
        const named = stepNamed[s];
        const lit = stepLiteral[s];
        if (lit === null || lit === undefined) {
          if (named) {
            if (wanted === undefined || wanted[count]) out[count] = line.slice(pos);
            count++;
          }
          return count;
        }
        const i = line.indexOf(lit, pos);
        if (i === -1) {
          if (named) {
            if (wanted === undefined || wanted[count]) out[count] = line.slice(pos);
            count++;
          }
          return count;
        }
        if (named) {
          if (wanted === undefined || wanted[count]) out[count] = line.slice(pos, i);
          count++;
        }
        pos = i + lit.length;
      }
      return count;
    },
  };
}
