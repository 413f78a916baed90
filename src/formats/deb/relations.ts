/**
 * dpkg relationship fields (Depends, Provides, …): `name[:arch] [(op version)] [[archs]] [<profiles>]`
 * entries separated by `,`, alternatives by `|`.
 *
 * Hand-written rather than one big regular expression: sid's Packages has ~97k Provides entries
 * (Rust -dev packages provide hundreds of features each), and this runs on every one of them.
 */
import { FormatError, type ErrorLocation } from '../../errors.js';
import type { Relation } from '../types.js';

/** dpkg's operators; the obsolete `<` and `>` mean `<=` and `>=` (dpkg reads them that way). */
const OPERATORS: Record<string, string> = {
  // `(1.0)` without an operator: apt and dpkg read it as `=`.
  '': '=',
  '<<': '<<',
  '<=': '<=',
  '=': '=',
  '>=': '>=',
  '>>': '>>',
  '<': '<=',
  '>': '>=',
};

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isOperatorChar(c: number): boolean {
  return c === 0x3c /* < */ || c === 0x3e /* > */ || c === 0x3d /* = */;
}

/** Characters that end a package name (besides whitespace). */
function endsName(c: number): boolean {
  return c === 0x28 /* ( */ || c === 0x5b /* [ */ || c === 0x3c /* < */ || c === 0x7c /* | */ || c === 0x2c /* , */ || c === 0x29 /* ) */;
}

function invalid(text: string, where: ErrorLocation): FormatError {
  return new FormatError(`invalid relation ${JSON.stringify(text.trim())}`, where);
}

/** Parse text[start, end) as one entry such as `libc6 (>= 2.36)` or `mail-transport-agent`. */
function parseEntry(text: string, start: number, end: number, where: ErrorLocation): Relation {
  let p = start;
  while (p < end && isSpace(text.charCodeAt(p))) p++;
  const nameStart = p;
  while (p < end && !isSpace(text.charCodeAt(p)) && !endsName(text.charCodeAt(p))) p++;
  if (p === nameStart) throw invalid(text.slice(start, end), where);
  const rel: Relation = { name: text.slice(nameStart, p) };
  while (p < end && isSpace(text.charCodeAt(p))) p++;

  if (p < end && text.charCodeAt(p) === 0x28 /* ( */) {
    const close = text.indexOf(')', p);
    if (close < 0 || close >= end) throw invalid(text.slice(start, end), where);
    let q = p + 1;
    while (q < close && isSpace(text.charCodeAt(q))) q++;
    const opStart = q;
    while (q < close && isOperatorChar(text.charCodeAt(q))) q++;
    const op = OPERATORS[text.slice(opStart, q)];
    while (q < close && isSpace(text.charCodeAt(q))) q++;
    const versionStart = q;
    while (q < close && !isSpace(text.charCodeAt(q)) && text.charCodeAt(q) !== 0x28) q++;
    const versionEnd = q;
    while (q < close && isSpace(text.charCodeAt(q))) q++;
    if (op === undefined || versionEnd === versionStart || q !== close) throw invalid(text.slice(start, end), where);
    rel.flags = op;
    rel.version = text.slice(versionStart, versionEnd);
    p = close + 1;
    while (p < end && isSpace(text.charCodeAt(p))) p++;
  }
  // Architecture restrictions and build profiles are not kept, but must be well-formed.
  while (p < end && (text.charCodeAt(p) === 0x5b || text.charCodeAt(p) === 0x3c)) {
    const close = text.indexOf(text.charCodeAt(p) === 0x5b ? ']' : '>', p);
    if (close < 0 || close >= end) throw invalid(text.slice(start, end), where);
    p = close + 1;
    while (p < end && isSpace(text.charCodeAt(p))) p++;
  }
  if (p !== end) throw invalid(text.slice(start, end), where);
  return rel;
}

/** Parse one relation entry such as `libc6 (>= 2.36)` or `mail-transport-agent`. */
export function parseRelation(text: string, where: ErrorLocation = {}): Relation {
  return parseEntry(text, 0, text.length, where);
}

function isBlankRange(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (!isSpace(text.charCodeAt(k))) return false;
  return true;
}

/** A relationship field as a list of alternative groups (`a | b, c` → [[a, b], [c]]). */
export function parseRelationField(text: string, where: ErrorLocation = {}): Relation[][] {
  const out: Relation[][] = [];
  let start = 0;
  while (start <= text.length) {
    let comma = text.indexOf(',', start);
    if (comma < 0) comma = text.length;
    // dpkg tolerates an empty entry after a trailing comma.
    if (!isBlankRange(text, start, comma)) {
      const group: Relation[] = [];
      let altStart = start;
      for (;;) {
        let bar = text.indexOf('|', altStart);
        if (bar < 0 || bar > comma) bar = comma;
        group.push(parseEntry(text, altStart, bar, where));
        if (bar === comma) break;
        altStart = bar + 1;
      }
      out.push(group);
    }
    start = comma + 1;
  }
  return out;
}

/**
 * Provides: no alternatives, and only `=` versions (dpkg refuses anything else in Provides).
 */
export function parseProvides(text: string, where: ErrorLocation = {}): Relation[] {
  const out: Relation[] = [];
  for (const group of parseRelationField(text, where)) {
    if (group.length !== 1) throw new FormatError(`alternatives ('|') are not allowed in Provides: ${JSON.stringify(text)}`, where);
    const rel = group[0]!;
    if (rel.flags !== undefined && rel.flags !== '=') {
      throw new FormatError(`only exact versions ('=') may be used in Provides: ${JSON.stringify(text)}`, where);
    }
    out.push(rel);
  }
  return out;
}
