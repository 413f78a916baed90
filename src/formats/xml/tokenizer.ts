/**
 * A push-based, streaming XML tokenizer over UTF-8 bytes, built for large repository metadata
 * (a Fedora primary.xml is ~190 MB uncompressed).
 *
 * Why not a general SAX parser: those decode every byte into JS strings and call back per token,
 * which caps them around 75 MB/s. This one works on the bytes: native Buffer#indexOf finds `<`,
 * quotes, `&`, `]` and CR (cached, so each is searched once per occurrence, not per token); names
 * are interned, and first checked against a guess (the element that followed this one last time,
 * the attribute this element had in this position last time), so a typical tag costs a few byte
 * comparisons and no allocation; nothing is decoded unless the consumer asks (character data only
 * while {@link XmlTokenizer.captureText} is on, attribute values only when read, short repeated
 * values from a small cache). It is still a real, checking XML 1.0 + Namespaces tokenizer: attributes in any
 * order with either quote, self-closing tags, CDATA, comments and processing instructions (skipped
 * but checked), the five predefined entities and character references, line-end and attribute-value
 * normalisation, and the well-formedness errors a consumer could otherwise be fooled by.
 *
 * Deliberate limits:
 * - Any `<!DOCTYPE` or `<!ENTITY` is refused (XmlError): entities are never expanded, so entity
 *   bombs and external entities cannot happen.
 * - Input must be UTF-8 (or US-ASCII). Character-level checks apply to what is decoded: forbidden
 *   control characters are rejected in every string handed to the consumer (and in comments, PIs
 *   and text containing references), but character data and attribute values nobody asks for are
 *   only checked for markup (`<`, `&`, `]]>`, quotes), not byte by byte. Malformed UTF-8 decodes
 *   to U+FFFD rather than failing.
 * - Namespace prefixes are resolved to URIs (cheap: a scope stack that only changes when an element
 *   declares `xmlns…`), so consumers can match on (uri, local name) exactly. Unbound prefixes,
 *   `xmlns:p=""` and misuse of the reserved xml/xmlns prefixes are errors. Attribute lookup is by
 *   qualified name: unprefixed attributes have no namespace and the `xml:` prefix is fixed by the
 *   spec, which covers what repository metadata uses.
 *
 * Tokens may be split across chunks anywhere (even inside a UTF-8 sequence): the unfinished tail of
 * a chunk is carried over and the search for the token's end resumes where it stopped, so work
 * stays linear. Memory is bounded by the largest single token (capped by `maxTokenBytes`).
 */
import type { ErrorLocation } from '../../errors.js';
import { XmlError } from '../../errors.js';
import { sliceable } from '../sliceable-buffer.js';
import {
  AMP,
  BANG,
  CHAR_CLASS,
  CR,
  EQUALS,
  FORBIDDEN,
  GT,
  HYPHEN,
  LF,
  LT,
  NAME_CHAR,
  NAME_START,
  QUESTION,
  RBRACKET,
  SLASH,
  SQUOTE,
  DQUOTE,
  TAB,
  TEXT_STOP,
  VALUE_STOP,
  WHITESPACE,
} from './chars.js';
import { ExpandedName, InternedName, NameTable, type XmlName } from './names.js';
import { ReferenceProblem, decodeSlow, normaliseLineEnds, scanReference } from './references.js';
import { MAX_CACHED_VALUE, ValueCache } from './value-cache.js';

export type { XmlName } from './names.js';
export { ExpandedName } from './names.js';

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** An open tag as the handler sees it. Valid only during the `openElement` call. */
export interface XmlElement {
  readonly name: XmlName;
  /** Namespace URI and local name, interned: compare by identity or switch on `expanded.code`. */
  readonly expanded: ExpandedName;
  /** Namespace URI of the element ("" when it has none). */
  readonly uri: string;
  readonly selfClosing: boolean;
  readonly attributeCount: number;
  attributeName(index: number): XmlName;
  /** Decoded value (references replaced, whitespace normalised). */
  attributeValue(index: number): string;
  /** Value of the attribute with this qualified name, e.g. "href" or "xml:base". */
  attribute(qname: string): string | undefined;
}

export interface XmlHandler {
  openElement(element: XmlElement): void;
  /** Also called right after openElement for a self-closing tag. */
  closeElement(name: XmlName, expanded: ExpandedName): void;
  /** Character data with references decoded; only delivered while `captureText` is on. */
  text(value: string): void;
  /** A CDATA section's content; only delivered while `captureText` is on. */
  cdata(value: string): void;
}

export interface XmlTokenizerOptions {
  /** Where the bytes come from, for error messages. */
  where?: ErrorLocation;
  /** Largest single token (tag, text run, comment…) accepted. Default 64 MiB. */
  maxTokenBytes?: number;
  /**
   * Count lines so errors carry line:column, not just the byte offset. Off by default: counting
   * newlines costs ~9% of the tokenizer's time on repository metadata, where offsets do.
   */
  trackLines?: boolean;
}

const NEED_MORE = -1;
// Module-local aliases: hot loops read these instead of imported bindings.
const CHAR_CLASS_LOCAL: Uint8Array = CHAR_CLASS;
const TEXT_STOP_LOCAL: Uint8Array = TEXT_STOP;
const VALUE_STOP_LOCAL: Uint8Array = VALUE_STOP;
const EMPTY = Buffer.alloc(0);
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const INITIAL_WORK = 1 << 16;

