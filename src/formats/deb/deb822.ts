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
import { CR, LF, isBlank } from './deb822-layout.js';
import { MAX_STANZA_BYTES, scan, type Deb822Options, type ScanState } from './deb822-scan.js';
import type { Stanza } from './deb822-stanza.js';

export { FieldKey, FieldSet } from './deb822-fields.js';
export { InternTable } from './deb822-intern.js';
export { MAX_FIELD_BYTES, MAX_STANZA_BYTES, type Deb822Options } from './deb822-scan.js';
export { Stanza } from './deb822-stanza.js';

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
