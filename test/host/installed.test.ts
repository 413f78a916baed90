import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DPKG_SHOWFORMAT, parseInstalledList, readDpkgStatus, readInstalledFile, readRpmDatabase, RPM_QUERYFORMAT } from '../../src/host/installed.js';
import { ConfigError } from '../../src/errors.js';
import { dpkgStatusText } from '../support/apt.js';
import { seedInstalled } from '../support/dnf.js';
import { buildRpms } from '../support/rpm-repo.js';

const run = promisify(execFile);
const unescape = (f: string) => f.replaceAll('\\t', '\t').replaceAll('\\n', '\n');

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseInstalledList', () => {
  it('reads the rpm export: epochs, "(none)" vendors, install times; skips gpg-pubkey', () => {
    const list = parseInstalledList(
      ['# exported from web1', 'grafana\t0\t10.2.3\t1.fc40\tx86_64\tFedora Project\t1700000000', 'tool\t2\t1.0\t3\tnoarch\t(none)\t1700000001', 'gpg-pubkey\t0\tabc\tdef\t(none)\t(none)\t1'].join('\n'),
      'web1.txt',
    );
    expect(list.format).toBe('rpm');
    expect(list.packages).toEqual([
      { name: 'grafana', arch: 'x86_64', epoch: 0, version: '10.2.3', release: '1.fc40', evr: '10.2.3-1.fc40', vendor: 'Fedora Project', installTime: 1700000000 },
      { name: 'tool', arch: 'noarch', epoch: 2, version: '1.0', release: '3', evr: '2:1.0-3', vendor: null, installTime: 1700000001 },
    ]);
    expect(list.warnings).toEqual([]);
  });

  it('reads the dpkg export: keeps what has a version installed, drops config-files and not-installed', () => {
    const list = parseInstalledList(['adduser\t3.134\tall\tii \t1747699200', 'old\t1.0\tamd64\trc \t', 'gone\t\tamd64\tun \t', 'half\t1:2.0-1\tamd64\tiU \t'].join('\n') + '\n', 'deb.txt');
    expect(list.format).toBe('dpkg');
    expect(list.packages.map((p) => [p.name, p.evr, p.epoch, p.version, p.release, p.installTime])).toEqual([
      ['adduser', '3.134', 0, '3.134', '', 1747699200],
      ['half', '1:2.0-1', 1, '2.0', '1', null],
    ]);
  });

  it('auto-detects plain `rpm -qa` (with a vendor warning) and plain `dpkg-query -W`', () => {
    const nevra = parseInstalledList('bash-5.2.26-3.fc40.x86_64\ngrafana-1:9.0.0-1.noarch\n', 'qa.txt');
    expect(nevra.format).toBe('rpm-nevra');
    expect(nevra.packages.map((p) => `${p.name} ${p.evr} ${p.arch}`)).toEqual(['bash 5.2.26-3.fc40 x86_64', 'grafana 1:9.0.0-1 noarch']);
    expect(nevra.warnings.join()).toMatch(/vendors unknown/);
    const plain = parseInstalledList('libc6:amd64\t2.36-9+deb12u10\nleftover\t\n', 'w.txt');
    expect(plain.format).toBe('dpkg-plain');
    expect(plain.packages.map((p) => `${p.name} ${p.arch} ${p.evr}`)).toEqual(['libc6 amd64 2.36-9+deb12u10']);
  });

  it('bad lines are ConfigErrors with file:line', () => {
    const mixed = thrown(() => parseInstalledList('a\t0\t1\t1\tnoarch\tV\t1\nb\t1.0\tall\tii \t\n', 'mixed.txt'));
    expect([mixed.file, mixed.line]).toEqual(['mixed.txt', 2]);
    expect(mixed.describe()).toMatch(/^mixed\.txt:2: not a rpm package line/);
    const badVersion = thrown(() => parseInstalledList('\nok\t1.0\tall\tii \t\nbad\t1:\tall\tii \t\n', 'v.txt'));
    expect(badVersion.line).toBe(3);
    const unknown = thrown(() => parseInstalledList('what is this line\n', 'u.txt'));
    expect([unknown.line, unknown.message]).toEqual([1, expect.stringContaining("rpm -qa --qf")]);
    expect(thrown(() => parseInstalledList('# only a comment\n', 'e.txt')).message).toMatch(/no packages/);
    const badEpoch = thrown(() => parseInstalledList('a\tx1\t1\t1\tnoarch\tV\t1\n', 'ep.txt'));
    expect(badEpoch.line).toBe(1);
  });
});