/** Pending work when a chunk ends inside a token. */
const enum Pending {
  None,
  /** Character data: `resume` is where scanning continues. */
  Text,
  /** A tag: quote-aware search for its `>` continues at `resume` (with `resumeQuote`). */
  Tag,
  /** Comment, CDATA or PI: search for its terminator continues at `resume`. */
  Terminator,
}

class ElementView implements XmlElement {
  name!: InternedName;
  expanded!: ExpandedName;
  selfClosing = false;
  attributeCount = 0;
  buf: Buffer = EMPTY;
  names: InternedName[] = [];
  starts: number[] = [];
  ends: number[] = [];
  /** Value holds a reference (so it needs the slow decoder). */
  references: boolean[] = [];

  private readonly cache = new ValueCache();

  constructor(private readonly owner: XmlTokenizer) {}

  get uri(): string {
    return this.expanded.uri;
  }

  attributeName(index: number): XmlName {
    if (index < 0 || index >= this.attributeCount) throw new RangeError(`no attribute #${index}`);
    return this.names[index]!;
  }

  attributeValue(index: number): string {
    if (index < 0 || index >= this.attributeCount) throw new RangeError(`no attribute #${index}`);
    const buf = this.buf;
    const start = this.starts[index]!;
    const end = this.ends[index]!;
    // Control characters were not looked at while scanning: check them now that the value is wanted.
    let normalise = this.references[index]!;
    let hash = 0;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      hash = (Math.imul(hash, 31) + c) | 0;
      if (c < 0x20) {
        if ((CHAR_CLASS_LOCAL[c]! & FORBIDDEN) !== 0) throw this.owner.errorAt(`character 0x${c.toString(16)} is not allowed in XML`, i);
        normalise = true;
      }
    }
    if (normalise) return decodeSlow(buf, start, end, true);
    if (end - start > MAX_CACHED_VALUE) return utf8(buf, start, end);
    const cached = this.cache.find(buf, start, end, hash);
    if (cached !== undefined) return cached;
    const value = utf8(buf, start, end);
    this.cache.remember(buf, start, end, hash, value);
    return value;
  }

  attribute(qname: string): string | undefined {
    for (let k = 0; k < this.attributeCount; k++) {
      if (this.names[k]!.qname === qname) return this.attributeValue(k);
    }
    return undefined;
  }
}

export class XmlTokenizer {
  /**
   * Deliver character data and CDATA to the handler. Turn it off (e.g. from openElement) around
   * content you do not need: it is then checked but never decoded.
   */
  captureText = true;

  private readonly handler: XmlHandler;
  private readonly where: ErrorLocation;
  private readonly maxTokenBytes: number;
  private readonly trackLines: boolean;
  private readonly names = new NameTable();
  private readonly element = new ElementView(this);
  private readonly expandedNames = new Map<string, Map<string, ExpandedName>>();

  /** Bytes being tokenized: buf[pos, buf.length) is not consumed yet. */
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Growable carry-over buffer used when a token spans chunks. */
  private work: Buffer = Buffer.allocUnsafe(INITIAL_WORK);
  /** Absolute offset of buf[0] in the document. */
  private base = 0;
  /** Lines (LF count) and the absolute offset after the last LF, for bytes before buf[0]. */
  private linesBefore = 0;
  private lineStartBefore = 0;

  /**
   * Cached positions of the next `<`, `&`, `]` and CR in buf (buf.length: none). Native indexOf
   * finds them far faster than a JS loop looks at each byte; a cache entry behind the scan point
   * is stale and recomputed. All are reset when buf changes.
   */
  private nextLT = -1;
  private nextAmp = -1;
  private nextBracket = -1;
  private nextCR = -1;

  private pending = Pending.None;
  private resume = 0;
  private resumeQuote = 0;
  private textSlow = false;

  private started = false;
  /** Absolute offset where the document proper starts (after a BOM). */
  private docStart = 0;
  private rootSeen = false;
  private ended = false;

  private depth = 0;
  /** Counts open tags, for attribute-duplicate stamps. */
  private tagSerial = 0;
  private stackNames: InternedName[] = [];
  private stackExpanded: ExpandedName[] = [];
  private stackUndo: number[] = [];
  /** Per depth: the element that last closed there under the current parent (null: none yet). */
  private previousSibling: Array<InternedName | null> = [];
  /** Current prefix → URI bindings ("" is the default namespace). */
  private readonly bindings = new Map<string, string>([
    ['', ''], // no default namespace until one is declared
    ['xml', XML_NAMESPACE],
    ['xmlns', XMLNS_NAMESPACE],
  ]);
  /** Undo log for bindings: prefix and the URI it had before (undefined: unbound). */
  private undoPrefixes: string[] = [];
  private undoUris: Array<string | undefined> = [];
  /** Bumped whenever a binding changes; InternedName caches its resolution per generation. */
  private generation = 0;

  constructor(handler: XmlHandler, options: XmlTokenizerOptions = {}) {
    this.handler = handler;
    this.where = options.where ?? {};
    this.maxTokenBytes = options.maxTokenBytes ?? 64 * 1024 * 1024;
    this.trackLines = options.trackLines ?? false;
  }

