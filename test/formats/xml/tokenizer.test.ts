import { describe, expect, it } from 'vitest';
import { XmlError } from '../../../src/errors.js';
import { XmlTokenizer, type XmlElement } from '../../../src/formats/xml/tokenizer.js';
import { chunked, tokenize, type XmlEvent } from '../../support/xml-event-streams.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Tokenizes `doc` in one chunk and expects success. */
function events(doc: string | Uint8Array): XmlEvent[] {
  const outcome = tokenize([typeof doc === 'string' ? utf8(doc) : doc]);
  if (outcome.error) throw outcome.error;
  return outcome.events;
}

/** Tokenizes `doc` (line tracking on) and returns the XmlError it must raise. */
function failure(doc: string | Uint8Array, chunks: Uint8Array[] | null = null): XmlError {
  const bytes = typeof doc === 'string' ? utf8(doc) : doc;
  const tokenizer = new XmlTokenizer(
    { openElement() {}, closeElement() {}, text() {}, cdata() {} },
    { trackLines: true, where: { file: 'doc.xml' } },
  );
  try {
    for (const chunk of chunks ?? [bytes]) tokenizer.write(chunk);
    tokenizer.end();
  } catch (err) {
    expect(err).toBeInstanceOf(XmlError);
    return err as XmlError;
  }
  throw new Error(`accepted: ${JSON.stringify(doc)}`);
}

const RICH =
  '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!-- prolog comment --><?pi some data?>\n' +
  '<root xmlns="urn:d" xmlns:p="urn:p" b=\'2\' a="1">' +
  '<p:item p:x="&lt;&amp;&gt;&quot;&apos;" y=\'it&apos;s "q"\'/>' +
  'caf\u00e9 \u20ac \u{1F600} &#65;&#x42;&#x1F600; a&gt;b' +
  '<![CDATA[<not> &a tag; ]] ]>]]>' +
  '<!-- c --><?target body?>' +
  '<empty></empty><p:n xmlns:p="urn:other"/>tail' +
  '</root>\n<!-- epilogue -->\n';

