import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basearchOf,
  combineDnfVars,
  readVarsDirs,
  rpmArchFromMachine,
  substituteDnfVars,
  varsFromEnv,
} from '../../src/config/dnf-vars.js';
import { execTool } from '../support/exec.js';
import { libdnfSubstitute } from '../support/libdnf-oracles.js';

const vars = new Map([
  ['releasever', '9.4'],
  ['basearch', 'x86_64'],
  ['arch', 'x86_64'],
  ['empty', ''],
  ['stream', '-stream'],
]);
const sub = (text: string) => substituteDnfVars(text, vars);

describe('substituteDnfVars: libdnf ConfigParser::substitute rules', () => {
  it('$var and ${var}, longest name wins, unknown left as written', () => {
    expect(sub('https://x/$releasever/$basearch/os/')).toBe('https://x/9.4/x86_64/os/');
    expect(sub('${basearch}-${releasever}')).toBe('x86_64-9.4');
    expect(sub('$basearchX ${nope} $nope')).toBe('$basearchX ${nope} $nope');
    expect(sub('$basearch_$arch')).toBe('$basearch_x86_64');
  });

  it('lone $, $$, unterminated ${ stay literal', () => {
    expect(sub('$')).toBe('$');
    expect(sub('cost $$ $')).toBe('cost $$ $');
    expect(sub('${basearch')).toBe('${basearch');
    expect(sub('a${')).toBe('a${');
    expect(sub('${basearch x} $arch')).toBe('${basearch x} x86_64');
  });

  it('${var:-word} and ${var:+word}, nested', () => {
    expect(sub('${nope:-default}')).toBe('default');
    expect(sub('${empty:-default}')).toBe('default');
    expect(sub('${basearch:-default}')).toBe('x86_64');
    expect(sub('${basearch:+yes}/${nope:+yes}/${empty:+yes}')).toBe('yes//');
    expect(sub('centos${stream:+$stream}')).toBe('centos-stream');
    expect(sub('${nope:-${also_nope:-$basearch}}')).toBe('x86_64');
    expect(sub('${nope:-a}b}')).toBe('ab}');
  });

  it('unknown mode and unterminated word', () => {
    expect(sub('${basearch:x}$arch')).toBe('${basearch:x}x86_64');
    // An unterminated word leaves the rest of the text as written, later variables too.
    expect(sub('$arch ${nope:-word $basearch')).toBe('x86_64 ${nope:-word $basearch');
  });

  it('backslash escapes the next character', () => {
    expect(sub('\\$basearch')).toBe('$basearch');
    expect(sub('a\\\\b')).toBe('a\\b');
    expect(sub('trailing\\')).toBe('trailing\\');
  });

  it('releasever_major / releasever_minor derive from releasever unless set', () => {
    expect(sub('$releasever_major|$releasever_minor')).toBe('9|4');
    const fedora = new Map([['releasever', '40']]);
    expect(substituteDnfVars('$releasever_major|$releasever_minor|', fedora)).toBe('40||');
    const pinned = new Map([['releasever', '9.4'], ['releasever_major', 'nine']]);
    expect(substituteDnfVars('$releasever_major', pinned)).toBe('nine');
    expect(substituteDnfVars('$releasever_major', new Map())).toBe('$releasever_major');
  });

  it('gives up nesting beyond 32 levels instead of recursing forever', () => {
    const deep = '${a:-'.repeat(40) + 'x' + '}'.repeat(40);
    expect(sub(deep)).toBe(deep);
  });
});

describe('substituteDnfVars agrees with dnf 4.14 libdnf on the syntax both support', () => {
  // libdnf 0.69 predates ${var:±word}, `\` escapes and releasever_major/minor, so the generated
  // texts avoid ':' and '\'; everything else ($, braces, names, junk) is fair game.
  it('2000 generated texts expand identically', async () => {
    const pieces = ['$', '{', '}', 'basearch', 'releasever', 'arch', 'nope', 'empty', '_', 'x', '/', '-', '.', ' ', '$$', '9', '$basearch', '${arch', '$releasever}'];
    let seed = 20240611;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed >>> 16) % n; // the low bits of this LCG cycle too fast
    };
    const texts = Array.from({ length: 2000 }, () =>
      Array.from({ length: 1 + rand(10) }, () => pieces[rand(pieces.length)]).join(''),
    );
    texts.push('https://download.docker.com/linux/fedora/$releasever/$basearch/stable', '${basearch}${arch}$');
    const record = Object.fromEntries(vars);
    const theirs = await libdnfSubstitute(record, texts);
    const differences = texts
      .map((t, i) => ({ t, ours: sub(t), theirs: theirs[i] }))
      .filter((d) => d.ours !== d.theirs);
    expect(differences.slice(0, 10)).toEqual([]);
    // Sanity: the corpus really substitutes things.
    expect(texts.filter((t, i) => theirs[i] !== t).length).toBeGreaterThan(400);
  });
});