  /**
   * The interned (uri, local) pair. Register interest by setting its `code`, e.g.
   * `tokenizer.expandedName(NS, 'package').code = 1`, then switch on `element.expanded.code`.
   */
  expandedName(uri: string, local: string): ExpandedName {
    let byLocal = this.expandedNames.get(uri);
    if (byLocal === undefined) {
      byLocal = new Map();
      this.expandedNames.set(uri, byLocal);
    }
    let expanded = byLocal.get(local);
    if (expanded === undefined) {
      expanded = new ExpandedName(uri, local);
      byLocal.set(local, expanded);
    }
    return expanded;
  }

  /** Offset of the token being processed (during a callback), else of the first unconsumed byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  write(chunk: Uint8Array): void {
    if (this.ended) throw new Error('XmlTokenizer: write() after end()');
    if (chunk.length === 0) return;
    this.append(chunk);
    this.run(false);
    this.retain();
  }

  /** Signals the end of input: anything unfinished is an error. */
  end(): void {
    if (this.ended) return;
    this.run(true);
    this.ended = true;
    if (!this.started) throw this.error('empty document: no root element', 0);
    if (this.depth > 0) {
      throw this.error(`unexpected end of input: <${this.stackNames[this.depth - 1]!.qname}> is not closed`, this.buf.length);
    }
    if (!this.rootSeen) throw this.error('no root element', this.buf.length);
  }

  // ---- buffering -------------------------------------------------------------------------

