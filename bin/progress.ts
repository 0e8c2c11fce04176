/**
 * One progress line on stderr for long commands (generate, ingest, demo): redrawn in place on a
 * terminal at most a few times a second; elsewhere (CI logs, pipes) printed every few seconds.
 */
export class ProgressLine {
  private last = 0;
  private shown = false;
  private readonly tty: boolean;
  private readonly intervalMs: number;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
    this.intervalMs = this.tty ? 200 : 5000;
  }

  update(text: string, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    if (this.tty) {
      const width = this.stream.columns ?? 120;
      this.stream.write(`\r${text.slice(0, width - 1).padEnd(Math.min(width - 1, text.length + 2))}`);
      this.shown = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Clears the line (on a terminal) so the summary starts on a fresh line. */
  done(): void {
    if (this.tty && this.shown) this.stream.write("\r\x1b[2K");
    this.shown = false;
  }
}

/** 1234567 → "1,234,567"; fractions rounded. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Bytes as B, KB, MB, GB (powers of 1024). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
