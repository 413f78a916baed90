/**
 * A small direct-mapped cache of decoded short attribute values. Repository metadata repeats the
 * same short values endlessly (flags="EQ", epoch="0", the package's ver/rel on each of its
 * provides), and turning bytes into a JS string is a native call that costs more than comparing
 * a few bytes. Bytes live in one preallocated arena, so a miss allocates nothing but the string.
 */

/** Values longer than this are decoded directly (they are rarely repeated: names, paths). */
export const MAX_CACHED_VALUE = 32;
const SLOTS = 1024; // power of two

export class ValueCache {
  private readonly arena = new Uint8Array(SLOTS * MAX_CACHED_VALUE);
  private readonly lengths = new Int32Array(SLOTS).fill(-1);
  private readonly values: string[] = new Array<string>(SLOTS).fill('');

  /** The string remembered for bytes[start, end) (`hash` is `h = h * 31 + byte` over them), if any. */
  find(bytes: Uint8Array, start: number, end: number, hash: number): string | undefined {
    const slot = hash & (SLOTS - 1);
    const length = end - start;
    if (this.lengths[slot] !== length) return undefined;
    const arena = this.arena;
    const base = slot * MAX_CACHED_VALUE;
    for (let k = 0; k < length; k++) if (arena[base + k] !== bytes[start + k]) return undefined;
    return this.values[slot];
  }

  /** Remembers `value` as the decoding of bytes[start, end) (at most MAX_CACHED_VALUE bytes). */
  remember(bytes: Uint8Array, start: number, end: number, hash: number, value: string): void {
    const slot = hash & (SLOTS - 1);
    const base = slot * MAX_CACHED_VALUE;
    const arena = this.arena;
    // A loop, not arena.set(bytes.subarray(…)): a subarray is an allocation, and values are short.
    for (let k = start; k < end; k++) arena[base + k - start] = bytes[k]!;
    this.lengths[slot] = end - start;
    this.values[slot] = value;
  }
}
