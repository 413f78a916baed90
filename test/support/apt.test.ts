import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptGet, aptPolicy, aptUpdate, aptUpgradePlan, debSourceLine, makeAptRoot, parseAptPolicy, parseAptSimulation, type AptRootOptions } from './apt.js';
import { buildDebRepo, buildFlatDebRepo, type DebSpec } from './deb-repo.js';
import { makeThrowawayKey, type GpgKey } from './gpg.js';
import { startRepoServer, type RepoServer } from './http-server.js';

const v = (name: string, version: string, extra: Partial<DebSpec> = {}): DebSpec => ({ name, version, ...extra });

let work: string;
let key: GpgKey;
let server: RepoServer;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-apt-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  const srv = path.join(work, 'srv');
  // "distro": signed, two suites (stable at 500, a NotAutomatic experimental at 1, a
  // NotAutomatic+ButAutomaticUpgrades backports at 100), by-hash on stable.
  await buildDebRepo({
    dir: path.join(srv, 'distro'),
    sign: key,
    suites: [
      { suite: 'stable', origin: 'Distro', label: 'Distro', components: ['main'], acquireByHash: true, packages: { main: [v('hello', '2.10-3'), v('tool', '1.0-2', { arch: 'amd64' }), v('grafana', '10.2.3+ds-1')] } },
      { suite: 'experimental', origin: 'Distro', components: ['main'], notAutomatic: true, packages: { main: [v('hello', '3.0-1')] } },
      { suite: 'backports', origin: 'Distro', components: ['main'], notAutomatic: true, butAutomaticUpgrades: true, packages: { main: [v('hello', '2.11-1~bpo1')] } },
      { suite: 'old', origin: 'Distro', components: ['main'], date: new Date('2020-01-01T00:00:00Z'), validUntil: new Date('2020-01-08T00:00:00Z'), packages: { main: [v('hello', '2.9-1')] } },
    ],
  });
  // "vendor": unsigned, upstream grafana.
  await buildDebRepo({ dir: path.join(srv, 'vendor'), suites: [{ suite: 'stable', origin: 'Grafana', components: ['main'], packages: { main: [v('grafana', '10.4.2')] } }] });
  await buildFlatDebRepo({ dir: path.join(srv, 'flat'), packages: [v('flatpkg', '0.1-1')], sign: key });
  server = await startRepoServer({ root: srv });
});
afterAll(async () => {
  await server?.close();
  await key?.dispose();
  await rm(work, { recursive: true, force: true });
});

const distro = (suite: string) => debSourceLine({ uri: `${server.url}/distro`, suite, components: ['main'], signedBy: key.publicKeyringPath });

async function root(label: string, opts: AptRootOptions) {
  return makeAptRoot(path.join(work, `root-${label}`), opts);
}

