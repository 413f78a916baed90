/** One deb822 paragraph, decoding its values from the underlying bytes on request. */
import { sliceable, type SliceableBuffer } from '../sliceable-buffer.js';
import { toKey, type FieldKey, type FieldSet } from './deb822-fields.js';
import type { InternTable } from './deb822-intern.js';
import { CR, FIRST_LINE_END, HASH, LF, LINE_NO, NAME_END, NAME_START, NAME_TAG, SLOTS, VALUE_END, VALUE_START, isBlank } from './deb822-layout.js';

/** One paragraph. Values are decoded from the underlying bytes on request. */
export class Stanza {
  /** 1-based line number of the paragraph's first field. */
  readonly line: number;
  private readonly buf: SliceableBuffer;
  private readonly layout: Int32Array;
  private readonly from: number;
  private readonly to: number;
  private readonly hasComments: boolean;

  /** @internal built by the scanner */
  constructor(buf: Buffer, layout: Int32Array, from: number, to: number, line: number, hasComments: boolean) {
    this.buf = sliceable(buf);
    this.layout = layout;
    this.from = from;
    this.to = to;
    this.line = line;
    this.hasComments = hasComments;
  }

  /** Number of fields (duplicates counted). */
  get size(): number {
    return (this.to - this.from) / SLOTS;
  }

  private find(name: string | FieldKey): number {
    const key = toKey(name);
    const { layout, to } = this;
    for (let i = this.from; i < to; i += SLOTS) {
      if (layout[i + NAME_TAG] === key.tag && this.nameIs(i, key)) return i;
    }
    return -1;
  }

  /**
   * Find every field of `set` in one pass. Returns `set.found` (reused by the next call, so read
   * it before picking again): for each key, a slot to pass to the `…At` accessors, or -1.
   * The first occurrence of a duplicated field wins, as with get().
   */
  pick(set: FieldSet): Int32Array {
    const found = set.found;
    found.fill(-1);
    const { buf, layout, to } = this;
    for (let i = this.from; i < to; i += SLOTS) {
      const k = set.lookup(buf, layout[i + NAME_START]!, layout[i + NAME_END]!, layout[i + NAME_TAG]!);
      if (k >= 0 && found[k] === -1) found[k] = i;
    }
    return found;
  }

  /** firstLine() for a slot from pick(); undefined for -1. */
  firstLineAt(slot: number): string | undefined {
    return slot < 0 ? undefined : this.firstLineOf(slot);
  }

  /** firstLineAt() through an InternTable, for short values that repeat across paragraphs. */
  firstLineInterned(slot: number, table: InternTable): string | undefined {
    if (slot < 0) return undefined;
    const s = this.layout[slot + VALUE_START]!;
    let e = this.layout[slot + FIRST_LINE_END]!;
    while (e > s && isBlank(this.buf[e - 1]!)) e--;
    return table.get(this.buf, s, e);
  }

  /** folded() for a slot from pick(); undefined for -1. */
  foldedAt(slot: number): string | undefined {
    if (slot < 0) return undefined;
    const first = this.firstLineOf(slot);
    if (this.layout[slot + FIRST_LINE_END] === this.layout[slot + VALUE_END]) return first;
    return [first, ...this.continuationsAt(slot, true)].filter((s) => s.length > 0).join(' ');
  }

  /** Line number of a slot from pick(); the paragraph's first line for -1. */
  lineAt(slot: number): number {
    return slot < 0 ? this.line : this.layout[slot + LINE_NO]!;
  }

  /** get() of every occurrence of a field that may repeat (preferences' Explanation lines). */
  getAll(name: string | FieldKey): string[] {
    const out: string[] = [];
    const want = toKey(name);
    for (let i = this.from; i < this.to; i += SLOTS) {
      if (this.layout[i + NAME_TAG] === want.tag && this.nameIs(i, want)) {
        const first = this.firstLineOf(i);
        out.push(this.layout[i + FIRST_LINE_END] === this.layout[i + VALUE_END] ? first : [first, ...this.continuationsAt(i, false)].join('\n'));
      }
    }
    return out;
  }

