/**
 * apt's own rules that `repoclash host` reads from the root, each checked against real apt on the
 * same root (a private APT_CONFIG whose Dir::Etc is ROOT/etc/apt, offline, repos on 127.0.0.1).
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAptConf } from '../../src/config/apt-conf.js';
import type { HostReport } from '../../src/host/types.js';
import { aptConfigForRoot, aptUpdate, aptUpgradePlan, writeDebHostRoot, type DpkgStatusEntry } from '../support/apt.js';
import { repoclash } from '../support/cli.js';
import { buildDebRepo, type DebSuite } from '../support/deb-repo.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { aptActions, disagreements, repoclashAptActions } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { tearDown } from '../support/teardown.js';

let work: string;
let server: RepoServer;
let key: GpgKey;

const DISTRO: DebSuite = { suite: 'stable', codename: 'bookworm', origin: 'Distro', label: 'Distro', components: ['main'], packages: { main: [{ name: 'tool', version: '1.0-1' }] } };
const EXTRA: DebSuite = { suite: 'extra', codename: 'extra', origin: 'Extra', label: 'Extra', components: ['main'], packages: { main: [{ name: 'tool', version: '2.0~bpo1-1' }] } };
const INSTALLED: DpkgStatusEntry[] = [{ name: 'tool', version: '1.0-1' }];

async function root(label: string, aptConfD: Record<string, string>, aptConf?: string, preferences?: string): Promise<{ root: string; report: HostReport; expected: Map<string, string>; got: Map<string, string> }> {
  const dir = path.join(work, label);
  await writeDebHostRoot(dir, {
    sources: [`deb ${server.url}/distro stable main`, `deb ${server.url}/extra extra main`],
    keyring: key.publicKeyringPath,
    installed: INSTALLED,
    files: {
      ...Object.fromEntries(Object.entries(aptConfD).map(([name, text]) => [`etc/apt/apt.conf.d/${name}`, text])),
      ...(aptConf !== undefined ? { 'etc/apt/apt.conf': aptConf } : {}),
    },
    ...(preferences !== undefined ? { preferences } : {}),
  });
  const apt = await aptConfigForRoot(dir, path.join(work, `${label}-state`));
  await aptUpdate(apt);
  const plan = await aptUpgradePlan(apt);
  const run = await repoclash(work, ['host', '--root', dir, '--format', 'json', '--db', path.join(work, `${label}.db`), '--cache', path.join(work, `${label}-cache`)]);
  if (run.code !== 0 && run.code !== 1) throw new Error(`repoclash host exited ${run.code}:\n${run.stderr}`);
  const report = JSON.parse(run.stdout) as HostReport;
  return { root: dir, report, expected: aptActions(plan.items), got: repoclashAptActions(report, false) };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-apt-rules-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  await buildDebRepo({ dir: path.join(work, 'srv/distro'), suites: [DISTRO], sign: key });
  await buildDebRepo({ dir: path.join(work, 'srv/extra'), suites: [EXTRA], sign: key });
  server = await startRepoServer({ root: path.join(work, 'srv') });
}, 120_000);

afterAll(() => tearDown(work, server, key));

describe('APT::Default-Release from ROOT/etc/apt/apt.conf.d', () => {
  it('apt.conf syntax: scoped names, blocks, comments, #clear, later values win', () => {
    const conf = parseAptConf(
      '// a comment\nAPT::Default-Release "sid"; # not this\n/* block\n comment */\nAPT {\n  Default-Release "stable"; // trailing\n  Get::Show-Upgraded "true";\n};\n#clear APT::Get;\nDpkg::Options { "--force-confold"; };\n',
    );
    expect(conf.get('apt::default-release')).toBe('stable');
    expect(conf.has('apt::get::show-upgraded')).toBe(false);
  });

  it('with Default-Release the distro suite gets 990 and apt keeps 1.0; without it apt upgrades — repoclash agrees both times', async () => {
    const pinned = await root('pinned', { '01default-release': 'APT::Default-Release "stable";\n' });
    expect(disagreements(pinned.expected, pinned.got, ['tool'])).toEqual([]);
    expect(pinned.expected.has('tool')).toBe(false);
    const free = await root('free', { '01other': 'APT::Install-Recommends "false";\n' });
    expect(disagreements(free.expected, free.got, ['tool'])).toEqual([]);
    expect(free.expected.get('tool')).toBe('upgrade 2.0~bpo1-1');
  }, 120_000);

  it('apt.conf is read after apt.conf.d, and only apt.conf.d files named NAME or NAME.conf count — as apt reads them', async () => {
    // apt.conf.d says `extra`, apt.conf says `stable`: apt.conf, read last, wins, so tool stays.
    const mainLast = await root('main-last', { '50default-release': 'APT::Default-Release "extra";\n' }, 'APT::Default-Release "stable";\n');
    expect(disagreements(mainLast.expected, mainLast.got, ['tool'])).toEqual([]);
    expect(mainLast.expected.has('tool')).toBe(false);
    // A part with another extension is skipped (with a notice), so tool is upgraded; `.conf` is read.
    const otherExtension = await root('other-extension', { '50default-release.txt': 'APT::Default-Release "stable";\n' });
    expect(disagreements(otherExtension.expected, otherExtension.got, ['tool'])).toEqual([]);
    expect(otherExtension.expected.get('tool')).toBe('upgrade 2.0~bpo1-1');
    const confExtension = await root('conf-extension', { '50default-release.conf': 'APT::Default-Release "stable";\n' });
    expect(disagreements(confExtension.expected, confExtension.got, ['tool'])).toEqual([]);
    expect(confExtension.expected.has('tool')).toBe(false);
  }, 120_000);
});

