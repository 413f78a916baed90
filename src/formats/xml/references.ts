/**
 * Entity and character references, and the slow path of character-data decoding (anything with a
 * reference or a CR in it). Only the five predefined entities exist here: a document can never
 * declare more, because the tokenizer refuses DOCTYPE and ENTITY declarations outright.
 */
import { AMP, CR, HASH, LF, SEMICOLON, TAB, isXmlChar } from './chars.js';

/** Thrown by {@link scanReference}; the tokenizer turns it into an XmlError with a location. */
export class ReferenceProblem {
  constructor(
    readonly message: string,
    readonly at: number,
  ) {}
}

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

/** Longest reference body worth waiting for: `#x` + 6 hex digits, with slack for leading zeros. */
const MAX_REFERENCE = 64;

/**
 * Checks the reference starting at `amp` (which holds `&`). Returns the index just after its `;`,
 * or -1 when the buffer ends before the reference does. Throws ReferenceProblem when it is bad.
 */
export function scanReference(buf: Uint8Array, amp: number, end: number): number {
  let j = amp + 1;
  const limit = Math.min(end, amp + MAX_REFERENCE);
  while (j < limit) {
    const c = buf[j]!;
    if (c === SEMICOLON) break;
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alnum && c !== HASH) throw new ReferenceProblem('malformed entity reference (no ";")', amp);
    j++;
  }
  if (j >= limit) {
    if (limit === end && j - amp < MAX_REFERENCE) return -1;
    throw new ReferenceProblem('malformed entity reference (too long)', amp);
  }
  referenceValue(buf, amp, j);
  return j + 1;
}

/** The text a complete reference `&…;` (semicolon at `semi`) stands for; throws when it is bad. */
export function referenceValue(buf: Uint8Array, amp: number, semi: number): string {
  const body = String.fromCharCode(...buf.subarray(amp + 1, semi));
  if (body.charCodeAt(0) === HASH) {
    let code = Number.NaN;
    if (/^#x[0-9a-fA-F]+$/.test(body)) code = parseInt(body.slice(2), 16);
    else if (/^#[0-9]+$/.test(body)) code = parseInt(body.slice(1), 10);
    if (!isXmlChar(code)) throw new ReferenceProblem(`malformed character reference "&${body};"`, amp);
    return String.fromCodePoint(code);
  }
  const value = PREDEFINED.get(body);
  if (value === undefined) {
    throw new ReferenceProblem(
      body === '' ? 'empty entity reference' : `unknown entity "&${body};" (only the five predefined entities exist)`,
      amp,
    );
  }
  return value;
}

/**
 * Decodes character data that contains references or CRs: references replaced, CRLF and lone CR
 * turned into LF (XML's line-end normalisation). In attribute values (`attribute` true) TAB, LF and
 * CR become spaces as well, but characters produced by references are kept as they are.
 * The bytes were validated while scanning, so references here are known to be good.
 */
export function decodeSlow(buf: Buffer, start: number, end: number, attribute: boolean): string {
  let out = '';
  let run = start;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === AMP) {
      let semi = i + 1;
      while (buf[semi] !== SEMICOLON) semi++;
      out += buf.toString('utf8', run, i) + referenceValue(buf, i, semi);
      i = semi;
      run = semi + 1;
    } else if (c === CR) {
      out += buf.toString('utf8', run, i) + (attribute ? ' ' : '\n');
      if (buf[i + 1] === LF && i + 1 < end) i++;
      run = i + 1;
    } else if (attribute && (c === LF || c === TAB)) {
      out += buf.toString('utf8', run, i) + ' ';
      run = i + 1;
    }
  }
  return out + buf.toString('utf8', run, end);
}

/** CRLF and lone CR to LF, nothing else: for CDATA, where `&` is just a character. */
export function normaliseLineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
