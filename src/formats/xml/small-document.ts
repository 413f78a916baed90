/**
 * Small XML documents (repomd.xml, metalink) go through xml2js, which is convenient for a few
 * kilobytes. It is not safe on its own: we refuse any DTD before xml2js sees the text, so no entity
 * can ever be declared, let alone expanded, and we cap the size.
 */
import { parseStringPromise } from 'xml2js';
import { XmlError, type ErrorLocation } from '../../errors.js';

/** repomd.xml is a few KB; metalinks a few tens of KB. 16 MiB leaves room and stops abuse. */
export const SMALL_XML_MAX_BYTES = 16 * 1024 * 1024;

/** What xml2js produces with explicitArray + attribute key `$` + text key `_`. */
export interface XmlNode {
  $?: Record<string, string>;
  _?: string;
  [child: string]: XmlNode[] | Record<string, string> | string | undefined;
}

export async function parseSmallXml(text: string, where: ErrorLocation = {}): Promise<{ root: string; node: XmlNode }> {
  if (text.length > SMALL_XML_MAX_BYTES) {
    throw new XmlError(`document is larger than ${SMALL_XML_MAX_BYTES} bytes`, where);
  }
  const dtd = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (dtd) {
    throw new XmlError(`refusing a document with a ${dtd[1]!.toUpperCase()} declaration (entity expansion is never allowed)`, {
      ...where,
      ...lineColumn(text, dtd.index),
    });
  }
  let parsed: unknown;
  try {
    parsed = await parseStringPromise(text, {
      explicitArray: true,
      explicitCharkey: true,
      attrkey: '$',
      charkey: '_',
      trim: true,
      strict: true,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const m = /Line: (\d+)\s+Column: (\d+)/.exec(message);
    throw new XmlError(
      `malformed XML: ${message.split('\n')[0]}`,
      { ...where, ...(m ? { line: Number(m[1]) + 1, column: Number(m[2]) } : {}) },
      { cause: err },
    );
  }
  if (parsed === null || typeof parsed !== 'object') throw new XmlError('empty document', where);
  const [root, node] = Object.entries(parsed as Record<string, XmlNode | string>)[0] ?? [];
  if (root === undefined || node === undefined) throw new XmlError('empty document', where);
  return { root, node: typeof node === 'string' ? { _: node } : node };
}

/** Children named `name` (a prefixed name like `mm0:timestamp` matches `timestamp`). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  if (!node) return [];
  const out: XmlNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '$' || key === '_') continue;
    if (key === name || key.endsWith(`:${name}`)) {
      for (const v of value as Array<XmlNode | string>) out.push(typeof v === 'string' ? { _: v } : v);
    }
  }
  return out;
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

export function textOf(node: XmlNode | undefined): string | undefined {
  const t = node?._;
  return t === undefined ? undefined : t.trim();
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  return node?.$?.[name];
}

function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lastNewline = -1;
  for (let i = 0; i < index; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastNewline = i;
    }
  }
  return { line, column: index - lastNewline };
}