  private nameIs(i: number, key: FieldKey): boolean {
    const want = key.bytes;
    const start = this.layout[i + NAME_START]!;
    if (this.layout[i + NAME_END]! - start !== want.length) return false;
    for (let j = 0; j < want.length; j++) {
      let c = this.buf[start + j]!;
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      if (c !== want[j]) return false;
    }
    return true;
  }

  has(name: string | FieldKey): boolean {
    return this.find(name) >= 0;
  }

  /** 1-based line number where the field starts, for error messages. */
  lineOf(name: string | FieldKey): number | undefined {
    const i = this.find(name);
    return i < 0 ? undefined : this.layout[i + LINE_NO];
  }

  /**
   * The value as dpkg stores it: the first line without surrounding whitespace, then each
   * continuation line as written (leading space kept, trailing whitespace dropped), joined by "\n".
   */
  get(name: string | FieldKey): string | undefined {
    const i = this.find(name);
    if (i < 0) return undefined;
    const first = this.firstLineOf(i);
    if (this.layout[i + FIRST_LINE_END] === this.layout[i + VALUE_END]) return first;
    return [first, ...this.continuationsAt(i, false)].join('\n');
  }

  /** Only the first line of the value (e.g. a Description's synopsis), trimmed. */
  firstLine(name: string | FieldKey): string | undefined {
    const i = this.find(name);
    return i < 0 ? undefined : this.firstLineOf(i);
  }

  /**
   * The value of a folded field (Depends, Provides, Uploaders, Architectures…): line breaks are not
   * significant, so the lines are trimmed and joined with single spaces.
   */
  folded(name: string | FieldKey): string | undefined {
    return this.foldedAt(this.find(name));
  }

  /**
   * The value of a multiline field (Release's SHA256 list, Description) as lines: the first line,
   * then each continuation line with its leading whitespace removed. The first entry is "" when
   * the value starts on the next line, as hash lists do.
   */
  lines(name: string | FieldKey): string[] | undefined {
    const i = this.find(name);
    if (i < 0) return undefined;
    return [this.firstLineOf(i), ...this.continuationsAt(i, true)];
  }

  /** Field names in order of appearance, as written. */
  names(): string[] {
    const out: string[] = [];
    for (let i = this.from; i < this.to; i += SLOTS) {
      out.push(this.buf.latin1Slice(this.layout[i + NAME_START]!, this.layout[i + NAME_END]!));
    }
    return out;
  }

  /** All fields as `name → get(name)` (first occurrence wins), for small files and debugging. */
  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.names()) {
      if (!(name in out)) out[name] = this.get(name)!;
    }
    return out;
  }

  private firstLineOf(i: number): string {
    const s = this.layout[i + VALUE_START]!;
    let e = this.layout[i + FIRST_LINE_END]!;
    const buf = this.buf;
    while (e > s && isBlank(buf[e - 1]!)) e--;
    return buf.utf8Slice(s, e);
  }

  private continuationsAt(i: number, trimLeading: boolean): string[] {
    const buf = this.buf;
    const end = this.layout[i + VALUE_END]!;
    const out: string[] = [];
    // FIRST_LINE_END sits before the first line's CR/LF; each step moves to the next line.
    let pos = this.layout[i + FIRST_LINE_END]!;
    while (pos < end) {
      const s0 = buf.indexOf(LF, pos) + 1;
      if (s0 === 0 || s0 > end) break;
      let e = buf.indexOf(LF, s0);
      if (e < 0 || e > end) e = end;
      pos = e;
      let s = s0;
      if (this.hasComments && buf[s] === HASH) continue;
      if (e > s && buf[e - 1] === CR) e--;
      while (e > s && isBlank(buf[e - 1]!)) e--;
      if (trimLeading) while (s < e && isBlank(buf[s]!)) s++;
      out.push(buf.utf8Slice(s, e));
    }
    return out;
  }
}
