import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { iniGet, parseIni, type IniDocument } from '../../src/config/ini.js';
import { libdnfParseIni } from '../support/libdnf-oracles.js';
import { fedoraSection } from '../support/shipped-repo-files.js';

const FEDORA_REPO = `${fedoraSection('https://mirrors.fedoraproject.org')}
[fedora-debuginfo]
name=Fedora $releasever - $basearch - Debug
metalink=https://mirrors.fedoraproject.org/metalink?repo=fedora-debug-$releasever&arch=$basearch
enabled=0
`;

function section(doc: IniDocument, name: string) {
  const s = doc.sections.find((x) => x.name === name);
  if (!s) throw new Error(`no section ${name}`);
  return s;
}

describe('parseIni on a realistic Fedora .repo', () => {
  const doc = parseIni(FEDORA_REPO, '/etc/yum.repos.d/fedora.repo');

  it('reads sections, values and the lines they are on', () => {
    expect(doc.sections.map((s) => s.name)).toEqual(['fedora', 'fedora-debuginfo']);
    const fedora = section(doc, 'fedora');
    expect(fedora.line).toBe(1);
    expect(iniGet(fedora, 'metalink')).toEqual({
      key: 'metalink',
      value: 'https://mirrors.fedoraproject.org/metalink?repo=fedora-$releasever&arch=$basearch',
      line: 4,
    });
    expect(iniGet(fedora, 'skip_if_unavailable')?.value).toBe('False');
    expect(iniGet(section(doc, 'fedora-debuginfo'), 'enabled')).toEqual({ key: 'enabled', value: '0', line: 17 });
  });

  it('keeps comments (commented-out baseurl is not an option)', () => {
    const fedora = section(doc, 'fedora');
    expect(iniGet(fedora, 'baseurl')).toBeUndefined();
    expect(fedora.comments[0]).toEqual({
      text: 'baseurl=http://download.example/pub/fedora/linux/releases/$releasever/Everything/$basearch/os/',
      line: 3,
    });
  });
});

describe('parseIni details', () => {
  it('joins continuation lines with newlines and keeps = inside values', () => {
    const doc = parseIni('[r]\nbaseurl=http://a/\n  http://b/\n\thttp://c/\nname = x=y  \n', 'f');
    const r = section(doc, 'r');
    expect(iniGet(r, 'baseurl')?.value).toBe('http://a/\nhttp://b/\nhttp://c/');
    expect(iniGet(r, 'name')?.value).toBe('x=y');
  });

  it('repeated keys: last value, first position; repeated sections merge', () => {
    const doc = parseIni('[a]\nk1=1\nk2=2\nk1=3\n[b]\nx=1\n[a]\nk3=4\n', 'f');
    expect(doc.sections.map((s) => s.name)).toEqual(['a', 'b']);
    expect(section(doc, 'a').entries).toEqual([
      { key: 'k1', value: '3', line: 4 },
      { key: 'k2', value: '2', line: 3 },
      { key: 'k3', value: '4', line: 8 },
    ]);
  });

  it('keys are case-sensitive, quotes around a whole value go, inline # stays', () => {
    const doc = parseIni(`[a]\nKey=1\nkey=2\nq="quoted"\nh='half\nc=1 # not a comment\n`, 'f');
    const a = section(doc, 'a');
    expect(iniGet(a, 'Key')?.value).toBe('1');
    expect(iniGet(a, 'key')?.value).toBe('2');
    expect(iniGet(a, 'q')?.value).toBe('quoted');
    expect(iniGet(a, 'h')?.value).toBe("'half");
    expect(iniGet(a, 'c')?.value).toBe('1 # not a comment');
  });

  it('header comments, BOM and CRLF', () => {
    const doc = parseIni('\uFEFF# repoclash-vendor: Grafana Labs\r\n[grafana]\r\nname=grafana\r\n', 'f');
    expect(doc.headerComments).toEqual([{ text: 'repoclash-vendor: Grafana Labs', line: 1 }]);
    expect(iniGet(section(doc, 'grafana'), 'name')?.value).toBe('grafana');
  });
});

