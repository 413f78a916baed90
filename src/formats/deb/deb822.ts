/**
 * deb822 paragraphs ("stanzas"): the `Field: value` format of Packages, Release, .sources,
 * preferences and dpkg's status file.
 *
 * The reader works on bytes: it finds line ends with `indexOf(0x0a)`, records where each field's
 * name and value sit in the buffer, and decodes only the fields a caller asks for. A Packages stanza
 * has ~20 fields and the crawl needs ~15, all short, so decoding lazily saves most of the cost of a
 * string per line. Because a stanza is only handed out once all of its bytes are in one contiguous
 * buffer, a UTF-8 character split across two input chunks is never decoded in halves.
 *
 * Rules (Debian Policy §5.1, dpkg's parser):
 * - A line that is empty or holds only spaces/tabs (and a CR) ends a paragraph; several in a row are
 *   one separator.
 * - `Name: value`. Field names are matched case-insensitively (ASCII), as dpkg and apt do.
 * - A line starting with a space or tab continues the previous field.
 * - With `comments: true`, lines starting with `#` are dropped wherever they are (apt's .sources,
 *   debian/control); otherwise such a line is an ordinary (and, lacking a colon, invalid) line.
 * - CRLF line ends are accepted: the CR is never part of a value.
 * - A field given twice in one paragraph: lookups see the first one, getAll() sees all. (dpkg
 *   refuses such a file; a crawler should not drop a whole index over it.)
 */
import { FormatError, type ErrorLocation } from '../../errors.js';

export interface Deb822Options {
  /** Drop lines whose first character is `#` (apt's .sources files and preferences allow them). */
  comments?: boolean;
  /** Longest field (with its continuation lines) accepted; default MAX_FIELD_BYTES. */
  maxFieldBytes?: number;
  /** Longest paragraph accepted while streaming; default MAX_STANZA_BYTES. */
  maxStanzaBytes?: number;
}

/**
 * Size caps far below the decompression cap (2 GiB): the largest field in Debian's archive (a
 * Description, a Release's hash list) is well under 1 MiB. A hostile index with one endless
 * continuation field fails here, fast and with bounded memory, instead of growing the open
 * paragraph until the total cap trips.
 */
