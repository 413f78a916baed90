/** Field names as the deb822 reader looks them up: encoded once, matched case-insensitively. */
import { nameTag } from './deb822-layout.js';

/** A field name, lower-cased and encoded once, for repeated lookups in hot loops. */
export class FieldKey {
  readonly name: string;
  /** ASCII lower-case bytes of the name. */
  readonly bytes: Uint8Array;
  readonly tag: number;
  constructor(name: string) {
    if (name.length === 0) throw new RangeError('empty field name');
    this.name = name;
    this.bytes = Buffer.from(name.toLowerCase(), 'latin1');
    this.tag = nameTag(this.bytes, 0, this.bytes.length);
  }
}

const keyCache = new Map<string, FieldKey>();
export function toKey(name: string | FieldKey): FieldKey {
  if (typeof name !== 'string') return name;
  let key = keyCache.get(name);
  if (key === undefined) {
    key = new FieldKey(name);
    if (keyCache.size < 1024) keyCache.set(name, key);
  }
  return key;
}

/**
 * A fixed list of field names to look up together: `stanza.pick(set)` finds all of them in one
 * pass over the paragraph's fields (instead of one pass per name), which is what a Packages parser
 * reading ~15 fields of each of ~77k paragraphs wants.
 */
export class FieldSet {
  readonly keys: readonly FieldKey[];
  /** Open-addressing table: tag hash → key index + 1 (0 = empty). */
  private readonly table: Int32Array;
  private readonly tags: Int32Array;
  private readonly mask: number;
  /** Reused result buffer of pick(): slot offset per key, -1 when absent. */
  readonly found: Int32Array;

  constructor(names: readonly (string | FieldKey)[]) {
    this.keys = names.map(toKey);
    let size = 16;
    while (size < this.keys.length * 4) size *= 2;
    this.table = new Int32Array(size);
    this.tags = new Int32Array(size);
    this.mask = size - 1;
    this.found = new Int32Array(this.keys.length);
    this.keys.forEach((key, index) => {
      let h = this.hash(key.tag);
      while (this.table[h] !== 0) h = (h + 1) & this.mask;
      this.table[h] = index + 1;
      this.tags[h] = key.tag;
    });
  }

  private hash(tag: number): number {
    return (Math.imul(tag, 0x9e3779b1) >>> 16) & this.mask;
  }

  /** @internal key index for a field name at buf[start, end) with the given tag, or -1. */
  lookup(buf: Buffer, start: number, end: number, tag: number): number {
    let h = this.hash(tag);
    for (;;) {
      const entry = this.table[h]!;
      if (entry === 0) return -1;
      if (this.tags[h] === tag) {
        const want = this.keys[entry - 1]!.bytes;
        let same = want.length === end - start;
        for (let j = 0; same && j < want.length; j++) {
          let c = buf[start + j]!;
          if (c >= 0x41 && c <= 0x5a) c |= 0x20;
          same = c === want[j];
        }
        if (same) return entry - 1;
      }
      h = (h + 1) & this.mask;
    }
  }
}
