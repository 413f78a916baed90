/**
 * Loaders for the reference version vectors in test/fixtures/vectors (provenance in test/fixtures/README.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const vectorsDir = path.resolve(repoRoot, 'test/fixtures/vectors');

export interface OrderVector {
  line: number;
  a: string;
  b: string;
  expected: -1 | 0 | 1;
}

function toOrder(text: string, where: string): -1 | 0 | 1 {
  const n = Number(text);
  if (n !== -1 && n !== 0 && n !== 1) throw new Error(`${where}: bad expected value ${JSON.stringify(text)}`);
  return n;
}

/** `a<TAB>b<TAB>expected` lines; fields are taken verbatim (dpkg.tsv has one with a leading space). */
export function readOrderVectors(file: string): OrderVector[] {
  const text = readFileSync(path.join(vectorsDir, file), 'utf8');
  const rows: OrderVector[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const fields = raw.split('\t');
    if (fields.length !== 3) throw new Error(`${file}:${index + 1}: expected 3 fields, got ${fields.length}`);
    rows.push({ line: index + 1, a: fields[0]!, b: fields[1]!, expected: toOrder(fields[2]!, `${file}:${index + 1}`) });
  });
  return rows;
}

/** Undo Python's repr() of a str: the quoting dpkg_invalid.tsv uses for its first column. */
export function unrepr(text: string): string {
  const quote = text[0];
  if ((quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) {
    throw new Error(`not a Python string literal: ${text}`);
  }
  const body = text.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, esc: string) => {
    if (esc.startsWith('x') && esc.length === 3) return String.fromCharCode(parseInt(esc.slice(1), 16));
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
    const value = simple[esc];
    if (value === undefined) throw new Error(`unknown escape \\${esc} in ${text}`);
    return value;
  });
}

export interface DpkgSyntaxVector {
  line: number;
  version: string;
  /** Exit code of `dpkg --compare-versions V eq V`: 0 accepted, 2 rejected. */
  rc: number;
  /** What dpkg printed on stderr ('' when nothing). */
  stderr: string;
}

export function readDpkgSyntaxVectors(): DpkgSyntaxVector[] {
  const text = readFileSync(path.join(vectorsDir, 'dpkg_invalid.tsv'), 'utf8');
  const rows: DpkgSyntaxVector[] = [];
  text.split('\n').forEach((raw, index) => {
    if (index === 0 || raw === '') return; // header
    const fields = raw.split('\t');
    if (fields.length !== 3) throw new Error(`dpkg_invalid.tsv:${index + 1}: expected 3 fields`);
    rows.push({ line: index + 1, version: unrepr(fields[0]!), rc: Number(fields[1]), stderr: fields[2]! });
  });
  return rows;
}