describe('arch', () => {
  it('basearchOf matches dnf.rpm._BASEARCH_MAP entry for entry', async () => {
    const { stdout } = await execTool('/usr/bin/python3', [
      '-c',
      'import json, dnf.rpm; print(json.dumps(dnf.rpm._BASEARCH_MAP))',
    ]);
    const dnfMap = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(dnfMap).length).toBeGreaterThan(40);
    for (const [arch, base] of Object.entries(dnfMap)) expect(basearchOf(arch), arch).toBe(base);
    expect(basearchOf('i686')).toBe('i386');
    expect(basearchOf('armv7hl')).toBe('armhfp');
    expect(basearchOf('amd64')).toBe('x86_64');
    expect(basearchOf('pdp11')).toBeUndefined();
  });

  it('uname -m names map to rpm arches', () => {
    expect(rpmArchFromMachine('x86_64')).toBe('x86_64');
    expect(rpmArchFromMachine('aarch64')).toBe('aarch64');
    expect(rpmArchFromMachine('armv7l')).toBe('armv7hl');
    expect(rpmArchFromMachine('ppc64le')).toBe('ppc64le');
    expect(basearchOf(rpmArchFromMachine(os.machine()))).toBeDefined();
  });
});

describe('variable sources and precedence', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'repoclash-vars-'));
    await mkdir(path.join(root, 'etc/yum/vars'), { recursive: true });
    await mkdir(path.join(root, 'etc/dnf/vars/subdir'), { recursive: true });
    await writeFile(path.join(root, 'etc/yum/vars/both'), 'from-yum\n');
    await writeFile(path.join(root, 'etc/dnf/vars/both'), 'from-dnf\n');
    await writeFile(path.join(root, 'etc/dnf/vars/contentdir'), 'pub/rocky\nsecond line ignored\n');
    await writeFile(path.join(root, 'etc/dnf/vars/nonewline'), 'value');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads DNF_VAR_* and DNF0-DNF9 only', () => {
    const env = varsFromEnv({ DNF_VAR_stream: '-stream', DNF3: 'three', DNF10: 'no', DNF_VAR_: 'no', 'DNF_VAR_a-b': 'no', PATH: '/bin' });
    expect(Object.fromEntries(env)).toEqual({ stream: '-stream', DNF3: 'three' });
  });

  it('reads var files (first line), later dirs win, dirs and missing dirs skipped', async () => {
    const files = await readVarsDirs(root, ['/etc/yum/vars', '/etc/dnf/vars', '/etc/missing']);
    expect(Object.fromEntries(files)).toEqual({ both: 'from-dnf', contentdir: 'pub/rocky', nonewline: 'value' });
  });

  it('env < files; releasever option > vars > detected; arch/basearch not overridable', () => {
    const env = new Map([['both', 'env'], ['onlyenv', 'e'], ['basearch', 'sparc'], ['releasever', '8']]);
    const files = new Map([['both', 'file'], ['arch', 'ppc']]);
    const a = combineDnfVars({ env, files, arch: 'i686', detectedReleasever: '40' });
    expect(a.vars.get('both')).toBe('file');
    expect(a.vars.get('onlyenv')).toBe('e');
    expect(a.vars.get('releasever')).toBe('8');
    expect(a.vars.get('arch')).toBe('i686');
    expect(a.vars.get('basearch')).toBe('i386');
    expect(a.warnings).toHaveLength(2);
    const b = combineDnfVars({ env, files, arch: 'x86_64', detectedReleasever: '40', releasever: '41' });
    expect(b.vars.get('releasever')).toBe('41');
    const c = combineDnfVars({ env: new Map(), files: new Map(), arch: 'x86_64', detectedReleasever: '40' });
    expect(c.vars.get('releasever')).toBe('40');
    const d = combineDnfVars({ env: new Map(), files: new Map(), arch: 'x86_64' });
    expect(d.vars.has('releasever')).toBe(false);
  });
});