describe('XmlTokenizer events', () => {
  it('reports elements, namespaces, attributes in document order with either quote, text, CDATA', () => {
    expect(events(RICH)).toEqual([
      {
        kind: 'open',
        name: 'root',
        uri: 'urn:d',
        attributes: [
          ['xmlns', 'urn:d'],
          ['xmlns:p', 'urn:p'],
          ['b', '2'],
          ['a', '1'],
        ],
      },
      { kind: 'open', name: 'p:item', uri: 'urn:p', attributes: [['p:x', '<&>"\''], ['y', 'it\'s "q"']] },
      { kind: 'close', name: 'p:item' },
      { kind: 'text', value: 'caf\u00e9 \u20ac \u{1F600} AB\u{1F600} a>b' },
      { kind: 'cdata', value: '<not> &a tag; ]] ]>' },
      { kind: 'open', name: 'empty', uri: 'urn:d', attributes: [] },
      { kind: 'close', name: 'empty' },
      { kind: 'open', name: 'p:n', uri: 'urn:other', attributes: [['xmlns:p', 'urn:other']] },
      { kind: 'close', name: 'p:n' },
      { kind: 'text', value: 'tail' },
      { kind: 'close', name: 'root' },
    ]);
  });

  it('gives the same events for every split of the document into two chunks', () => {
    const bytes = utf8(RICH);
    const whole = events(bytes);
    for (let at = 0; at <= bytes.length; at++) {
      const outcome = tokenize([bytes.subarray(0, at), bytes.subarray(at)]);
      expect(outcome.error, `split at ${at}`).toBeNull();
      expect(outcome.events, `split at ${at}`).toEqual(whole);
    }
  });

  it('gives the same events fed one byte at a time and in three-byte chunks', () => {
    const bytes = utf8(RICH);
    const whole = events(bytes);
    expect(tokenize(chunked(bytes, 1)).events).toEqual(whole);
    expect(tokenize(chunked(bytes, 3)).events).toEqual(whole);
  });

  it('does not keep a reference to the caller’s chunk after write() returns', () => {
    const bytes = utf8('<r a="value">text</r>');
    const seen: string[] = [];
    const tokenizer = new XmlTokenizer({
      openElement: (e: XmlElement) => seen.push(e.attribute('a') ?? '?'),
      closeElement() {},
      text: (t) => seen.push(t),
      cdata() {},
    });
    for (let i = 0; i < bytes.length; i += 4) {
      const chunk = bytes.slice(i, i + 4);
      tokenizer.write(chunk);
      chunk.fill(0x7a); // the caller reuses its buffer
    }
    tokenizer.end();
    expect(seen).toEqual(['value', 'text']);
  });

  it('normalises line ends in text and whitespace in attribute values, but not character references', () => {
    expect(events('<r a="x\ty\r\nz&#10;w">1\r\n2\r3</r>')).toEqual([
      { kind: 'open', name: 'r', uri: '', attributes: [['a', 'x y z\nw']] },
      { kind: 'text', value: '1\n2\n3' },
      { kind: 'close', name: 'r' },
    ]);
  });

  it('finds references and "]]>" far into long character data', () => {
    const pad = 'x'.repeat(100);
    expect(events(`<r>${pad}&amp;${pad}</r>`)[1]).toEqual({ kind: 'text', value: `${pad}&${pad}` });
    expect(failure(`<r>${pad}]]>${pad}</r>`).offset).toBe(103);
    expect(failure(`<r>${pad}&bogus;</r>`).message).toMatch(/unknown entity/);
  });

  it('keeps "&" literal in CDATA and normalises its line ends', () => {
    expect(events('<r><![CDATA[a &amp; b\r\nc\rd]]></r>')).toEqual([
      { kind: 'open', name: 'r', uri: '', attributes: [] },
      { kind: 'cdata', value: 'a &amp; b\nc\nd' },
      { kind: 'close', name: 'r' },
    ]);
  });

  it('decodes text only while captureText is on', () => {
    const texts: string[] = [];
    const tokenizer: XmlTokenizer = new XmlTokenizer({
      openElement: (e) => {
        tokenizer.captureText = e.name.qname === 'keep';
      },
      closeElement: () => {
        tokenizer.captureText = false;
      },
      text: (t) => texts.push(t),
      cdata: (t) => texts.push(`cdata:${t}`),
    });
    tokenizer.captureText = false;
    tokenizer.write(utf8('<r>skip &amp; this<keep>a &amp; b<![CDATA[c]]></keep>skip<![CDATA[d]]></r>'));
    tokenizer.end();
    expect(texts).toEqual(['a & b', 'cdata:c']);
  });

  it('lets a consumer tag the expanded names it cares about', () => {
    const codes: number[] = [];
    const tokenizer = new XmlTokenizer({ openElement: (e) => codes.push(e.expanded.code), closeElement() {}, text() {}, cdata() {} });
    tokenizer.expandedName('urn:a', 'x').code = 7;
    tokenizer.write(utf8('<r xmlns:a="urn:a" xmlns:b="urn:b"><a:x/><b:x/><x/><y xmlns="urn:a"><x/></y></r>'));
    tokenizer.end();
    expect(codes).toEqual([0, 7, 0, 0, 0, 7]);
  });

  it('resolves xml:base and other xml: attributes without a declaration', () => {
    const [open] = events('<r xml:base="http://h/"/>');
    expect(open).toEqual({ kind: 'open', name: 'r', uri: '', attributes: [['xml:base', 'http://h/']] });
  });
});