  private append(chunk: Uint8Array): void {
    const view = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const keep = this.buf.length;
    this.nextLT = this.nextAmp = this.nextBracket = this.nextCR = -1;
    if (keep === 0) {
      // Nothing carried over: tokenize the caller's chunk in place, no copy.
      this.buf = view;
      return;
    }
    const needed = keep + chunk.length;
    if (needed > this.work.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.work.length * 2));
      this.buf.copy(grown, 0, 0, keep);
      this.work = grown;
    }
    this.work.set(view, keep);
    this.buf = this.work.subarray(0, needed);
  }

  /**
   * Drops consumed bytes and moves the unfinished tail into the carry-over buffer, so nothing
   * refers to the caller's chunk once write() returns.
   */
  private retain(): void {
    const buf = this.buf;
    const pos = this.pos;
    const keep = buf.length - pos;
    this.nextLT = this.nextAmp = this.nextBracket = this.nextCR = -1; // positions are about to shift
    if (this.trackLines) this.countLines(pos);
    this.base += pos;
    this.resume -= pos;
    this.pos = 0;
    if (keep === 0) {
      this.buf = EMPTY;
      return;
    }
    if (keep > this.work.length) this.work = Buffer.allocUnsafe(Math.max(keep, this.work.length * 2));
    if (buf.buffer === this.work.buffer) this.work.copyWithin(0, buf.byteOffset - this.work.byteOffset + pos, buf.byteOffset - this.work.byteOffset + buf.length);
    else buf.copy(this.work, 0, pos, buf.length);
    this.buf = this.work.subarray(0, keep);
  }

  /** Advances the line bookkeeping over buf[0, upTo) before those bytes are dropped. */
  private countLines(upTo: number): void {
    const buf = this.buf;
    let i = buf.indexOf(LF);
    while (i >= 0 && i < upTo) {
      this.linesBefore++;
      this.lineStartBefore = this.base + i + 1;
      i = buf.indexOf(LF, i + 1);
    }
  }

  // ---- main loop -------------------------------------------------------------------------

  private run(final: boolean): void {
    const buf = this.buf;
    const end = buf.length;
    let pos = this.pos;
    if (!this.started) {
      if (end < 3 && !final) return;
      this.started = end > 0;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
      this.docStart = this.base + pos;
    }
    while (pos < end) {
      this.pos = pos; // so `offset` names the token a handler is looking at
      let next: number;
      switch (this.pending) {
        case Pending.Text:
          next = this.text(pos, this.resume, final);
          break;
        case Pending.Tag:
          next = this.findTagEnd(pos, final);
          if (next !== NEED_MORE) next = this.markup(pos, final);
          break;
        default:
          next = buf[pos] === LT ? this.markup(pos, final) : this.text(pos, pos, final);
      }
      if (next === NEED_MORE) break;
      this.pending = Pending.None;
      pos = next;
    }
    this.pos = pos;
  }

  /** Bookkeeping for a token cut off by the end of the buffer. */
  private needMore(start: number, final: boolean, what: string): number {
    if (final) throw this.error(`unexpected end of input inside ${what}`, start);
    if (this.buf.length - start > this.maxTokenBytes) {
      throw this.error(`${what} longer than ${this.maxTokenBytes} bytes`, start);
    }
    return NEED_MORE;
  }

  // ---- character data --------------------------------------------------------------------

  /** Scans character data starting at `start` (resuming at `from`); returns the index of the next `<`. */
  private text(start: number, from: number, final: boolean): number {
    const buf = this.buf;
    const end = buf.length;
    // Most character data in metadata is a newline and indentation: look a few bytes ahead in JS
    // before paying for native searches.
    const STOP = TEXT_STOP_LOCAL;
    const near = Math.min(end, from + 24);
    let i = from;
    while (i < near && STOP[buf[i]!] === 0) i++;
    if (i < near) {
      if (buf[i] !== LT) return this.textSlowly(start, i, final, this.pending === Pending.Text ? this.textSlow : false);
      this.finishText(start, i, this.pending === Pending.Text ? this.textSlow : false);
      return i;
    }
    let lt = this.nextLT;
    if (lt < from) lt = this.nextLT = indexOrEnd(buf, LT, from);
    if (this.nextAmp < from) this.nextAmp = indexOrEnd(buf, AMP, from);
    if (this.nextBracket < from) this.nextBracket = indexOrEnd(buf, RBRACKET, from);
    if (this.nextCR < from) this.nextCR = indexOrEnd(buf, CR, from);
    const slow = this.pending === Pending.Text ? this.textSlow : false;
    if (this.nextAmp < lt || this.nextBracket < lt || this.nextCR < lt) return this.textSlowly(start, from, final, slow);
    if (lt < end) {
      this.finishText(start, lt, slow);
      return lt;
    }
    return this.textNeedsMore(start, end, final, slow);
  }

  /** Character data with references, brackets or CRs in it: byte by byte. */
  private textSlowly(start: number, from: number, final: boolean, slowSoFar: boolean): number {
    const buf = this.buf;
    const end = buf.length;
    const STOP = TEXT_STOP_LOCAL;
    let slow = slowSoFar;
    let i = from;
    for (;;) {
      while (i < end && STOP[buf[i]!] === 0) i++;
      if (i >= end) break;
      const c = buf[i]!;
      if (c === LT) {
        this.finishText(start, i, slow);
        return i;
      }
      if (c === AMP) {
        const after = this.reference(i, end);
        if (after === NEED_MORE) {
          if (final) throw this.error('unexpected end of input inside an entity reference', i);
          break;
        }
        slow = true;
        i = after;
      } else if (c === RBRACKET) {
        if (i + 2 >= end && !final) break;
        if (buf[i + 1] === RBRACKET && buf[i + 2] === GT) throw this.error('"]]>" is not allowed in character data', i);
        i++;
      } else if (c === CR) {
        slow = true;
        i++;
      } else {
        throw this.error(`character 0x${c.toString(16)} is not allowed in XML`, i);
      }
    }
    return this.textNeedsMore(start, i, final, slow);
  }

  /** The buffer ended inside character data; scanning resumes at `resume`. */
  private textNeedsMore(start: number, resume: number, final: boolean, slow: boolean): number {
    const end = this.buf.length;
    if (final) {
      this.finishText(start, end, slow);
      return end;
    }
    if (end - start > this.maxTokenBytes) throw this.error(`text longer than ${this.maxTokenBytes} bytes`, start);
    this.pending = Pending.Text;
    this.resume = resume;
    this.textSlow = slow;
    return NEED_MORE;
  }

  private finishText(start: number, end: number, slow: boolean): void {
    if (start === end) return;
    const buf = this.buf;
    if (this.depth === 0) {
      for (let i = start; i < end; i++) {
        if ((CHAR_CLASS[buf[i]!]! & WHITESPACE) === 0) {
          throw this.error(this.rootSeen ? 'text after the root element' : 'text before the root element', i);
        }
      }
      return;
    }
    if (!this.captureText) return;
    if (slow) {
      this.handler.text(decodeSlow(buf, start, end, false)); // the slow scan checked every byte
      return;
    }
    const value = utf8(buf, start, end);
    // A regular expression over the decoded string beats a JS loop over the bytes.
    if (FORBIDDEN_CHARACTER.test(value)) this.checkChars(start, end);
    this.handler.text(value);
  }

  private reference(amp: number, end: number): number {
    try {
      return scanReference(this.buf, amp, end);
    } catch (err) {
      if (err instanceof ReferenceProblem) throw this.error(err.message, err.at);
      throw err;
    }
  }

  // ---- markup ----------------------------------------------------------------------------

  private markup(pos: number, final: boolean): number {
    const buf = this.buf;
    if (pos + 1 >= buf.length) return this.needMore(pos, final, 'a tag');
    const c = buf[pos + 1]!;
    if ((CHAR_CLASS[c]! & NAME_START) !== 0) return this.tagOrWait(pos, final, this.openTag(pos));
    if (c === SLASH) return this.tagOrWait(pos, final, this.closeTag(pos));
    if (c === QUESTION) return this.processingInstruction(pos, final);
    if (c === BANG) return this.declaration(pos, final);
    throw this.error(`"<" must start a tag; found ${describeByte(c)}`, pos + 1);
  }

  /** When a tag was cut off, start the quote-aware search for its end so it is re-parsed only once it is all here. */
  private tagOrWait(pos: number, final: boolean, result: number): number {
    if (result !== NEED_MORE) return result;
    if (this.pending === Pending.Tag) {
      // findTagEnd saw the whole tag, yet the parser wanted more: they disagree about its shape.
      throw this.error('malformed tag', pos);
    }
    this.resume = pos + 1;
    this.resumeQuote = 0;
    if (this.findTagEnd(pos, final) === NEED_MORE) return NEED_MORE;
    throw this.error('malformed tag', pos);
  }

  /**
   * Continues looking for the `>` that ends the tag at `pos`, skipping quoted values. A `<` ends the
   * search too: it is never allowed inside a tag, and the tag parser will report it.
   */
  private findTagEnd(pos: number, final: boolean): number {
    const buf = this.buf;
    const end = buf.length;
    let quote = this.resumeQuote;
    let i = this.resume;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c === LT) return i;
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === GT) {
        return i;
      } else if (c === DQUOTE || c === SQUOTE) {
        quote = c;
      }
    }
    this.pending = Pending.Tag;
    this.resume = i;
    this.resumeQuote = quote;
    return this.needMore(pos, final, 'a tag');
  }

  /** Parses `<name attr="v" …>` or `…/>` at `pos`. Returns the index after it, or NEED_MORE. */
  private openTag(pos: number): number {
    const buf = this.buf;
    const CLASS = CHAR_CLASS_LOCAL;
    const STOP = VALUE_STOP_LOCAL;
    const end = buf.length;
    const el = this.element;
    const serial = ++this.tagSerial;
    const createdBefore = this.names.created;
    // Element name. Documents repeat their structure, so first try a guess (see guessElement):
    // one byte comparison instead of scanning, hashing and looking the name up.
    let i = pos + 1;
    let hash = 0;
    let name = this.guessElement();
    if (name !== undefined && startsWithName(buf, i, name.bytes, CLASS)) {
      i += name.bytes.length;
    } else {
      for (; i < end; i++) {
        const c = buf[i]!;
        if ((CLASS[c]! & NAME_CHAR) === 0) break;
        hash = (Math.imul(hash, 31) + c) | 0;
      }
      if (i >= end) return NEED_MORE;
      name = this.names.lookup(buf, pos + 1, i, hash);
      if (name.problem !== null) throw this.error(name.problem, pos + 1);
    }
    let count = 0;
    let selfClosing = false;
    let hasNamespaceDecl = false;
    let hasPrefixed = false;
    for (;;) {
      if (i >= end) return NEED_MORE;
      let c = buf[i]!;
      let spaced = false;
      while ((CLASS[c]! & WHITESPACE) !== 0) {
        spaced = true;
        if (++i >= end) return NEED_MORE;
        c = buf[i]!;
      }
      if (c === GT) {
        i++;
        break;
      }
      if (c === SLASH) {
        if (i + 1 >= end) return NEED_MORE;
        if (buf[i + 1] !== GT) throw this.error('"/" in a tag must be followed by ">"', i);
        selfClosing = true;
        i += 2;
        break;
      }
      if ((CLASS[c]! & NAME_START) === 0) throw this.error(`unexpected ${describeByte(c)} in tag <${name.qname}>`, i);
      if (!spaced) throw this.error(`whitespace required before attribute in tag <${name.qname}>`, i);
      // Attribute name. Elements of one kind tend to repeat their attributes in the same order,
      // so first try the name this element had in this position last time: one byte comparison
      // instead of scanning, hashing and looking up.
      const nameStart = i;
      let attrName = name.attributeSequence[count];
      if (attrName !== undefined && startsWithName(buf, i, attrName.bytes, CLASS)) {
        i += attrName.bytes.length;
        c = buf[i]!;
      } else {
        hash = 0;
        for (; i < end; i++) {
          c = buf[i]!;
          if ((CLASS[c]! & NAME_CHAR) === 0) break;
          hash = (Math.imul(hash, 31) + c) | 0;
        }
        if (i >= end) return NEED_MORE;
        attrName = this.names.lookup(buf, nameStart, i, hash);
        if (attrName.problem !== null) throw this.error(attrName.problem, nameStart);
        name.attributeSequence[count] = attrName;
      }
      while ((CLASS[c]! & WHITESPACE) !== 0) {
        if (++i >= end) return NEED_MORE;
        c = buf[i]!;
      }
      if (c !== EQUALS) throw this.error(`attribute "${attrName.qname}" has no value`, i);
      do {
        if (++i >= end) return NEED_MORE;
        c = buf[i]!;
      } while ((CLASS[c]! & WHITESPACE) !== 0);
      if (c !== DQUOTE && c !== SQUOTE) throw this.error(`value of attribute "${attrName.qname}" must be quoted`, i);
      const quote = c;
      const valueStart = ++i;
      // Values are short: a JS loop beats a native indexOf call here. Control characters and
      // whitespace normalisation are left to attributeValue(), for values someone reads.
      let references = false;
      for (;;) {
        while (i < end && STOP[buf[i]!] === 0) i++;
        if (i >= end) return NEED_MORE;
        c = buf[i]!;
        if (c === quote) break;
        if (c === LT) throw this.error(`"<" is not allowed in attribute values`, i);
        if (c === AMP) {
          const after = this.reference(i, end);
          if (after === NEED_MORE) return NEED_MORE;
          references = true;
          i = after;
        } else {
          i++; // the other quote character
        }
      }
      if (attrName.stamp === serial) throw this.error(`duplicate attribute "${attrName.qname}"`, nameStart);
      attrName.stamp = serial;
      el.names[count] = attrName;
      el.starts[count] = valueStart;
      el.ends[count] = i;
      el.references[count] = references;
      count++;
      if (attrName.declaresNamespace) hasNamespaceDecl = true;
      if (attrName.prefixed) hasPrefixed = true;
      i++; // closing quote
    }
    // Stamps catch duplicates by identity; if the name cache replaced entries during this tag, two
    // spellings of one name may be different objects, so compare the strings as well.
    if (this.names.created !== createdBefore && count > 1) this.checkDuplicatesByText(count, pos);
    el.name = name;
    el.buf = buf;
    el.attributeCount = count;
    el.selfClosing = selfClosing;
    this.startElement(pos, hasNamespaceDecl, hasPrefixed);
    return i;
  }

  /**
   * The likely name of the element opening now: what followed the previous sibling last time, or
   * what was the first child of the parent last time. Right almost always in generated metadata.
   */
  private guessElement(): InternedName | undefined {
    const previous = this.previousSibling[this.depth];
    if (previous !== null && previous !== undefined) return previous.followedBy ?? previous;
    return this.depth > 0 ? this.stackNames[this.depth - 1]!.firstChild : undefined;
  }

  private checkDuplicatesByText(count: number, pos: number): void {
    const names = this.element.names;
    for (let a = 0; a < count; a++) {
      for (let b = a + 1; b < count; b++) {
        if (names[a]!.qname === names[b]!.qname) throw this.error(`duplicate attribute "${names[b]!.qname}"`, pos);
      }
    }
  }

  private startElement(pos: number, hasNamespaceDecl: boolean, hasPrefixed: boolean): void {
    const el = this.element;
    const name = el.name;
    if (this.depth === 0) {
      if (this.rootSeen) throw this.error(`a second root element <${name.qname}>`, pos);
      this.rootSeen = true;
    }
    const undoMark = this.undoPrefixes.length;
    if (hasNamespaceDecl) this.declareNamespaces(pos);
    el.expanded = name.generation === this.generation ? name.expanded! : this.resolveElement(name, pos);
    if (hasPrefixed) this.checkPrefixedAttributes(pos);
    const depth = this.depth++;
    const previous = this.previousSibling[depth];
    if (previous !== null && previous !== undefined) previous.followedBy = name;
    else if (depth > 0) this.stackNames[depth - 1]!.firstChild = name;
    this.previousSibling[depth + 1] = null;
    this.stackNames[depth] = name;
    this.stackExpanded[depth] = el.expanded;
    this.stackUndo[depth] = undoMark;
    this.handler.openElement(el);
    if (el.selfClosing) this.endElement();
  }

  private resolveElement(name: InternedName, pos: number): ExpandedName {
    if (name.prefix === 'xmlns') throw this.error(`element names may not use the "xmlns" prefix`, pos + 1);
    const uri = this.bindings.get(name.prefix);
    if (uri === undefined) throw this.error(`unbound namespace prefix "${name.prefix}" in <${name.qname}>`, pos + 1);
    name.expanded = this.expandedName(uri, name.local);
    name.generation = this.generation;
    return name.expanded;
  }

  private declareNamespaces(pos: number): void {
    const el = this.element;
    for (let k = 0; k < el.attributeCount; k++) {
      const attr = el.names[k]!;
      if (!attr.declaresNamespace) continue;
      const prefix = attr.prefix === '' ? '' : attr.local;
      const uri = el.attributeValue(k).trim();
      const problem = namespaceProblem(prefix, uri);
      if (problem !== null) throw this.error(problem, pos);
      this.undoPrefixes.push(prefix);
      this.undoUris.push(this.bindings.get(prefix));
      this.bindings.set(prefix, uri);
      this.generation++;
    }
  }

  /** Prefixed attributes must be bound, and two of them may not expand to the same name. */
  private checkPrefixedAttributes(pos: number): void {
    const el = this.element;
    let prefixed = 0;
    for (let k = 0; k < el.attributeCount; k++) {
      const name = el.names[k]!;
      if (name.prefix === '') continue;
      prefixed++;
      if (name.generation === this.generation) continue;
      const uri = this.bindings.get(name.prefix);
      if (uri === undefined) throw this.error(`unbound namespace prefix "${name.prefix}" in attribute "${name.qname}"`, pos);
      name.expanded = this.expandedName(uri, name.local);
      name.generation = this.generation;
    }
    if (prefixed < 2) return;
    for (let a = 0; a < el.attributeCount; a++) {
      const first = el.names[a]!;
      if (first.prefix === '') continue;
      for (let b = a + 1; b < el.attributeCount; b++) {
        const second = el.names[b]!;
        if (second.prefix !== '' && second.expanded === first.expanded) {
          throw this.error(`duplicate attribute "${second.qname}" (same namespace as "${first.qname}")`, pos);
        }
      }
    }
  }

  private endElement(): void {
    const depth = --this.depth;
    const name = this.stackNames[depth]!;
    this.previousSibling[depth] = name;
    const expanded = this.stackExpanded[depth]!;
    const undoMark = this.stackUndo[depth]!;
    while (this.undoPrefixes.length > undoMark) {
      const prefix = this.undoPrefixes.pop()!;
      const previous = this.undoUris.pop();
      if (previous === undefined) this.bindings.delete(prefix);
      else this.bindings.set(prefix, previous);
      this.generation++;
    }
    this.handler.closeElement(name, expanded);
  }

  /** Parses `</name>` at `pos`. */
  private closeTag(pos: number): number {
    const buf = this.buf;
    const end = buf.length;
    let i = pos + 2;
    // A close tag can only be right if it names the open element: compare with that directly.
    if (this.depth > 0) {
      const open = this.stackNames[this.depth - 1]!;
      if (startsWithName(buf, i, open.bytes, CHAR_CLASS_LOCAL)) {
        i += open.bytes.length;
        let c = buf[i]!;
        while ((CHAR_CLASS_LOCAL[c]! & WHITESPACE) !== 0) {
          if (++i >= end) return NEED_MORE;
          c = buf[i]!;
        }
        if (c !== GT) throw this.error(`unexpected ${describeByte(c)} in closing tag </${open.qname}>`, i);
        this.endElement();
        return i + 1;
      }
    }
    if (i >= end) return NEED_MORE;
    let c = buf[i]!;
    if ((CHAR_CLASS[c]! & NAME_START) === 0) throw this.error(`bad closing tag: unexpected ${describeByte(c)}`, i);
    let hash = 0;
    for (; i < end; i++) {
      c = buf[i]!;
      if ((CHAR_CLASS[c]! & NAME_CHAR) === 0) break;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    if (i >= end) return NEED_MORE;
    const name = this.names.lookup(buf, pos + 2, i, hash);
    while ((CHAR_CLASS[c]! & WHITESPACE) !== 0) {
      if (++i >= end) return NEED_MORE;
      c = buf[i]!;
    }
    if (c !== GT) throw this.error(`unexpected ${describeByte(c)} in closing tag </${name.qname}>`, i);
    if (this.depth === 0) throw this.error(`closing tag </${name.qname}> without an open element`, pos);
    const open = this.stackNames[this.depth - 1]!;
    if (open !== name && open.qname !== name.qname) {
      throw this.error(`closing tag </${name.qname}> does not match <${open.qname}>`, pos);
    }
    this.endElement();
    return i + 1;
  }

  // ---- comments, CDATA, declarations, processing instructions ----------------------------

  private declaration(pos: number, final: boolean): number {
    const buf = this.buf;
    if (startsWith(buf, pos, '<!--')) return this.comment(pos, final);
    if (startsWith(buf, pos, '<![CDATA[')) return this.cdataSection(pos, final);
    if (startsWith(buf, pos, '<!DOCTYPE')) {
      throw this.error('DOCTYPE declarations are refused (entities are never expanded)', pos);
    }
    if (startsWith(buf, pos, '<!ENTITY')) throw this.error('entity declarations are refused', pos);
    const available = buf.length - pos;
    for (const keyword of ['<!--', '<![CDATA[', '<!DOCTYPE', '<!ENTITY']) {
      if (available < keyword.length && startsWith(buf, pos, keyword.slice(0, available))) {
        return this.needMore(pos, final, 'a markup declaration');
      }
    }
    throw this.error('malformed markup declaration after "<!"', pos);
  }

  private comment(pos: number, final: boolean): number {
    const buf = this.buf;
    const end = buf.length;
    const contentStart = pos + 4;
    let i = this.pending === Pending.Terminator ? Math.max(contentStart, this.resume) : contentStart;
    for (;;) {
      const dash = buf.indexOf(HYPHEN, i);
      if (dash < 0 || dash + 2 >= end) {
        this.pending = Pending.Terminator;
        this.resume = dash < 0 ? Math.max(contentStart, end - 1) : dash;
        return this.needMore(pos, final, 'a comment');
      }
      if (buf[dash + 1] !== HYPHEN) {
        i = dash + 1;
        continue;
      }
      if (buf[dash + 2] !== GT) throw this.error('"--" is not allowed inside a comment', dash);
      this.checkChars(contentStart, dash);
      return dash + 3;
    }
  }

  private cdataSection(pos: number, final: boolean): number {
    const buf = this.buf;
    const end = buf.length;
    if (this.depth === 0) throw this.error('CDATA section outside the root element', pos);
    const contentStart = pos + 9;
    let i = this.pending === Pending.Terminator ? Math.max(contentStart, this.resume) : contentStart;
    for (;;) {
      const bracket = buf.indexOf(RBRACKET, i);
      if (bracket < 0 || bracket + 2 >= end) {
        this.pending = Pending.Terminator;
        this.resume = bracket < 0 ? Math.max(contentStart, end - 1) : bracket;
        return this.needMore(pos, final, 'a CDATA section');
      }
      if (buf[bracket + 1] !== RBRACKET || buf[bracket + 2] !== GT) {
        i = bracket + 1;
        continue;
      }
      const hasCR = this.checkChars(contentStart, bracket);
      if (this.captureText) {
        const content = utf8(buf, contentStart, bracket);
        this.handler.cdata(hasCR ? normaliseLineEnds(content) : content);
      }
      return bracket + 3;
    }
  }

  private processingInstruction(pos: number, final: boolean): number {
    const buf = this.buf;
    const end = buf.length;
    const contentStart = pos + 2;
    let i = this.pending === Pending.Terminator ? Math.max(contentStart, this.resume) : contentStart;
    let close: number;
    for (;;) {
      const question = buf.indexOf(QUESTION, i);
      if (question < 0 || question + 1 >= end) {
        this.pending = Pending.Terminator;
        this.resume = question < 0 ? Math.max(contentStart, end - 1) : question;
        return this.needMore(pos, final, 'a processing instruction');
      }
      if (buf[question + 1] === GT) {
        close = question;
        break;
      }
      i = question + 1;
    }
    // Target: a Name, then whitespace or the end.
    let t = contentStart;
    if (t >= close || (CHAR_CLASS[buf[t]!]! & NAME_START) === 0) throw this.error('processing instruction without a target', t);
    while (t < close && (CHAR_CLASS[buf[t]!]! & NAME_CHAR) !== 0) t++;
    if (t < close && (CHAR_CLASS[buf[t]!]! & WHITESPACE) === 0) {
      throw this.error('bad character in processing instruction target', t);
    }
    const target = utf8(buf, contentStart, t);
    this.checkChars(t, close);
    if (target === 'xml') {
      if (this.base + pos !== this.docStart) throw this.error('the XML declaration must be at the very start of the document', pos);
      this.xmlDeclaration(utf8(buf, t, close), pos);
    } else if (target.toLowerCase() === 'xml') {
      throw this.error(`processing instruction target "${target}" is reserved`, pos);
    }
    return close + 2;
  }

  private xmlDeclaration(body: string, pos: number): void {
    const match = XML_DECLARATION.exec(body);
    if (match === null) throw this.error('malformed XML declaration', pos);
    const encoding = match[3];
    if (encoding !== undefined && !/^(utf-?8|us-ascii)$/i.test(encoding)) {
      throw this.error(`unsupported encoding "${encoding}" (only UTF-8 is read)`, pos);
    }
  }

  /** Rejects forbidden control characters in buf[start, end); reports whether a CR occurs. */
  private checkChars(start: number, end: number): boolean {
    const buf = this.buf;
    let hasCR = false;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c < 0x20) {
        if ((CHAR_CLASS[c]! & FORBIDDEN) !== 0) throw this.error(`character 0x${c.toString(16)} is not allowed in XML`, i);
        if (c === CR) hasCR = true;
      }
    }
    return hasCR;
  }

  // ---- errors ----------------------------------------------------------------------------

  /** An XmlError at buf[index] (for the element view, which decodes lazily). */
  errorAt(message: string, index: number): XmlError {
    return this.error(message, index);
  }

  /** An XmlError at buf[index], with byte offset and (when lines are tracked) line:column. */
  private error(message: string, index: number): XmlError {
    const offset = this.base + index;
    if (!this.trackLines) return new XmlError(message, { ...this.where, offset });
    const buf = this.buf;
    let line = this.linesBefore + 1;
    let lineStart = this.lineStartBefore;
    const limit = Math.min(index, buf.length);
    let i = buf.indexOf(LF);
    while (i >= 0 && i < limit) {
      line++;
      lineStart = this.base + i + 1;
      i = buf.indexOf(LF, i + 1);
    }
    return new XmlError(message, { ...this.where, offset, line, column: offset - lineStart + 1 });
  }
}

