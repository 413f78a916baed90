/**
 * The disagreements test/host/apt-differential.test.ts found between repoclash and real apt, each
 * reduced to a small fixed world and compared with real apt the same way (winners with nothing
 * installed, `host` verdicts against apt-get -s upgrade / dist-upgrade, vendor changes). Each case
 * also asserts what apt itself does, so the scenario means what it says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWorld, startWorldSite, type WorldSite } from '../support/apt-differential.js';
import type { HostRisk } from '../../src/host/types.js';
import type { DebSpec } from '../support/deb-repo.js';
import type { AptWorld, WorldHost, WorldRepo } from '../support/random-apt-world.js';
import { tearDown } from '../support/teardown.js';

let site: WorldSite;

beforeAll(async () => {
  site = await startWorldSite('rc-apt-diff-cases-');
});

afterAll(() => tearDown(site?.work, site?.server, site?.key));

const repo = (dir: string, origin: string, suite: string, packages: Array<[string, string] | DebSpec>, more: Partial<WorldRepo['suite']> = {}): WorldRepo => ({
  dir,
  site: '127.0.0.1',
  suite: { suite, origin, label: origin, components: ['main'], architectures: ['amd64'], ...more, packages: { main: packages.map((p) => (Array.isArray(p) ? { name: p[0], version: p[1] } : p)) } },
});

const host = (label: string, over: Partial<WorldHost>): WorldHost => ({ label, sources: [0], preferences: '', defaultRelease: null, installed: [], ...over });

/** The world's seed number only names its directory. */
const check = (world: AptWorld) => compareWorld(site, world);

/** Compare a one-host world with apt: no disagreement, and the host's report by package name. */
async function agreedPackages(world: AptWorld): Promise<Map<string, HostRisk>> {
  const [result] = await check(world);
  expect(result!.disagreements).toEqual([]);
  return new Map(result!.report!.packages.map((p) => [p.name, p]));
}

