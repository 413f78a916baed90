/**
 * How the deb822 reader records a paragraph: byte positions into the buffer its bytes arrived in,
 * SLOTS ints per field packed in one typed array, plus the byte classes the scanner and the
 * paragraph accessors share.
 */

// Per field the layout array holds these slots.
export const NAME_START = 0;
export const NAME_END = 1;
export const VALUE_START = 2; // first non-blank byte after the colon (or the line end)
export const FIRST_LINE_END = 3; // end of the field's own line (before CR/LF)
export const VALUE_END = 4; // end of its last continuation line (before CR/LF)
export const LINE_NO = 5;
export const NAME_TAG = 6; // cheap pre-filter for lookups, see nameTag()
export const SLOTS = 7;

export const LF = 0x0a;
export const CR = 0x0d;
export const SPACE = 0x20;
export const TAB = 0x09;
export const COLON = 0x3a;
export const HASH = 0x23;

export function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/**
 * Length plus first and last byte, case-folded: distinguishes the usual field names of an index
 * in one integer compare, so a lookup rarely compares bytes of a field it does not want.
 */
export function nameTag(bytes: Uint8Array, start: number, end: number): number {
  return (end - start) | ((bytes[start]! | 0x20) << 16) | ((bytes[end - 1]! | 0x20) << 24);
}

/**
 * Field layouts of the paragraphs found in one buffer, packed in one typed array (SLOTS ints per
 * field), so a paragraph costs one small object instead of an array that the GC has to trace.
 */
export class LayoutStore {
  data = new Int32Array(4096);
  used = 0;
  push(a: number, b: number, c: number, d: number, e: number, f: number, g: number): void {
    if (this.used + SLOTS > this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data.subarray(0, this.used));
      // Paragraphs already handed out keep the old array, which still holds their fields.
      this.data = bigger;
    }
    const d0 = this.data;
    const u = this.used;
    d0[u] = a;
    d0[u + 1] = b;
    d0[u + 2] = c;
    d0[u + 3] = d;
    d0[u + 4] = e;
    d0[u + 5] = f;
    d0[u + 6] = g;
    this.used = u + SLOTS;
  }
}
