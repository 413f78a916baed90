import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../src/errors.js';
import { FieldSet, parseStanzasText, readStanzaBatches, readStanzas, type Stanza } from '../../../src/formats/deb/deb822.js';

async function* chunksOf(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let pos = 0;
  for (const cut of [...cuts, bytes.length]) {
    // Plain Uint8Array views, not Buffers: the reader must accept either.
    yield new Uint8Array(bytes.buffer, bytes.byteOffset + pos, cut - pos);
    pos = cut;
  }
}

async function collect(source: AsyncIterable<Uint8Array>, options = {}): Promise<Stanza[]> {
  const out: Stanza[] = [];
  for await (const s of readStanzas(source, { file: 'test' }, options)) out.push(s);
  return out;
}

/** Everything a stanza says, for comparing two parses. */
function dump(stanzas: Stanza[]): unknown {
  return stanzas.map((s) => ({ line: s.line, fields: s.toRecord(), lines: s.names().map((n) => s.lineOf(n)) }));
}

const SAMPLE = [
  'Package: zsh',
  'Version: 5.9-4+b1',
  'Maintainer: Axel Beckert <abe@debian.org>',
  'Description: shell with lots of features',
  ' Zsh is a UNIX command interpreter (shell) usable as an',
  ' interactive login shell.',
  ' .',
  ' Ærøskøbing ✓ 𝄞 naïve',
  'Depends: libc6 (>= 2.36),',
  '  libcap2 (>= 1:2.10)',
  '',
  'Package: hello',
  'version: 2.10-3',
  'MAINTAINER: Santiago Vila <sanvila@debian.org>',
  '',
].join('\n');