describe('reading real package databases', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rc-installed-'));
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('rpm: an installroot seeded with rpm --root -i reads back, and its export parses to the same list', async () => {
    const root = path.join(work, 'rpmroot');
    const rpms = await buildRpms(
      [
        { name: 'alpha', version: '1.0', release: '1', vendor: 'Fedora Project' },
        { name: 'beta', epoch: 3, version: '2.0', release: '5.fc40', vendor: 'Grafana Labs', arch: 'x86_64' },
        { name: 'gamma', version: '0.1', release: '1' },
      ],
      path.join(work, 'rpms'),
    );
    await seedInstalled(root, rpms);
    const db = await readRpmDatabase(root);
    const brief = db.packages.map((p) => `${p.name} ${p.evr} ${p.arch} ${p.vendor}`).sort();
    expect(brief).toEqual(['alpha 1.0-1 noarch Fedora Project', 'beta 3:2.0-5.fc40 x86_64 Grafana Labs', 'gamma 0.1-1 noarch null']);
    expect(db.packages.every((p) => typeof p.installTime === 'number' && p.installTime > 1_600_000_000)).toBe(true);
    // The documented export command, run by the real rpm, gives a file that parses to the same.
    const exported = path.join(work, 'rpm-export.txt');
    const { stdout } = await run('rpm', ['--root', root, '-qa', '--qf', unescape(RPM_QUERYFORMAT)]);
    await writeFile(exported, stdout);
    const file = await readInstalledFile(exported);
    expect(file.format).toBe('rpm');
    expect(file.packages.map((p) => `${p.name} ${p.evr} ${p.arch} ${p.vendor}`).sort()).toEqual(brief);
  });

  it('rpm: a root without a database is a ConfigError naming the root', async () => {
    const empty = path.join(work, 'norpmdb');
    await mkdir(empty, { recursive: true });
    await expect(readRpmDatabase(empty)).rejects.toThrow(/no rpm database/);
  });

  it('dpkg: --admindir under the root', async () => {
    const root = path.join(work, 'debroot');
    await mkdir(path.join(root, 'var/lib/dpkg'), { recursive: true });
    await writeFile(
      path.join(root, 'var/lib/dpkg/status'),
      dpkgStatusText([
        { name: 'plain', version: '1.0-1' },
        { name: 'ep', version: '2:3.4-5', arch: 'amd64' },
        { name: 'removed', version: '1.0-1', status: 'deinstall ok config-files' },
      ]),
    );
    const list = await readDpkgStatus(root);
    expect(list.packages.map((p) => `${p.name} ${p.evr} ${p.arch} ${p.epoch}`)).toEqual(['ep 2:3.4-5 amd64 2', 'plain 1.0-1 all 0']);
  });

  it("dpkg: this machine's own status database, and its export through the documented command", async () => {
    const list = await readDpkgStatus('/');
    const { stdout } = await run('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\n']);
    const withVersion = stdout.split('\n').filter((s) => s.length >= 2 && s[1] !== 'n' && s[1] !== 'c').length;
    expect(list.packages.length).toBe(withVersion);
    expect(list.packages.length).toBeGreaterThan(50);
    const exported = (await run('dpkg-query', ['-W', `-f=${unescape(DPKG_SHOWFORMAT)}`], { maxBuffer: 64 << 20 })).stdout;
    // The export carries no relations; the status database does (what apt-get upgrade checks against).
    expect(parseInstalledList(exported, 'export').packages).toEqual(list.packages.map(({ relations: _, ...p }) => p));
    const relations = (await run('dpkg-query', ['-W', '-f=${Package}\t${Depends}\n'], { maxBuffer: 64 << 20 })).stdout;
    const depends = new Map(relations.split('\n').map((l) => l.split('\t') as [string, string]));
    expect(list.packages.filter((p) => p.relations?.depends != null).length).toBeGreaterThan(10);
    for (const p of list.packages) expect(p.relations?.depends ?? '').toBe(depends.get(p.name) ?? '');
  });
});