export const MAX_FIELD_BYTES = 8 * 1024 * 1024;
export const MAX_STANZA_BYTES = 16 * 1024 * 1024;

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
function toKey(name: string | FieldKey): FieldKey {
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

// Per field the layout array holds these slots.
const NAME_START = 0;
const NAME_END = 1;
const VALUE_START = 2; // first non-blank byte after the colon (or the line end)
const FIRST_LINE_END = 3; // end of the field's own line (before CR/LF)
const VALUE_END = 4; // end of its last continuation line (before CR/LF)
const LINE_NO = 5;
const NAME_TAG = 6; // cheap pre-filter for lookups, see nameTag()
const SLOTS = 7;

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COLON = 0x3a;
const HASH = 0x23;

/**
 * Length plus first and last byte, case-folded: distinguishes the usual field names of an index
 * in one integer compare, so a lookup rarely compares bytes of a field it does not want.
 */
function nameTag(bytes: Uint8Array, start: number, end: number): number {
  return (end - start) | ((bytes[start]! | 0x20) << 16) | ((bytes[end - 1]! | 0x20) << 24);
}

/**
 * Buffer#utf8Slice / #latin1Slice are what `toString(encoding, start, end)` ends up calling after
 * its argument checks; calling them directly roughly halves the cost of decoding the ~1.2M short
 * values of a full index. They are not in @types/node, hence this narrow type; every Node release
 * since 0.x has them (lib/buffer.js uses them itself), and the check below makes a future one that
 * drops them fail loudly at import rather than deep inside a parse.
 */
interface SliceableBuffer extends Buffer {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}
{
  const proto = Buffer.prototype as Partial<SliceableBuffer>;
  if (typeof proto.utf8Slice !== 'function' || typeof proto.latin1Slice !== 'function') {
    throw new Error('deb822: this Node has no Buffer#utf8Slice/latin1Slice');
  }
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/**
 * Field layouts of the paragraphs found in one buffer, packed in one typed array (SLOTS ints per
 * field), so a paragraph costs one small object instead of an array that the GC has to trace.
 */
class LayoutStore {
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
    this.buf = buf as SliceableBuffer;
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

interface ScanState {
  /** Line number of the byte at the scan start. */
  line: number;
}

/**
 * Scan `buf` from `start`. Emits every paragraph that is known to be complete: one followed by a
 * blank line, or, when `final`, one that runs to the end. Returns where the first incomplete
 * paragraph (or partial line) starts, and sets `state.line` to that position's line number.
 */
function scan(
  buf: Buffer,
  start: number,
  final: boolean,
  state: ScanState,
  options: Deb822Options,
  where: ErrorLocation,
  emit: (s: Stanza) => void,
): number {
  const comments = options.comments === true;
  const maxField = options.maxFieldBytes ?? MAX_FIELD_BYTES;
  const len = buf.length;
  const store = new LayoutStore();
  let pos = start;
  let line = state.line;
  // The paragraph being collected: where it began (for the carry-over) and its first field slot.
  let paraStart = pos;
  let paraLine = line;
  let first = 0;

  const fail = (message: string, atLine: number): never => {
    throw new FormatError(message, { ...where, line: atLine });
  };

  while (pos < len) {
    let lf = buf.indexOf(LF, pos);
    if (lf < 0) {
      if (!final) break; // incomplete last line: wait for more bytes
      lf = len;
    }
    let end = lf;
    if (end > pos && buf[end - 1] === CR) end--;
    const c = buf[pos];

    if (pos === end || c === SPACE || c === TAB) {
      // Empty, whitespace-only, or a continuation line.
      let k = pos;
      while (k < end && isBlank(buf[k]!)) k++;
      if (k === end) {
        // Paragraph separator.
        if (store.used > first) {
          emit(new Stanza(buf, store.data, first, store.used, paraLine, comments));
          first = store.used;
        }
        paraStart = lf + 1;
        paraLine = line + 1;
      } else {
        if (store.used === first) fail('continuation line outside of a field', line);
        store.data[store.used - SLOTS + VALUE_END] = end;
        if (end - store.data[store.used - SLOTS + NAME_START]! > maxField) {
          fail(`field longer than ${maxField} bytes (from line ${store.data[store.used - SLOTS + LINE_NO]}): refused`, line);
        }
      }
    } else if (comments && c === HASH) {
      // A comment: skipped. Within a field it lies inside VALUE_END only if a continuation line
      // follows, and continuationsAt() drops it there.
      if (store.used === first) {
        paraStart = lf + 1;
        paraLine = line + 1;
      }
    } else {
      // Field names are short: a JS loop beats another native indexOf call here.
      let colon = pos;
      while (colon < end && buf[colon] !== COLON) colon++;
      if (colon >= end) {
        const shown = (buf as SliceableBuffer).utf8Slice(pos, Math.min(end, pos + 60));
        fail(`line is neither "Field: value" nor a continuation: ${JSON.stringify(shown)}`, line);
      }
      if (colon === pos) fail('field with an empty name', line);
      if (store.used === first) {
        paraStart = pos;
        paraLine = line;
      }
      // Skip the blank(s) after the colon here, while the bytes are hot, not on every lookup.
      let value = colon + 1;
      while (value < end && isBlank(buf[value]!)) value++;
      store.push(pos, colon, value, end, end, line, nameTag(buf, pos, colon));
    }
    pos = lf + 1;
    line++;
  }

  if (final) {
    if (store.used > first) emit(new Stanza(buf, store.data, first, store.used, paraLine, comments));
    state.line = line;
    return len;
  }
  if (store.used === first) {
    state.line = line;
    return Math.min(pos, len);
  }
  state.line = paraLine;
  return paraStart;
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Whether [s, e) holds only spaces/tabs, allowing a CR right before e (a CRLF line end). */
function isBlankLine(buf: Buffer, s: number, e: number): boolean {
  if (e > s && buf[e - 1] === CR) e--;
  for (let k = s; k < e; k++) if (!isBlank(buf[k]!)) return false;
  return true;
}

/** What the bytes after the last line feed seen so far look like. */
type Tail = 'blank' | 'blank-cr' | 'text';

function tailAfter(buf: Buffer, before: Tail): Tail {
  const lf = buf.lastIndexOf(LF);
  let state: Tail = lf < 0 ? before : 'blank';
  for (let k = lf + 1; k < buf.length && state !== 'text'; k++) {
    const c = buf[k]!;
    if (state === 'blank' && isBlank(c)) continue;
    state = state === 'blank' && c === CR ? 'blank-cr' : 'text';
  }
  return state;
}

/**
 * Where the first blank line in `chunk` ends (the index after its LF), given what the line that
 * `chunk` continues looked like so far; -1 if there is none yet.
 */
function firstSeparatorEnd(chunk: Buffer, tail: Tail): number {
  const firstLf = chunk.indexOf(LF);
  if (firstLf < 0) return -1;
  if ((tail === 'blank' && isBlankLine(chunk, 0, firstLf)) || (tail === 'blank-cr' && firstLf === 0)) return firstLf + 1;
  let pos = firstLf + 1;
  for (;;) {
    const lf = chunk.indexOf(LF, pos);
    if (lf < 0) return -1;
    if (isBlankLine(chunk, pos, lf)) return lf + 1;
    pos = lf + 1;
  }
}

/**
 * Read paragraphs from a byte stream (a file stream, a decompressor's output, an HTTP body).
 * Errors are FormatError carrying `where` plus the line number.
 */
export async function* readStanzas(
  source: AsyncIterable<Uint8Array>,
  where: ErrorLocation = {},
  options: Deb822Options = {},
): AsyncGenerator<Stanza> {
  for await (const batch of readStanzaBatches(source, where, options)) yield* batch;
}

/**
 * readStanzas() a chunk's worth at a time: one await per input chunk instead of per paragraph,
 * for consumers that handle many small paragraphs (a Packages index has ~77k).
 */
export async function* readStanzaBatches(
  source: AsyncIterable<Uint8Array>,
  where: ErrorLocation = {},
  options: Deb822Options = {},
): AsyncGenerator<Stanza[]> {
  const state: ScanState = { line: 1 };
  const maxStanza = options.maxStanzaBytes ?? MAX_STANZA_BYTES;
  // Bytes of the paragraph still open at the end of the previous chunk, not yet complete.
  let carry: Buffer[] = [];
  let carryBytes = 0;
  const hold = (bytes: Buffer): void => {
    carry.push(bytes);
    carryBytes += bytes.length;
    // Memory stays bounded by the cap, whatever the source holds.
    if (carryBytes > maxStanza) {
      throw new FormatError(`paragraph longer than ${maxStanza} bytes (a field that never ends?): refused`, { ...where, line: state.line });
    }
  };
  let tail: Tail = 'blank';
  let ready: Stanza[] = [];
  const emit = (s: Stanza): void => {
    ready.push(s);
  };

  for await (const raw of source) {
    const chunk = asBuffer(raw);
    if (chunk.length === 0) continue;
    let from = 0;
    if (carry.length > 0) {
      // Finish the open paragraph by copying only it and the head of this chunk up to the next
      // blank line; the rest of the chunk is scanned where it lies, without a copy.
      const boundary = firstSeparatorEnd(chunk, tail);
      if (boundary < 0) {
        hold(chunk);
        tail = tailAfter(chunk, tail);
        continue;
      }
      hold(chunk.subarray(0, boundary));
      scan(Buffer.concat(carry), 0, true, state, options, where, emit);
      carry = [];
      carryBytes = 0;
      from = boundary;
    }
    const rest = scan(chunk, from, false, state, options, where, emit);
    if (rest < chunk.length) {
      const open = chunk.subarray(rest);
      carry = [];
      carryBytes = 0;
      hold(open);
      tail = tailAfter(open, 'blank');
    }
    if (ready.length > 0) {
      const batch = ready;
      ready = [];
      yield batch;
    }
  }
  if (carry.length > 0) {
    scan(Buffer.concat(carry), 0, true, state, options, where, emit);
    if (ready.length > 0) yield ready;
  }
}

/** Parse a whole small file (Release, .sources, preferences, dpkg status) at once. */
export function parseStanzasText(text: string, where: ErrorLocation = {}, options: Deb822Options = {}): Stanza[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: Stanza[] = [];
  scan(Buffer.from(body, 'utf8'), 0, true, { line: 1 }, options, where, (s) => out.push(s));
  return out;
}
