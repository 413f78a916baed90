/**
 * Interned XML names. Element and attribute names repeat millions of times in repository metadata,
 * so the tokenizer hashes the name bytes while it scans them and looks them up here instead of
 * decoding a new string for every tag: a hit costs a byte comparison and no allocation.
 */
import { XML_NAME } from './chars.js';

export interface XmlName {
  /** The name as written, e.g. "rpm:entry". */
  readonly qname: string;
  /** The part before the colon, "" when there is none. */
  readonly prefix: string;
  /** The part after the colon (the whole name when there is no prefix). */
  readonly local: string;
}

/**
 * A (namespace URI, local name) pair, interned per tokenizer so consumers compare by identity.
 * `code` is the consumer's own tag for names it registered interest in (0 for all others), so a
 * handler can `switch (element.expanded.code)` instead of comparing strings.
 */
export class ExpandedName {
  code = 0;
  constructor(
    readonly uri: string,
    readonly local: string,
  ) {}
}

export class InternedName implements XmlName {
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  readonly prefixed: boolean;
  /** Declares a namespace binding when used as an attribute (`xmlns` or `xmlns:p`). */
  readonly declaresNamespace: boolean;
  /** Why the name is not a well-formed QName, or null. Checked once per distinct name. */
  readonly problem: string | null;
  /** Resolved expanded name, valid while the tokenizer's bindings generation equals `generation`. */
  expanded: ExpandedName | null = null;
  generation = -1;
  /** Serial of the last open tag this name was an attribute of (duplicate detection). */
  stamp = -1;
  /** As an element name: the attribute names it had, in order, last time (a guess for next time). */
  readonly attributeSequence: InternedName[] = [];
  /** As an element name: the sibling element that followed it last time. */
  followedBy: InternedName | undefined = undefined;
  /** As an element name: its first child element last time. */
  firstChild: InternedName | undefined = undefined;

  constructor(
    readonly bytes: Uint8Array,
    qname: string,
  ) {
    // Internalised, so the consumer's `name.qname === 'href'` is a pointer comparison.
    this.qname = internalize(qname);
    const colon = qname.indexOf(':');
    this.prefix = colon < 0 ? '' : qname.slice(0, colon);
    this.local = colon < 0 ? qname : qname.slice(colon + 1);
    this.prefixed = colon >= 0;
    this.declaresNamespace = qname === 'xmlns' || this.prefix === 'xmlns';
    this.problem = nameProblem(qname, colon);
  }
}

/**
 * V8 stores property keys as internalised strings, and compares two internalised strings by
 * pointer. Going through an object key is the portable way to get one.
 */
function internalize(text: string): string {
  return Object.keys({ [text]: 0 })[0] ?? text;
}

function nameProblem(qname: string, colon: number): string | null {
  // Only names with non-ASCII bytes can fail here: the tokenizer's byte tables already enforce the
  // ASCII part of the Name production.
  if (!XML_NAME.test(qname)) return `invalid name "${qname}"`;
  if (colon === 0 || colon === qname.length - 1 || (colon > 0 && qname.indexOf(':', colon + 1) >= 0)) {
    return `malformed qualified name "${qname}"`;
  }
  return null;
}

const SLOTS = 4096; // power of two; a primary.xml uses a few dozen distinct names

/** A direct-mapped cache from name bytes to {@link InternedName}; a colliding name replaces the old one. */
export class NameTable {
  /** How many names were created (a miss), so callers can tell whether identities are stable. */
  created = 0;
  private readonly slots: Array<InternedName | undefined> = new Array<InternedName | undefined>(SLOTS);

  /** `hash` is the tokenizer's running hash `h = h * 31 + byte` (int32) over exactly bytes[start, end). */
  lookup(bytes: Buffer, start: number, end: number, hash: number): InternedName {
    const slot = hash & (SLOTS - 1);
    const hit = this.slots[slot];
    if (hit !== undefined && sameBytes(hit.bytes, bytes, start, end)) return hit;
    const copy = Uint8Array.prototype.slice.call(bytes, start, end);
    const made = new InternedName(copy, bytes.toString('utf8', start, end));
    this.slots[slot] = made;
    this.created++;
    return made;
  }
}

function sameBytes(known: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (known.length !== length) return false;
  for (let k = 0; k < length; k++) if (known[k] !== bytes[start + k]) return false;
  return true;
}

