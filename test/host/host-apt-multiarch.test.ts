/**
 * A multi-arch Debian host (`dpkg --add-architecture i386`, as for Wine or Steam): dpkg lists the
 * foreign architecture in ROOT/var/lib/dpkg/arch, apt fetches its indexes from every source without
 * an `arch=` option and upgrades `name:i386` apart from `name`. Checked against real apt on the same
 * root (private APT_CONFIG over ROOT/etc/apt, the root's dpkg status, the root's architectures).
 */
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostReport } from '../../src/host/types.js';
import { writeDebHostRoot, type AptPlan, type AptRoot, type DpkgStatusEntry } from '../support/apt.js';
import { aptPlansForRoot, debianStable, serveDebRepos, type ServedDebRepos } from '../support/apt-host-fixture.js';
import type { DebSpec, DebSuite } from '../support/deb-repo.js';
import { hostReport } from '../support/host-compare.js';
import { tearDown } from '../support/teardown.js';

let served: ServedDebRepos;
let work: string;
let root: string;
let plan: AptPlan;
let fullPlan: AptPlan;

const same = (name: string, version: string, arch: string): DebSpec & DpkgStatusEntry => ({ name, version, arch, extraFields: { 'Multi-Arch': 'same' } });
const DISTRO = debianStable([
  // A library installed for both architectures: two packages to apt, each upgraded.
  same('libfoo', '1.0-1', 'amd64'), same('libfoo', '1.0-1', 'i386'), same('libfoo', '2.0-1', 'amd64'), same('libfoo', '2.0-1', 'i386'),
  // Installed for the foreign architecture only.
  { name: 'game', version: '1.0-1', arch: 'i386' }, { name: 'game', version: '2.0-1', arch: 'i386' },
  // Native only: the control.
  { name: 'tool', version: '1.0-1', arch: 'amd64' }, { name: 'tool', version: '1.1-1', arch: 'amd64' },
  // Architecture: all — the native architecture's package.
  { name: 'data', version: '1.0-1' }, { name: 'data', version: '1.1-1' },
  { name: 'docs', version: '1.0-1' }, { name: 'docs', version: '1.1-1' },
  { name: 'emu', version: '1.0-1', arch: 'i386' },
], { architectures: ['amd64', 'i386'] });
/** Another vendor with a newer emu:i386: a vendor change of the foreign package. */
const VENDOR: DebSuite = { suite: 'stable', origin: 'Vendor', label: 'Vendor', components: ['main'], architectures: ['amd64', 'i386'], packages: { main: [{ name: 'emu', version: '2.0-1', arch: 'i386' }] } };
const INSTALLED: DpkgStatusEntry[] = [same('libfoo', '1.0-1', 'amd64'), same('libfoo', '1.0-1', 'i386'), { name: 'game', version: '1.0-1', arch: 'i386' }, { name: 'tool', version: '1.0-1', arch: 'amd64' }, { name: 'data', version: '1.0-1' }, { name: 'docs', version: '1.0-1' }, { name: 'emu', version: '1.0-1', arch: 'i386' }];

/**
 * Pins naming a package without `:arch` hold only the native one (here there is none: game is
 * i386 only); `:i386` never selects an `Architecture: all` package. So game:i386 and data move.
 * An `Architecture: all` package sits in every architecture's index, so `b=i386` pins docs.
 */
const PREFERENCES = `Package: game
Pin: version 2.0*
Pin-Priority: -1

Package: data:i386
Pin: version 1.1*
Pin-Priority: -1

Package: docs
Pin: release b=i386
Pin-Priority: -1
`;

/** apt's spelling of a package: `name` for the native architecture (and `all`), `name:arch` for a foreign one. */
const aptName = (name: string, arch: string): string => (arch === 'amd64' || arch === 'all' ? name : `${name}:${arch}`);

function aptMoves(p: AptPlan): Map<string, string> {
  return new Map(p.items.filter((i) => i.action === 'upgrade' || i.action === 'downgrade').map((i) => [i.name, `${i.action} ${i.toVersion}`]));
}

function ourMoves(report: HostReport, sync: boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of report.packages) {
    const action = sync ? p.syncAction : p.action;
    const to = sync ? p.syncTo : p.to;
    if (to && (action === 'upgrade' || action === 'vendor-change' || action === 'downgrade')) out.set(aptName(p.name, p.arch), `${action === 'downgrade' ? 'downgrade' : 'upgrade'} ${to.evr}`);
  }
  return out;
}

/** Real apt told the root's architectures (its private config reads no dpkg arch list). */
const withI386 = (apt: AptRoot): Promise<void> => appendFile(apt.configPath, 'APT::Architectures { "amd64"; "i386"; };\n');

/** A multi-arch root (optionally with preferences) and what real apt's upgrade and full-upgrade do on it. */
async function hostRoot(label: string, preferences?: string): Promise<{ root: string; plan: AptPlan; fullPlan: AptPlan }> {
  const root = path.join(work, label);
  // dpkg's list of the host's architectures (native first), as `dpkg --add-architecture i386` leaves it.
  await writeDebHostRoot(root, {
    sources: served.sources,
    keyring: served.key.publicKeyringPath,
    installed: INSTALLED,
    files: { 'var/lib/dpkg/arch': 'amd64\ni386\n' },
    ...(preferences !== undefined ? { preferences } : {}),
  });
  const plans = await aptPlansForRoot(root, path.join(work, `${label}-apt-state`), withI386);
  return { root, ...plans };
}

