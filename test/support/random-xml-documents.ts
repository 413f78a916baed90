/**
 * Seeded random XML documents and byte-level mutations of them, for the differential tests.
 * Documents are well-formed and exercise what the tokenizer must get right: namespaces and
 * redeclarations, attributes in any order with either quote, entities and character references,
 * CDATA, comments, PIs, multi-byte UTF-8, CR/LF, empty and self-closing elements.
 */

import { pick, type Random } from './seeded-random.js';

const NAMES = ['a', 'b', 'entry', 'x-y', 'n.1', '_u', 'caf\u00e9', '\u540d\u524d', 'rpm', 'version'];
const TEXT_PIECES = [
  'plain',
  ' ',
  '\n  ',
  '\r\n',
  '&amp;',
  '&lt;',
  '&gt;',
  '&quot;',
  '&apos;',
  '&#65;',
  '&#x1F600;',
  '\u00e9\u20ac\u{1F4A9}',
  '>',
  '"\'',
  ']]x',
  '] ]>',
  'tab\there',
];
const VALUE_PIECES = ['v', ' ', '1.2-3', '&amp;', '&lt;', '&#x9;', '&#10;', '\t', '\n', '\u00fc', '>', ']]>', '/'];

function name(random: Random): string {
  return pick(random, NAMES);
}

function attributeValue(random: Random, quote: string): string {
  let value = '';
  const n = Math.floor(random() * 4);
  for (let i = 0; i < n; i++) value += pick(random, VALUE_PIECES);
  // The other quote character may appear literally; ours must be escaped.
  if (random() < 0.3) value += quote === '"' ? "'" : '"';
  if (random() < 0.2) value += quote === '"' ? '&quot;' : '&apos;';
  return value;
}

function text(random: Random): string {
  let out = '';
  const n = Math.floor(random() * 4);
  for (let i = 0; i < n; i++) out += pick(random, TEXT_PIECES);
  return out;
}

function element(random: Random, depth: number, prefixes: string[]): string {
  const usePrefix = prefixes.length > 0 && random() < 0.3;
  const tag = usePrefix ? `${pick(random, prefixes)}:${name(random)}` : name(random);
  const attributes: string[] = [];
  const used = new Set<string>();
  const declared: string[] = [];
  if (random() < 0.15) {
    const prefix = pick(random, ['p', 'q', 'rpm']);
    attributes.push(`xmlns:${prefix}="urn:${prefix}:${depth}"`);
    declared.push(prefix);
  }
  if (random() < 0.1) attributes.push(`xmlns="urn:default:${depth}"`);
  const count = Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const attr = name(random);
    if (used.has(attr)) continue;
    used.add(attr);
    const quote = random() < 0.5 ? '"' : "'";
    attributes.push(`${attr}${pick(random, ['=', ' = ', '\n='])}${quote}${attributeValue(random, quote)}${quote}`);
  }
  if (random() < 0.1) attributes.push('xml:base="http://example.invalid/"');
  const open = `<${tag}${attributes.map((a) => pick(random, [' ', '\n\t', '  ']) + a).join('')}${random() < 0.2 ? ' ' : ''}`;
  if (depth > 4 || random() < 0.25) return `${open}/>`;
  const scope = [...prefixes, ...declared];
  let content = '';
  const children = Math.floor(random() * 4);
  for (let i = 0; i < children; i++) {
    content += text(random);
    const r = random();
    if (r < 0.6) content += element(random, depth + 1, scope);
    else if (r < 0.75) content += `<![CDATA[${pick(random, ['', 'x < y & z', ']]', ']>', '\u00e9'])}]]>`;
    else if (r < 0.9) content += `<!--${pick(random, ['', ' c ', '- x', '<tag> & '])}-->`;
    else content += `<?${pick(random, ['pi', 'target-x'])} ${pick(random, ['', 'data', 'a?b'])}?>`;
  }
  content += text(random);
  return `${open}>${content}</${tag}${random() < 0.2 ? ' ' : ''}>`;
}

export function generateDocument(random: Random): Uint8Array {
  let doc = '';
  if (random() < 0.1) doc += '\uFEFF';
  if (random() < 0.6) doc += pick(random, ['<?xml version="1.0"?>', "<?xml version='1.0' encoding='utf-8'?>", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>']);
  doc += pick(random, ['', '\n', '<!-- head -->\n', '<?pi x?>']);
  doc += element(random, 0, []);
  doc += pick(random, ['', '\n', '\n<!-- tail -->\n', ' <?pi?> ']);
  return new TextEncoder().encode(doc);
}

const INSERTABLE = ['<', '>', '&', '"', "'", ']]>', '</', '/>', '=', ';'];

/** Applies `count` seeded mutations: delete, insert or swap a markup-significant byte. */
export function mutate(bytes: Uint8Array, random: Random, count: number): Uint8Array {
  let doc = Buffer.from(bytes);
  for (let m = 0; m < count; m++) {
    const significant: number[] = [];
    for (let i = 0; i < doc.length; i++) {
      const c = doc[i]!;
      if (c === 0x3c || c === 0x3e || c === 0x26 || c === 0x22 || c === 0x27 || c === 0x5d || c === 0x3b || c === 0x3d) significant.push(i);
    }
    const at = significant.length > 0 && random() < 0.8 ? pick(random, significant) : Math.floor(random() * doc.length);
    const op = random();
    if (op < 0.4) {
      doc = Buffer.concat([doc.subarray(0, at), doc.subarray(at + 1)]);
    } else if (op < 0.8) {
      doc = Buffer.concat([doc.subarray(0, at), Buffer.from(pick(random, INSERTABLE)), doc.subarray(at)]);
    } else {
      const other = significant.length > 0 ? pick(random, significant) : Math.floor(random() * doc.length);
      const copy = Buffer.from(doc);
      copy[at] = doc[other]!;
      copy[other] = doc[at]!;
      doc = copy;
    }
  }
  return new Uint8Array(doc);
}
