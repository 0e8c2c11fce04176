/**
 * Decoded chunks kept in memory between queries, least recently used first out, within a
 * byte budget. Chunks never change once written (the compactor writes new ones under new ids
 * and deletes the old), so an id always names the same entries.
 */
import { type ChunkEntries, decodedSize } from "./chunk";

export class ChunkCache {
  private readonly entries = new Map<string, { chunk: ChunkEntries; size: number }>();
  private used = 0;
  hits = 0;
  misses = 0;

  constructor(readonly budgetBytes: number) {}

  get(id: string): ChunkEntries | undefined {
    const hit = this.entries.get(id);
    if (!hit) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(id);
    this.entries.set(id, hit);
    return hit.chunk;
  }

  set(id: string, chunk: ChunkEntries): void {
    if (this.budgetBytes <= 0) return;
    const size = decodedSize(chunk);
    if (size > this.budgetBytes / 4) return;
    const old = this.entries.get(id);
    if (old) {
      this.used -= old.size;
      this.entries.delete(id);
    }
    this.entries.set(id, { chunk, size });
    this.used += size;
    for (const [key, value] of this.entries) {
      if (this.used <= this.budgetBytes) break;
      this.entries.delete(key);
      this.used -= value.size;
    }
  }

  get bytes(): number {
    return this.used;
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }
}