describe('parseStanzasText', () => {
  it('splits paragraphs, looks fields up case-insensitively and knows line numbers', () => {
    const [zsh, hello, ...rest] = parseStanzasText(SAMPLE);
    expect(rest).toHaveLength(0);
    expect(zsh!.line).toBe(1);
    expect(hello!.line).toBe(12);
    expect(zsh!.get('package')).toBe('zsh');
    expect(zsh!.get('PACKAGE')).toBe('zsh');
    expect(hello!.get('Version')).toBe('2.10-3');
    expect(hello!.get('Maintainer')).toBe('Santiago Vila <sanvila@debian.org>');
    expect(hello!.lineOf('maintainer')).toBe(14);
    expect(zsh!.lineOf('Depends')).toBe(9);
    expect(zsh!.get('Missing')).toBeUndefined();
    expect(zsh!.has('description')).toBe(true);
    expect(zsh!.names()).toEqual(['Package', 'Version', 'Maintainer', 'Description', 'Depends']);
  });

  it('keeps multiline values, folds folded ones and gives first lines', () => {
    const [zsh] = parseStanzasText(SAMPLE);
    expect(zsh!.firstLine('Description')).toBe('shell with lots of features');
    expect(zsh!.get('Description')).toBe(
      'shell with lots of features\n Zsh is a UNIX command interpreter (shell) usable as an\n interactive login shell.\n .\n Ærøskøbing ✓ 𝄞 naïve',
    );
    expect(zsh!.lines('Description')).toEqual([
      'shell with lots of features',
      'Zsh is a UNIX command interpreter (shell) usable as an',
      'interactive login shell.',
      '.',
      'Ærøskøbing ✓ 𝄞 naïve',
    ]);
    expect(zsh!.folded('Depends')).toBe('libc6 (>= 2.36), libcap2 (>= 1:2.10)');
  });

  it('gives "" as the first line of a value that starts on the next line (hash lists)', () => {
    const [s] = parseStanzasText('SHA256:\n abc 12 main/x\n def 3 main/y\n');
    expect(s!.lines('SHA256')).toEqual(['', 'abc 12 main/x', 'def 3 main/y']);
    expect(s!.firstLine('SHA256')).toBe('');
  });

  it('tolerates CRLF, trailing blanks, whitespace-only separators and runs of blank lines', () => {
    const text = 'A: 1 \r\nB:two\r\n  more\r\n \t \r\n\r\n\r\nA: 3\r\n';
    const [first, second] = parseStanzasText(text);
    expect(first!.get('A')).toBe('1');
    expect(first!.get('B')).toBe('two\n  more');
    expect(first!.folded('B')).toBe('two more');
    expect(second!.get('A')).toBe('3');
    expect(second!.line).toBe(7);
  });

  it('handles a last paragraph without a final newline, and a UTF-8 BOM', () => {
    const stanzas = parseStanzasText('\uFEFFA: 1\n\nB: 2');
    expect(stanzas.map((s) => s.toRecord())).toEqual([{ A: '1' }, { B: '2' }]);
  });

  it('drops # lines only when comments are enabled', () => {
    const text = '# leading comment\nTypes: deb\n# inside\nURIs: http://example.invalid/debian\n  # not a comment: continuation\n\n# only a comment\n';
    const [s, ...rest] = parseStanzasText(text, {}, { comments: true });
    expect(rest).toHaveLength(0);
    expect(s!.line).toBe(2);
    expect(s!.names()).toEqual(['Types', 'URIs']);
    expect(s!.get('URIs')).toBe('http://example.invalid/debian\n  # not a comment: continuation');
    // Without the option the comment line has no colon and is refused.
    expect(() => parseStanzasText(text)).toThrow(FormatError);
  });

  it('skips comment lines between continuation lines of a field', () => {
    const [s] = parseStanzasText('Suites: a\n# b was here\n c\n', {}, { comments: true });
    expect(s!.lines('Suites')).toEqual(['a', 'c']);
  });

  it('reports a line that is not a field with its file and line number', () => {
    try {
      parseStanzasText('A: 1\n\nB: 2\nthis line has no colon\n', { file: 'Packages', repo: 'r' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FormatError);
      const e = err as FormatError;
      expect(e.line).toBe(4);
      expect(e.file).toBe('Packages');
      expect(e.describe()).toContain('Packages:4');
    }
  });

  it('refuses a continuation line before any field, and an empty field name', () => {
    expect(() => parseStanzasText(' orphan\n')).toThrow(/continuation line outside of a field/);
    expect(() => parseStanzasText('A: 1\n: x\n')).toThrow(/empty name/);
  });

  it('sees the first of two fields with the same name; getAll sees both', () => {
    const [s] = parseStanzasText('X: 1\nx: 2\n');
    expect(s!.get('X')).toBe('1');
    expect(s!.getAll('X')).toEqual(['1', '2']);
    expect(s!.size).toBe(2);
  });

  it('pick() finds a set of fields in one pass', () => {
    const set = new FieldSet(['Version', 'description', 'Nope', 'Package']);
    const [zsh] = parseStanzasText(SAMPLE);
    const slots = Array.from(zsh!.pick(set));
    expect(slots[2]).toBe(-1);
    expect(zsh!.firstLineAt(slots[0]!)).toBe('5.9-4+b1');
    expect(zsh!.firstLineAt(slots[1]!)).toBe('shell with lots of features');
    expect(zsh!.firstLineAt(slots[3]!)).toBe('zsh');
    expect(zsh!.firstLineAt(slots[2]!)).toBeUndefined();
    expect(zsh!.lineAt(slots[1]!)).toBe(4);
    expect(zsh!.lineAt(-1)).toBe(1);
  });
});

describe('readStanzas (streaming)', () => {
  const bytes = Buffer.from(SAMPLE + '\nPackage: last\nDescription: ünïcödé\n with ✓\n', 'utf8');

  it('gives the same paragraphs however the bytes are cut in two (every offset)', async () => {
    const whole = dump(parseStanzasText(bytes.toString('utf8')));
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(dump(await collect(chunksOf(bytes, [cut]))), `cut at ${cut}`).toEqual(whole);
    }
  });

  it('gives the same paragraphs from one-byte chunks and from three-way cuts', async () => {
    const whole = dump(parseStanzasText(bytes.toString('utf8')));
    const ones = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(dump(await collect(chunksOf(bytes, ones)))).toEqual(whole);
    for (let a = 1; a < bytes.length; a += 7) {
      for (let b = a; b < bytes.length; b += 11) {
        expect(dump(await collect(chunksOf(bytes, [a, b]))), `cuts ${a},${b}`).toEqual(whole);
      }
    }
  });

  it('gives CRLF input cut at every offset the same values as LF input', async () => {
    const crlf = Buffer.from(SAMPLE.replace(/\n/g, '\r\n'), 'utf8');
    const want = parseStanzasText(SAMPLE).map((s) => s.toRecord());
    for (let cut = 0; cut <= crlf.length; cut += 3) {
      expect((await collect(chunksOf(crlf, [cut]))).map((s) => s.toRecord())).toEqual(want);
    }
  });

  it('copes with a paragraph far larger than the chunks', async () => {
    const long = Array.from({ length: 5000 }, (_, i) => ` line ${i} ✓`).join('\n');
    const text = `A: 1\n\nBig: start\n${long}\nEnd: x\n\nC: 3\n`;
    const buf = Buffer.from(text, 'utf8');
    const cuts: number[] = [];
    for (let p = 997; p < buf.length; p += 997) cuts.push(p);
    const stanzas = await collect(chunksOf(buf, cuts));
    expect(stanzas.map((s) => s.line)).toEqual([1, 3, 5006]);
    expect(stanzas[1]!.lines('Big')).toHaveLength(5001);
    expect(stanzas[1]!.lines('Big')![5000]).toBe('line 4999 ✓');
    expect(stanzas[1]!.get('End')).toBe('x');
    expect(stanzas[2]!.get('C')).toBe('3');
  });

  it('reports line numbers of errors across chunks', async () => {
    const text = Buffer.from('A: 1\n\nB: 2\nC: 3\nbroken\n');
    for (const cut of [0, 3, 8, 12, 17, 20]) {
      await expect(collect(chunksOf(text, [cut]))).rejects.toMatchObject({ line: 5, file: 'test', kind: 'format' });
    }
  });

  it('treats a blank line split across chunks (CR | LF) as a separator', async () => {
    const text = Buffer.from('A: 1\r\n\r\nB: 2\r\n');
    for (let cut = 0; cut <= text.length; cut++) {
      const got = await collect(chunksOf(text, [cut]));
      expect(got.map((s) => s.toRecord()), `cut ${cut}`).toEqual([{ A: '1' }, { B: '2' }]);
    }
  });

  it('hands out a paragraph as soon as its separator has arrived, before the stream ends', async () => {
    const text = Buffer.from('A: 1\r\n\r\nB: 2\r\nC: 3');
    for (let cut = 1; cut < 9; cut++) {
      async function* thenFail(): AsyncGenerator<Uint8Array> {
        yield text.subarray(0, cut);
        yield text.subarray(cut, 12);
        throw new Error('connection reset');
      }
      const seen: Array<Record<string, string>> = [];
      await expect(
        (async () => {
          for await (const s of readStanzas(thenFail())) seen.push(s.toRecord());
        })(),
      ).rejects.toThrow('connection reset');
      expect(seen, `cut ${cut}`).toEqual([{ A: '1' }]);
    }
  });

  it('batches paragraphs per chunk', async () => {
    let total = 0;
    let batches = 0;
    for await (const batch of readStanzaBatches(chunksOf(bytes, [bytes.length >> 1]))) {
      expect(batch.length).toBeGreaterThan(0);
      total += batch.length;
      batches++;
    }
    expect(total).toBe(3);
    expect(batches).toBeGreaterThanOrEqual(1);
  });
});