describe('real apt against the loopback server', () => {
  it('accepts the signed repo with Signed-By and picks the stable candidate; NotAutomatic → 1, +ButAutomaticUpgrades → 100', async () => {
    const r = await root('signed', { sources: [distro('stable'), distro('experimental'), distro('backports')] });
    await aptUpdate(r);
    const policy = await aptPolicy(r, 'hello');
    expect(policy.installed).toBeNull();
    expect(policy.candidate).toBe('2.10-3');
    const prio = Object.fromEntries(policy.versions.map((x) => [x.version, x.priority]));
    expect(prio).toEqual({ '3.0-1': 1, '2.11-1~bpo1': 100, '2.10-3': 500 });
    expect(policy.versions.find((x) => x.version === '2.10-3')?.sources[0]?.source).toBe(`${server.url}/distro stable/main amd64 Packages`);
    // Acquire-By-Hash: apt fetched the index through by-hash.
    expect(server.count(/\/distro\/dists\/stable\/main\/binary-amd64\/by-hash\/SHA512\//)).toBeGreaterThan(0);
  });

  it('accepts a deb822 source and a signed flat repository', async () => {
    const deb822 = ['Types: deb', `URIs: ${server.url}/distro`, 'Suites: stable', 'Components: main', `Signed-By: ${key.publicKeyringPath}`].join('\n');
    const r = await root('deb822', { sources: [deb822, debSourceLine({ uri: `${server.url}/flat`, suite: './', signedBy: key.publicKeyringPath })] });
    await aptUpdate(r);
    expect((await aptPolicy(r, 'tool')).candidate).toBe('1.0-2');
    expect((await aptPolicy(r, 'flatpkg')).candidate).toBe('0.1-1');
  });

  it('refuses an unsigned repo unless trusted=yes', async () => {
    const vendor = { uri: `${server.url}/vendor`, suite: 'stable', components: ['main'] };
    const strict = await root('unsigned', { sources: [debSourceLine(vendor)] });
    const failed = await aptGet(strict, ['update']);
    expect(failed.stderr).toMatch(/is not signed|does not have a Release file/);
    expect((await aptPolicy(strict, 'grafana')).candidate).toBeNull();
    await expect(aptUpdate(strict)).rejects.toThrow(/apt-get update failed/);

    const lax = await root('trusted', { sources: [debSourceLine({ ...vendor, trusted: true })] });
    await aptUpdate(lax);
    expect((await aptPolicy(lax, 'grafana')).candidate).toBe('10.4.2');
  });

  it('refuses a repo signed by another key', async () => {
    const other = await makeThrowawayKey(path.join(work, 'other-key'));
    try {
      const r = await root('wrongkey', { sources: [debSourceLine({ uri: `${server.url}/distro`, suite: 'stable', components: ['main'], signedBy: other.publicKeyringPath })] });
      expect((await aptGet(r, ['update'])).stderr).toMatch(/NO_PUBKEY|not signed|signatures couldn't be verified/);
      expect((await aptPolicy(r, 'hello')).candidate).toBeNull();
    } finally {
      await other.dispose();
    }
  });

  it('reads a repo from a file: URI as well', async () => {
    const r = await root('file', { sources: [debSourceLine({ uri: `file:${path.join(work, 'srv', 'distro')}`, suite: 'stable', components: ['main'], signedBy: key.publicKeyringPath })] });
    await aptUpdate(r);
    expect((await aptPolicy(r, 'grafana')).candidate).toBe('10.2.3+ds-1');
  });

  it('refuses an expired Release', async () => {
    const r = await root('expired', { sources: [distro('old')] });
    expect((await aptGet(r, ['update'])).stderr).toMatch(/expired/);
  });

  it('plans upgrades, keeps versions without a pin and downgrades with a 1001 pin', async () => {
    const sources = [distro('stable'), debSourceLine({ uri: `${server.url}/vendor`, suite: 'stable', components: ['main'], trusted: true })];
    const status = [
      { name: 'hello', version: '2.9-1' },
      { name: 'tool', version: '1.0-1', arch: 'amd64' },
      { name: 'grafana', version: '10.4.3' },
    ];
    const r = await root('plan', { sources, status });
    await aptUpdate(r);
    expect((await aptPolicy(r, 'grafana')).installed).toBe('10.4.3');
    const plan = await aptUpgradePlan(r);
    expect(plan.items.map((i) => `${i.action} ${i.name} ${i.fromVersion} -> ${i.toVersion}`)).toEqual(['upgrade hello 2.9-1 -> 2.10-3', 'upgrade tool 1.0-1 -> 1.0-2']);
    expect(plan.items[0]?.releases.join(',')).toMatch(/Distro/);

    const pinned = await root('pinned', { sources, status, preferences: 'Package: grafana\nPin: release o=Distro\nPin-Priority: 1001\n' });
    await aptUpdate(pinned);
    const policy = await aptPolicy(pinned, 'grafana');
    expect(policy.candidate).toBe('10.2.3+ds-1');
    expect(policy.versions.find((x) => x.version === '10.4.3')).toMatchObject({ installed: true, priority: 100 });
    const down = await aptUpgradePlan(pinned, { full: true });
    expect(down.items.find((i) => i.name === 'grafana')).toMatchObject({ action: 'downgrade', fromVersion: '10.4.3', toVersion: '10.2.3+ds-1' });
  });
});

describe('parsers', () => {
  it('parseAptPolicy reads installed, candidate and the version table', () => {
    const text = [
      'grafana:',
      '  Installed: 10.4.3',
      '  Candidate: 10.4.3',
      '  Version table:',
      ' *** 10.4.3 100',
      '        100 /x/dpkg-status',
      '     10.2.3+ds-1 500',
      '        500 http://127.0.0.1:1/distro stable/main amd64 Packages',
      '       -10 file:/y ./ Packages',
      '',
    ].join('\n');
    expect(parseAptPolicy(text)).toEqual({
      installed: '10.4.3',
      candidate: '10.4.3',
      versions: [
        { version: '10.4.3', priority: 100, installed: true, sources: [{ priority: 100, source: '/x/dpkg-status' }] },
        {
          version: '10.2.3+ds-1',
          priority: 500,
          installed: false,
          sources: [
            { priority: 500, source: 'http://127.0.0.1:1/distro stable/main amd64 Packages' },
            { priority: -10, source: 'file:/y ./ Packages' },
          ],
        },
      ],
    });
  });

  it('parseAptSimulation reads Inst/Remv lines and kept-back names', () => {
    const out = [
      'The following packages have been kept back:',
      '  foo bar',
      'Inst hello [2.9-1] (2.10-3 Distro:stable, Other:stable [all])',
      'Inst newpkg (1.0 Distro:stable [amd64]) []',
      'Remv oldpkg [0.1]',
      'Conf hello (2.10-3 Distro:stable [all])',
    ].join('\n');
    const parsed = parseAptSimulation(out);
    expect(parsed.keptBack).toEqual(['foo', 'bar']);
    expect(parsed.inst).toEqual([
      { name: 'hello', fromVersion: '2.9-1', toVersion: '2.10-3', releases: ['Distro:stable', 'Other:stable'], arch: 'all' },
      { name: 'newpkg', toVersion: '1.0', releases: ['Distro:stable'], arch: 'amd64' },
    ]);
    expect(parsed.remv).toEqual([{ action: 'remove', name: 'oldpkg', fromVersion: '0.1', releases: [] }]);
  });
});
