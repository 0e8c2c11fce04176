/** A FileSink writing into a folder on disk (creating sub-folders as needed). */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FileSink } from "./generate";

export function folderSink(root: string): FileSink & { written: number } {
  const made = new Set<string>();
  const sink = {
    written: 0,
    async write(relative: string, data: Uint8Array | string) {
      const target = path.join(root, ...relative.split("/"));
      const dir = path.dirname(target);
      if (!made.has(dir)) {
        await mkdir(dir, { recursive: true });
        made.add(dir);
      }
      await writeFile(target, data);
      sink.written += typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
    },
  };
  return sink;
}
