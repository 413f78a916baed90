/**
 * dpkg relationship fields (Depends, Provides, …): `name[:arch] [(op version)] [[archs]] [<profiles>]`
 * entries separated by `,`, alternatives by `|`.
 */
import { FormatError, type ErrorLocation } from '../../errors.js';
import type { Relation } from '../types.js';

/** dpkg's operators; the obsolete `<` and `>` mean `<=` and `>=` (dpkg reads them that way). */
const OPERATORS: Record<string, string> = {
  '<<': '<<',
  '<=': '<=',
  '=': '=',
  '>=': '>=',
  '>>': '>>',
  '<': '<=',
  '>': '>=',
};

// name[:arch] then optional "(op version)", then arch restrictions and build profiles we keep out.
const ENTRY = /^([^\s(|,[<]+)\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^\s)]+)\s*\))?\s*(?:\[[^\]]*\]\s*)?(?:<[^>]*>\s*)*$/;

/** Parse one relation entry such as `libc6 (>= 2.36)` or `mail-transport-agent`. */
export function parseRelation(text: string, where: ErrorLocation = {}): Relation {
  const m = ENTRY.exec(text.trim());
  if (m === null) throw new FormatError(`invalid relation ${JSON.stringify(text.trim())}`, where);
  const rel: Relation = { name: m[1]! };
  if (m[2] !== undefined) {
    rel.flags = OPERATORS[m[2]]!;
    rel.version = m[3]!;
  }
  return rel;
}

/** A relationship field as a list of alternative groups (`a | b, c` → [[a, b], [c]]). */
export function parseRelationField(text: string, where: ErrorLocation = {}): Relation[][] {
  const out: Relation[][] = [];
  for (const group of text.split(',')) {
    if (group.trim() === '') continue; // dpkg tolerates a trailing comma
    out.push(group.split('|').map((alt) => parseRelation(alt, where)));
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
