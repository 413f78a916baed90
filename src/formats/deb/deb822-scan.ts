/**
 * Finding the paragraphs and fields of deb822 bytes (the rules are in ./deb822.ts): one pass over
 * a buffer that records where each field sits and hands out every paragraph known to be complete.
 */
import { FormatError, type ErrorLocation } from '../../errors.js';
import { sliceable } from '../sliceable-buffer.js';
import { COLON, CR, HASH, LF, LINE_NO, LayoutStore, NAME_START, SLOTS, SPACE, TAB, VALUE_END, isBlank, nameTag } from './deb822-layout.js';
import { Stanza } from './deb822-stanza.js';

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

export interface ScanState {
  /** Line number of the byte at the scan start. */
  line: number;
}

/**
 * Scan `buf` from `start`. Emits every paragraph that is known to be complete: one followed by a
 * blank line, or, when `final`, one that runs to the end. Returns where the first incomplete
 * paragraph (or partial line) starts, and sets `state.line` to that position's line number.
 */
export function scan(
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
        const shown = sliceable(buf).utf8Slice(pos, Math.min(end, pos + 60));
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