describe('disagreements the differential test found, fixed', () => {
  it('seed 4: a held package whose candidate is a downgrade (pin ≥ 1000): apt neither downgrades it nor lists it as kept back; repoclash says stranded, not kept-back', async () => {
    const world: AptWorld = {
      seed: 1004,
      repos: [repo('r0', 'Distro', 'stable', [['delta', '0.9-1'], ['echo', '0.9-1']])],
      hosts: [
        host('held-down', {
          preferences: 'Package: *\nPin: release a=stable\nPin-Priority: 1001\n',
          installed: [
            { name: 'delta', version: '1.0-1', status: 'hold ok installed' },
            // Control: not held, so apt downgrades it.
            { name: 'echo', version: '1.0-1' },
          ],
        }),
      ],
    };
    const by = await agreedPackages(world);
    expect(by.get('echo')).toMatchObject({ action: 'downgrade', syncAction: 'downgrade' });
    expect(by.get('delta')).toMatchObject({ action: 'stranded', syncAction: 'stranded', to: null });
  }, 120_000);

  it('seed 1: APT::Default-Release names no release of the sources: apt refuses to run, and so does repoclash host (exit 2), instead of predicting', async () => {
    const world: AptWorld = {
      seed: 1001,
      repos: [repo('r0', 'Distro', 'stable', [['delta', '1.0-1']], { codename: 'bookworm', version: '12' })],
      hosts: [
        host('no-such-release', { defaultRelease: 'nosuch', installed: [{ name: 'delta', version: '0.9-1' }] }),
        // Controls apt accepts: the codename, the version, a glob, and release data (always accepted).
        host('codename', { defaultRelease: 'bookworm', installed: [{ name: 'delta', version: '0.9-1' }] }),
        host('version', { defaultRelease: '12', installed: [{ name: 'delta', version: '0.9-1' }] }),
        host('glob', { defaultRelease: 'book*', installed: [{ name: 'delta', version: '0.9-1' }] }),
        host('release-data', { defaultRelease: 'a=nosuch', installed: [{ name: 'delta', version: '0.9-1' }] }),
      ],
    };
    const [refused, ...accepted] = await check(world);
    expect(refused!.report).toBeNull();
    expect(refused!.disagreements).toEqual([]);
    for (const r of accepted) {
      expect(r.disagreements).toEqual([]);
      expect(r.report!.packages.find((p) => p.name === 'delta')).toMatchObject({ action: 'upgrade', to: { evr: '1.0-1' } });
    }
  }, 120_000);

  it('a Pin-Priority of 0: apt refuses to run ("No priority (or zero) specified for pin"), and so does repoclash host (exit 2)', async () => {
    const world: AptWorld = {
      seed: 1006,
      repos: [repo('r0', 'Distro', 'stable', [['delta', '1.0-1']])],
      hosts: [host('zero', { preferences: 'Package: delta\nPin: release a=stable\nPin-Priority: 0\n', installed: [{ name: 'delta', version: '0.9-1' }] })],
    };
    const [result] = await check(world);
    expect(result!.report).toBeNull();
    expect(result!.disagreements).toEqual([]);
  }, 120_000);

  it('seed 1: a new version Depends on an installed package at a version its candidate does not reach: dist-upgrade keeps it back too, and so does repoclash', async () => {
    const dep = (name: string, version: string, depends: string) => ({ name, version, depends: [depends] });
    const world: AptWorld = {
      seed: 1011,
      repos: [
        repo('r0', 'Distro', 'stable', [
          // beta's new version needs dingo older than the one installed: apt installs only candidates.
          dep('beta', '2.0-1', 'dingo (<< 1.0-1)'),
          ['dingo', '2.0-1'],
          // Control: echo's new version needs golf, not installed: full-upgrade installs it.
          dep('echo', '2.0-1', 'golf (>= 1.0)'),
          ['golf', '1.0-1'],
        ]),
      ],
      hosts: [
        host('unmeetable', {
          installed: [
            { name: 'beta', version: '1.0-1' },
            { name: 'dingo', version: '2.0-1' },
            { name: 'echo', version: '1.0-1' },
          ],
        }),
      ],
    };
    const by = await agreedPackages(world);
    expect(by.get('beta')).toMatchObject({ action: 'kept-back', syncAction: 'kept-back' });
    expect(by.get('echo')).toMatchObject({ action: 'kept-back', syncAction: 'upgrade', syncTo: { evr: '2.0-1' } });
  }, 120_000);

  it('seed 12: a downgrade (pin ≥ 1000) whose new version needs a package that is not installed: apt-get upgrade neither makes it nor lists it as kept back; repoclash says stranded, not kept-back', async () => {
    const world: AptWorld = {
      seed: 1012,
      repos: [
        repo('r0', 'Distro', 'stable', [{ name: 'omega', version: '2.0-1', depends: ['golf (>= 1.0)'] }, ['golf', '1.0-1'], { name: 'echo', version: '2.0-1', depends: ['golf'] }]),
      ],
      hosts: [
        host('down-needs-new', {
          preferences: 'Package: omega\nPin: release a=stable\nPin-Priority: 1001\n',
          installed: [
            { name: 'omega', version: '99.0-1' },
            // Control: an upgrade that needs golf is kept back, and listed.
            { name: 'echo', version: '1.0-1' },
          ],
        }),
      ],
    };
    const by = await agreedPackages(world);
    // full-upgrade installs golf and makes the downgrade.
    expect(by.get('omega')).toMatchObject({ action: 'stranded', syncAction: 'downgrade', syncTo: { evr: '2.0-1' } });
    expect(by.get('echo')).toMatchObject({ action: 'kept-back', syncAction: 'upgrade' });
  }, 120_000);

  it('seed 43: `Pin: release v=no*` is a release Version condition (the dpkg status has none), not the old bare form that matches archive `now`: apt upgrades bravo, and so does repoclash', async () => {
    const world: AptWorld = {
      seed: 1043,
      repos: [repo('r0', 'Distro', 'stable', [['bravo', '2.0-1'], ['beta', '2.0-1']])],
      hosts: [
        host('version-glob', {
          // Control: the bare form `no*` is an archive-or-codename glob, which the status file's `now` matches.
          preferences: 'Package: bravo\nPin: release v=no*\nPin-Priority: 700\n\nPackage: beta\nPin: release no*\nPin-Priority: 700\n',
          installed: [
            { name: 'bravo', version: '0.1-1' },
            { name: 'beta', version: '0.1-1' },
          ],
        }),
      ],
    };
    const by = await agreedPackages(world);
    expect(by.get('bravo')).toMatchObject({ action: 'upgrade', to: { evr: '2.0-1' } });
    expect(by.get('beta')).toBeUndefined();
  }, 120_000);
});