describe('parseIni errors carry file and line', () => {
  const cases: [name: string, text: string, line: number][] = [
    ['line with neither', '[a]\nk=v\nthis is junk\n', 3],
    ['key outside a section', '# header\nk=v\n[a]\n', 2],
    ['missing ]', '[a]\nk=v\n[broken\n', 3],
    ['empty section name', '[]\n', 1],
    ['text after section', '[a] junk\n', 1],
    ['continuation after a comment', '[a]\nk=v\n# c\n  more\n', 4],
    ['missing key', '[a]\n=v\n', 2],
  ];
  for (const [name, text, line] of cases) {
    it(name, () => {
      let caught: unknown;
      try {
        parseIni(text, '/etc/yum.repos.d/bad.repo');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      const err = caught as ConfigError;
      expect(err.file).toBe('/etc/yum.repos.d/bad.repo');
      expect(err.line).toBe(line);
      expect(err.describe()).toMatch(new RegExp(`^/etc/yum\\.repos\\.d/bad\\.repo:${line}(:\\d+)?: `));
    });
  }
});

describe('parseIni agrees with libdnf ConfigParser (dnf 4.14)', () => {
  // Each text is parsed by both; libdnf's getData() must equal ours, or both must refuse the
  // same line.
  const corpus: string[] = [
    FEDORA_REPO,
    '[a]\nk1=v1\n  # indented: a continuation, not a comment\n   \n  cont\nk2 = spaced  \n',
    '[a]\nk=v\n\n  after blank\n',
    '[a]\nk=v\n# comment ends the value\n  more\n',
    '[a]\nk=v\n   \n   \n  after whitespace-only lines\n',
    '[a]\nq="x"\nr=\'y\'\ns="z\nt=""\nu="a"b"\n',
    '[a] # trailing comment\nk=v\n[b] ; other\nk=w\n',
    '[a]x\nk=v\n',
    '[a] xy\nk=v\n',
    '[ spaced ]\nk=v\n',
    '  [indented]\nk=v\n',
    '[a]\nk=\nl= \nm=a=b=c\n',
    '[a]\nk\tx = v\n',
    '[a]\nk=v\r\nl=w\r\n\r\n  cont\r\n',
    'k=v\n',
    '\n\n[a]\n=v\n',
    '[a]\nk=1\n[b]\nk=2\n[a]\nk=3\nz=4\n',
    '[a]\n\tk=v\n',
    '[a]\nk=v\n[b\n',
    '[]\n',
  ];
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'repoclash-ini-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`${corpus.length} tricky files parse identically`, async () => {
    const files = await Promise.all(
      corpus.map(async (text, i) => {
        const file = path.join(dir, `case${i}.repo`);
        await writeFile(file, text);
        return file;
      }),
    );
    const theirs = await libdnfParseIni(files);
    const differences: string[] = [];
    corpus.forEach((text, i) => {
      const oracle = theirs[i]!;
      let ours: IniDocument | ConfigError;
      try {
        ours = parseIni(text, files[i]!);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        ours = err;
      }
      if (ours instanceof ConfigError) {
        if (oracle.ok || oracle.line !== ours.line) {
          differences.push(`case ${i}: we refuse line ${ours.line} (${ours.message}); libdnf: ${JSON.stringify(oracle)}`);
        }
        return;
      }
      if (!oracle.ok) {
        differences.push(`case ${i}: libdnf refuses line ${oracle.line} (${oracle.message}); we accept`);
        return;
      }
      const mine = ours.sections.map((s) => [s.name, s.entries.map((e) => [e.key, e.value])]);
      if (JSON.stringify(mine) !== JSON.stringify(oracle.sections)) {
        differences.push(`case ${i}: ours ${JSON.stringify(mine)} libdnf ${JSON.stringify(oracle.sections)}`);
      }
    });
    expect(differences).toEqual([]);
    // The corpus must exercise both outcomes, or this test proves little.
    expect(theirs.filter((r) => r.ok).length).toBeGreaterThan(8);
    expect(theirs.filter((r) => !r.ok).length).toBeGreaterThan(3);
  });
});
