/** Sharing the decoded strings of short deb822 values that repeat across paragraphs. */
import type { SliceableBuffer } from '../sliceable-buffer.js';

/**
 * Shares the strings of short values that repeat across paragraphs (Architecture, Section,
 * Multi-Arch): hashing a few bytes in JS is cheaper than decoding a new string, and 77k records then
 * hold one "amd64" instead of 77k copies. Bounded, so a field with unique values cannot grow it
 * without limit.
 */
export class InternTable {
  private readonly buckets = new Map<number, Array<{ bytes: Buffer; value: string }>>();
  private entries = 0;
  constructor(
    private readonly maxEntries = 4096,
    private readonly maxLength = 32,
  ) {}

  /** @internal the string for buf[start, end), decoded once. */
  get(buf: SliceableBuffer, start: number, end: number): string {
    const n = end - start;
    if (n > this.maxLength) return buf.utf8Slice(start, end);
    let h = n;
    for (let k = start; k < end; k++) h = Math.imul(h ^ buf[k]!, 0x01000193);
    const bucket = this.buckets.get(h);
    if (bucket !== undefined) {
      outer: for (const entry of bucket) {
        const b = entry.bytes;
        if (b.length !== n) continue;
        for (let k = 0; k < n; k++) if (b[k] !== buf[start + k]) continue outer;
        return entry.value;
      }
    }
    const value = buf.utf8Slice(start, end);
    if (this.entries < this.maxEntries) {
      const entry = { bytes: Buffer.from(buf.subarray(start, end)), value };
      if (bucket === undefined) this.buckets.set(h, [entry]);
      else bucket.push(entry);
      this.entries++;
    }
    return value;
  }
}
