/**
 * Where things are in a JSON text, for error messages: the line each element of a top-level
 * array starts on (`{"NetworkInterfaces": [ {…}, {…} ]}` → the line of every interface), and the
 * line and column of a character offset. A small scanner that knows strings and nesting.
 */

/** Line (1-based) and column (1-based) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The line on which each element of the array under the top-level key `key` starts, in order.
 * Empty when the text has no such array (the caller then reports record indexes only).
 */
export function arrayElementLines(text: string, key: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let stringStart = -1;
  let lastKey: string | undefined;
  let arrayDepth = -1;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') {
        inString = false;
        if (depth === 1 && arrayDepth < 0) lastKey = text.slice(stringStart + 1, i);
      }
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === ":") continue;
    if (expectElement && c !== "]") {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') {
      inString = true;
      stringStart = i;
    } else if (c === "{" || c === "[") {
      depth++;
      if (c === "[" && depth === 2 && lastKey === key && arrayDepth < 0) {
        arrayDepth = depth;
        expectElement = true;
      }
    } else if (c === "}" || c === "]") {
      if (depth === arrayDepth && c === "]") return lines;
      depth--;
    } else if (c === "," && depth === arrayDepth) {
      expectElement = true;
    }
  }
  return lines;
}