beforeAll(async () => {
  served = await serveDebRepos('rc-apt-multiarch-', { debian: [DISTRO], vendor: [VENDOR] });
  work = served.work;
  ({ root, plan, fullPlan } = await hostRoot('root'));
}, 180_000);

afterAll(() => tearDown(served?.work, served?.server, served?.key));

describe('a multi-arch host (amd64 + i386)', () => {
  it('real apt upgrades libfoo, libfoo:i386, game:i386, tool, data, docs and emu:i386', () => {
    const expected = new Map([['libfoo', 'upgrade 2.0-1'], ['libfoo:i386', 'upgrade 2.0-1'], ['game:i386', 'upgrade 2.0-1'], ['tool', 'upgrade 1.1-1'], ['data', 'upgrade 1.1-1'], ['docs', 'upgrade 1.1-1'], ['emu:i386', 'upgrade 2.0-1']]);
    expect(aptMoves(plan)).toEqual(expected);
    expect(aptMoves(fullPlan)).toEqual(expected);
  });

  it('repoclash host --root predicts each architecture apart, as apt does: nothing stranded', async () => {
    const { run, report } = await hostReport(work, ['--root', root, '--format', 'json', '--db', path.join(work, 'root.db'), '--cache', path.join(work, 'cache')]);
    expect(ourMoves(report, false)).toEqual(aptMoves(plan));
    expect(ourMoves(report, true)).toEqual(aptMoves(fullPlan));
    expect(report.counts.stranded).toBe(0);
    expect(report.installedCount).toBe(INSTALLED.length);
    // emu:i386's vendor change, and nothing else, is risky.
    expect(report.packages.filter((p) => p.risky).map((p) => `${p.name}:${p.arch}`)).toEqual(['emu:i386']);
    expect(run.code).toBe(1);
  }, 120_000);

  it('a repos.yaml repo of the same URI, suite and components for amd64 only (as the shipped bookworm) is not taken for the host\'s source: the i386 indexes are still read — repoclash agrees with real apt', async () => {
    const config = path.join(work, 'amd64-only.yaml');
    await writeFile(
      config,
      `version: 1\nrepos:\n  distro:\n    vendor: Debian\n    role: distro\n    format: deb\n    uri: ${served.server.url}/debian\n    suite: stable\n    components: [main]\n    architectures: [amd64]\n`,
    );
    const { report } = await hostReport(work, ['--root', root, '--config', config, '--format', 'json', '--db', path.join(work, 'amd64-only.db'), '--cache', path.join(work, 'cache')]);
    expect(ourMoves(report, false)).toEqual(aptMoves(plan));
    expect(ourMoves(report, true)).toEqual(aptMoves(fullPlan));
    expect(report.counts.stranded).toBe(0);
  }, 120_000);

  it('a pin without :arch holds only the native package, name:i386 never an Architecture: all one, b=i386 does (it is in the i386 index too) — repoclash agrees with real apt', async () => {
    const pinned = await hostRoot('pinned', PREFERENCES);
    expect(aptMoves(pinned.plan)).toEqual(new Map([...aptMoves(plan)].filter(([name]) => name !== 'docs')));
    const { report } = await hostReport(work, ['--root', pinned.root, '--format', 'json', '--db', path.join(work, 'pinned.db'), '--cache', path.join(work, 'cache')]);
    expect(ourMoves(report, false)).toEqual(aptMoves(pinned.plan));
    expect(ourMoves(report, true)).toEqual(aptMoves(pinned.fullPlan));
  }, 120_000);

  it('a general b=i386 pin lowers only the i386 indexes: an Architecture: all version keeps the native index\'s priority — repoclash agrees with real apt', async () => {
    const pinned = await hostRoot('general-b', 'Package: *\nPin: release b=i386\nPin-Priority: -1\n');
    // libfoo is Multi-Arch: same, whose arches apt moves in step; that rule is not modelled.
    const without = (m: Map<string, string>) => new Map([...m].filter(([name]) => !name.startsWith('libfoo')));
    expect(without(aptMoves(pinned.plan))).toEqual(new Map([['tool', 'upgrade 1.1-1'], ['data', 'upgrade 1.1-1'], ['docs', 'upgrade 1.1-1']]));
    const { report } = await hostReport(work, ['--root', pinned.root, '--format', 'json', '--db', path.join(work, 'general-b.db'), '--cache', path.join(work, 'cache')]);
    expect(without(ourMoves(report, false))).toEqual(without(aptMoves(pinned.plan)));
    expect(without(ourMoves(report, true))).toEqual(without(aptMoves(pinned.fullPlan)));
  }, 120_000);

  it('the fix for a foreign package\'s vendor change pins name:i386 (a bare name would pin the native package only), and real apt then keeps it', async () => {
    const fixing = await hostRoot('fix');
    const { report } = await hostReport(work, ['--root', fixing.root, '--format', 'json', '--db', path.join(work, 'fix.db'), '--cache', path.join(work, 'cache')]);
    const emu = report.packages.find((p) => p.name === 'emu' && p.arch === 'i386')!;
    expect(emu).toMatchObject({ action: 'vendor-change', to: { vendor: 'Vendor', evr: '2.0-1' } });
    const fix = emu.fixes[0]!;
    expect(fix).toMatchObject({ kind: 'apt-preferences', verified: true });
    expect(fix.text).toContain('Package: emu:i386\n');
    await writeFile(fix.file!, fix.text);
    const fixed = await aptPlansForRoot(fixing.root, path.join(work, 'fix-apt-state'), withI386);
    expect(aptMoves(fixed.plan).has('emu:i386')).toBe(false);
  }, 120_000);
});