describe('apt.conf values as apt 2.6 reads them', () => {
  it('an unquoted value (`APT::Default-Release stable;`) is a value: real apt pins stable at 990 and keeps tool, so does repoclash', async () => {
    const unquoted = await root('unquoted', { '50default-release': 'APT::Default-Release stable;\n' });
    expect(unquoted.expected.has('tool')).toBe(false);
    expect(disagreements(unquoted.expected, unquoted.got, ['tool'])).toEqual([]);
  }, 120_000);

  it('`#clear` after a statement on the same line is a directive, not a comment: real apt drops the Default-Release and upgrades tool, so does repoclash', async () => {
    const cleared = await root('clear-mid-line', { '50default-release': 'APT::Default-Release "stable"; #clear APT::Default-Release;\n' });
    expect(cleared.expected.get('tool')).toBe('upgrade 2.0~bpo1-1');
    expect(disagreements(cleared.expected, cleared.got, ['tool'])).toEqual([]);
  }, 120_000);
});

describe('Pin: release data as apt 2.6 reads it', () => {
  // Each `Pin:` line below would keep tool at 1.0-1 (pin -1 on the Extra repo) if apt took it as
  // written by intent; apt reads `K=V` fragments split on commas and trimmed, takes values as
  // written (quotes included), skips fragments it does not know, and never strips spaces
  // around `=`. So some pins hold tool and some select nothing.
  const CASES: Array<{ pin: string; holds: boolean }> = [
    { pin: 'o=Extra', holds: true },
    { pin: 'o="Extra"', holds: false },
    { pin: '"extra"', holds: false },
    { pin: 'o= Extra', holds: false },
    { pin: 'o =Extra', holds: false },
    { pin: 'o=Extra, n=extra', holds: true },
    { pin: 'o=Extra,x=unknown', holds: true },
    { pin: 'n=extra,o=Extra,', holds: true },
  ];

  it('quotes, spaces around =, unknown keys and a trailing comma: repoclash agrees with real apt on each', async () => {
    for (const [i, c] of CASES.entries()) {
      const r = await root(`pin-${i}`, {}, undefined, `Package: tool\nPin: release ${c.pin}\nPin-Priority: -1\n`);
      // The scenario means what it says: real apt holds tool exactly where `holds` says.
      expect(r.expected.has('tool'), c.pin).toBe(!c.holds);
      expect(disagreements(r.expected, r.got, ['tool']), c.pin).toEqual([]);
    }
  }, 240_000);
});

describe('preferences stanzas as apt 2.6 reads them', () => {
  // apt reads Pin-Priority as a leading integer (strtol: `-1 # note` is -1, `-1.5` is -1) and,
  // for a field given twice in one stanza, the last one.
  const CASES: Array<{ stanza: string; holds: boolean }> = [
    { stanza: 'Package: tool\nPin: release o=Extra\nPin-Priority: -1 # keep tool where it is\n', holds: true },
    { stanza: 'Package: tool\nPin: release o=Extra\nPin-Priority: -1.5\n', holds: true },
    { stanza: 'Package: tool\nPin: release o=Extra\nPin: release o=Nobody\nPin-Priority: -1\n', holds: false },
    { stanza: 'Package: tool\nPin: release o=Extra\nPin-Priority: -1\nPin-Priority: 500\n', holds: false },
    { stanza: 'Package: nothing\nPackage: tool\nPin: release o=Extra\nPin-Priority: -1\n', holds: true },
  ];

  it('a comment after the priority, a fraction, fields given twice: repoclash agrees with real apt on each', async () => {
    for (const [i, c] of CASES.entries()) {
      const r = await root(`stanza-${i}`, {}, undefined, c.stanza);
      expect(r.expected.has('tool'), c.stanza).toBe(!c.holds);
      expect(disagreements(r.expected, r.got, ['tool']), c.stanza).toEqual([]);
    }
  }, 240_000);
});
