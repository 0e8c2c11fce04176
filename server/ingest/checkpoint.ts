/**
 * The ingest checkpoint: which files were sent completely, and where each stream's timestamp
 * counter stands, so a re-run skips what was sent and a resumed file gets the same timestamps as
 * before (Loki then treats re-sent entries as duplicates instead of storing them twice).
 *
 * It is an append-only journal of JSON lines, written before a file's first entry is pushed
 * (`start`: the stream and its counter) and after its last batch was accepted (`done`: how many
 * entries), compacted when a run ends cleanly. A crash loses nothing that was written.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { AppError } from "../errors";

interface StartEntry {
  t: "start";
  file: string;
  fp: string;
  stream: string;
  counter: number;
}

interface DoneEntry {
  t: "done";
  file: string;
  fp: string;
  stream: string;
  counter: number;
  entries: number;
  malformed: number;
}

interface StreamEntry {
  t: "stream";
  stream: string;
  next: number;
}

type JournalEntry = StartEntry | DoneEntry | StreamEntry;

export interface CheckpointStore {
  /** Whether this file (same fingerprint) was sent completely. */
  isDone(file: string, fingerprint: string): boolean;
  /** Whether a previous run started this file without finishing it. */
  wasStarted(file: string, fingerprint: string): boolean;
  /** The counter the file's first entry uses: its earlier start when resuming, else the stream's next. */
  begin(file: string, fingerprint: string, stream: string): number;
  /** The file was read to its end: the stream's next file starts after its entries. */
  finishedReading(stream: string, startCounter: number, entries: number): void;
  /** Every entry of the file was accepted. */
  done(file: string, fingerprint: string, stream: string, startCounter: number, entries: number, malformed: number): void;
  close(): void;
  readonly path: string | undefined;
}

/** Counters only: no file is remembered (ingest with `--no-checkpoint`). */
export function memoryCheckpoint(): CheckpointStore {
  const next = new Map<string, number>();
  return {
    path: undefined,
    isDone: () => false,
    wasStarted: () => false,
    begin: (_file, _fp, stream) => next.get(stream) ?? 0,
    finishedReading: (stream, start, entries) => {
      next.set(stream, Math.max(next.get(stream) ?? 0, start + entries));
    },
    done: () => {},
    close: () => {},
  };
}

/** Opens (or creates) the journal at `file`. */
export function openCheckpoint(file: string): CheckpointStore {
  const done = new Map<string, DoneEntry>();
  const started = new Map<string, StartEntry>();
  const next = new Map<string, number>();
  const bump = (stream: string, value: number) => next.set(stream, Math.max(next.get(stream) ?? 0, value));

  if (existsSync(file)) {
    const text = readFileSync(file, "utf8");
    let lineNumber = 0;
    for (const line of text.split("\n")) {
      lineNumber++;
      if (line.trim() === "") continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        // A crash can leave the last line half-written; anything else means the file is not ours.
        if (lineNumber >= text.split("\n").length - 1) continue;
        throw new AppError("BAD_REQUEST", `${file}:${lineNumber} is not an ingest checkpoint line. Pass another --checkpoint, or delete the file to send everything again.`);
      }
      if (entry.t === "start") {
        started.set(entry.file, entry);
        bump(entry.stream, entry.counter);
      } else if (entry.t === "done") {
        done.set(entry.file, entry);
        started.delete(entry.file);
        bump(entry.stream, entry.counter + entry.entries);
      } else if (entry.t === "stream") {
        bump(entry.stream, entry.next);
      }
    }
  } else {
    mkdirSync(path.dirname(file), { recursive: true });
  }
  const fd = openSync(file, "a");
  let closed = false;
  const append = (entry: JournalEntry) => {
    writeSync(fd, `${JSON.stringify(entry)}\n`);
  };

  return {
    path: file,
    isDone(name, fingerprint) {
      return done.get(name)?.fp === fingerprint;
    },
    wasStarted(name, fingerprint) {
      return started.get(name)?.fp === fingerprint;
    },
    begin(name, fingerprint, stream) {
      const earlier = started.get(name);
      const counter = earlier && earlier.fp === fingerprint && earlier.stream === stream ? earlier.counter : (next.get(stream) ?? 0);
      const entry: StartEntry = { t: "start", file: name, fp: fingerprint, stream, counter };
      started.set(name, entry);
      append(entry);
      return counter;
    },
    finishedReading(stream, startCounter, entries) {
      bump(stream, startCounter + entries);
    },
    done(name, fingerprint, stream, startCounter, entries, malformed) {
      const entry: DoneEntry = { t: "done", file: name, fp: fingerprint, stream, counter: startCounter, entries, malformed };
      done.set(name, entry);
      started.delete(name);
      bump(stream, startCounter + entries);
      append(entry);
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
      // Compact: the done files, the unfinished starts, and each stream's next counter.
      const lines = [
        ...[...done.values()].map((e) => JSON.stringify(e)),
        ...[...started.values()].map((e) => JSON.stringify(e)),
        ...[...next].map(([stream, value]) => JSON.stringify({ t: "stream", stream, next: value } satisfies StreamEntry)),
      ];
      const temporary = `${file}.tmp-${process.pid}`;
      writeFileSync(temporary, lines.length > 0 ? `${lines.join("\n")}\n` : "");
      renameSync(temporary, file);
    },
  };
}