/** XMLDecl body after "xml": version, then optional encoding and standalone, in that order. */
const XML_DECLARATION =
  /^[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\4)?[ \t\r\n]*$/;

function namespaceProblem(prefix: string, uri: string): string | null {
  if (prefix !== '' && uri === '') return `namespace prefix "${prefix}" may not be bound to the empty URI`;
  if (prefix === 'xml' && uri !== XML_NAMESPACE) return `the xml prefix must be bound to ${XML_NAMESPACE}`;
  if (prefix === 'xmlns') return 'the xmlns prefix may not be declared';
  if (uri === XMLNS_NAMESPACE) return `no prefix may be bound to ${XMLNS_NAMESPACE}`;
  if (uri === XML_NAMESPACE && prefix !== 'xml') return `only the xml prefix may be bound to ${XML_NAMESPACE}`;
  return null;
}

/** buf.indexOf(byte, from), or buf.length when absent (so "next position" comparisons just work). */
function indexOrEnd(buf: Buffer, byte: number, from: number): number {
  const found = buf.indexOf(byte, from);
  return found < 0 ? buf.length : found;
}

/** buf holds exactly the name `bytes` at `pos`, followed by a byte that cannot continue a name. */
function startsWithName(buf: Uint8Array, pos: number, bytes: Uint8Array, nameClass: Uint8Array): boolean {
  const length = bytes.length;
  if (pos + length >= buf.length) return false;
  for (let k = 0; k < length; k++) if (buf[pos + k] !== bytes[k]) return false;
  return (nameClass[buf[pos + length]!]! & NAME_CHAR) === 0;
}

function startsWith(buf: Uint8Array, pos: number, text: string): boolean {
  if (pos + text.length > buf.length) return false;
  for (let k = 0; k < text.length; k++) if (buf[pos + k] !== text.charCodeAt(k)) return false;
  return true;
}

function describeByte(c: number): string {
  return c >= 0x21 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/** Buffer#toString minus its encoding dispatch: this is called for every decoded string. */
function utf8(buf: Buffer, start: number, end: number): string {
  return sliceable(buf).utf8Slice(start, end);
}