describe('XmlTokenizer errors', () => {
  const cases: Array<[string, string, RegExp, number]> = [
    ['DOCTYPE', '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x "y">]><r/>', /DOCTYPE declarations are refused/, 22],
    ['entity declaration', '<r>\n<!ENTITY x "boom"></r>', /entity declarations are refused/, 4],
    ['unknown entity', '<r>&nbsp;</r>', /unknown entity "&nbsp;"/, 3],
    ['unknown entity in an attribute', '<r a="&foo;"/>', /unknown entity/, 6],
    ['unterminated reference', '<r>a & b</r>', /malformed entity reference/, 5],
    ['character reference to a forbidden character', '<r>&#0;</r>', /malformed character reference/, 3],
    ['< in an attribute value', '<r a="1<2"/>', /"<" is not allowed in attribute values/, 7],
    ['unquoted attribute', '<r a=1/>', /must be quoted/, 5],
    ['attribute without whitespace', '<r a="1"b="2"/>', /whitespace required/, 8],
    ['duplicate attribute', '<r a="1" a="2"/>', /duplicate attribute "a"/, 9],
    ['mismatched tags', '<r><a></b></r>', /<\/b> does not match <a>/, 6],
    ['text before the root', 'hello<r/>', /text before the root element/, 0],
    ['text after the root', '<r/>\nx', /text after the root element/, 5],
    ['second root', '<r/><s/>', /second root element <s>/, 4],
    ['bad element name', '<1r/>', /"<" must start a tag/, 1],
    ['bad name character', '<r\u00d7/>', /invalid name/, 1],
    ['unbound prefix', '<p:r/>', /unbound namespace prefix "p"/, 1],
    ['unbound attribute prefix', '<r q:a="1"/>', /unbound namespace prefix "q"/, 0],
    ['"]]>" in text', '<r>a]]>b</r>', /"\]\]>" is not allowed/, 4],
    ['"--" in a comment', '<r><!-- a -- b --></r>', /"--" is not allowed inside a comment/, 10],
    ['CDATA outside the root', '<![CDATA[x]]><r/>', /CDATA section outside the root/, 0],
    ['XML declaration not at the start', '\n<?xml version="1.0"?><r/>', /must be at the very start/, 1],
    ['malformed XML declaration', '<?xml encoding="UTF-8"?><r/>', /malformed XML declaration/, 0],
    ['non-UTF-8 encoding', '<?xml version="1.0" encoding="ISO-8859-1"?><r/>', /unsupported encoding/, 0],
    ['forbidden control character in text', '<r>a\u0001b</r>', /character 0x1 is not allowed/, 4],
    ['close tag without an open element', '<r/></r>', /without an open element/, 4],
    ['empty document', '', /no root element/, 0],
    ['only a comment', '<!-- x -->', /no root element/, 10],
  ];
  for (const [what, doc, message, offset] of cases) {
    it(`rejects ${what} at byte ${offset}`, () => {
      const err = failure(doc);
      expect(err.message).toMatch(message);
      expect(err.offset).toBe(offset);
      expect(err.file).toBe('doc.xml');
    });
  }

  it('reports line and column', () => {
    const err = failure('<r>\n  <a>\n    <b x="1" x="2"/>\n  </a>\n</r>');
    expect(err.message).toMatch(/duplicate attribute/);
    expect([err.line, err.column]).toEqual([3, 14]);
  });

  it('reports the absolute offset of a DOCTYPE that arrives in a later chunk', () => {
    const doc = utf8('<?xml version="1.0"?>\n<!-- a comment to push it along -->\n<!DOCTYPE r><r/>');
    const at = doc.indexOf(0x21, 40) - 1; // the "<" of "<!DOCTYPE"
    for (let split = 1; split < doc.length; split += 7) {
      const err = failure(doc, [doc.subarray(0, split), doc.subarray(split)]);
      expect(err.message).toMatch(/DOCTYPE/);
      expect(err.offset).toBe(at);
      expect(err.line).toBe(3);
    }
  });

  it('rejects every truncation of a well-formed document', () => {
    const bytes = utf8(RICH);
    const rootClosed = Buffer.from(bytes).indexOf('</root>') + '</root>'.length;
    expect(tokenize([bytes.subarray(0, rootClosed)]).error).toBeNull();
    for (let cut = 0; cut < rootClosed; cut++) {
      const err = failure(bytes.subarray(0, cut));
      // A cut inside the BOM leaves a stray byte, which is "text before the root" instead.
      if (cut >= 3) expect(err.message, `cut at ${cut}`).toMatch(/unexpected end of input|no root element/);
    }
  });

  it('refuses tokens longer than maxTokenBytes instead of buffering without bound', () => {
    const tokenizer = new XmlTokenizer({ openElement() {}, closeElement() {}, text() {}, cdata() {} }, { maxTokenBytes: 1024 });
    tokenizer.write(utf8('<r a="'));
    expect(() => {
      for (let i = 0; i < 10; i++) tokenizer.write(new Uint8Array(512).fill(0x61));
    }).toThrow(/longer than 1024 bytes/);
  });
});
