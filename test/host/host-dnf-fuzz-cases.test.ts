/**
 * The disagreements test/host/dnf-differential.test.ts found between repoclash and real dnf 4,
 * each reduced to the smallest host that shows it (the seed it came from in its title), and
 * compared with real dnf in the same installroot over HTTP on 127.0.0.1: what dnf does is asserted
 * too, so agreement is never agreement on nothing.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFuzzHost, type FuzzHost, type FuzzRepo } from '../support/dnf-fuzz-host.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import type { RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';

const FEDORA = 'Fedora Project';
const COPR = 'Copr';
const ACME = 'ACME';

let work: string;
let server: RepoServer;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-dnf-fuzz-cases-'));
  server = await startRepoServer({ root: path.join(work, 'srv') });
});

afterAll(() => tearDown(work, server));

const rpm = (name: string, version: string, release: string, vendor: string): RpmSpec => ({ name, version, release, vendor, arch: 'x86_64' });
const repo = (id: string, rpms: RpmSpec[], over: Partial<FuzzRepo> = {}): FuzzRepo => ({ id, enabled: true, excludepkgs: [], includepkgs: [], rpms, ...over });
/** `id` names the case's directories; the seeds of the random test are small numbers. */
const host = (id: number, repos: FuzzRepo[], installed: RpmSpec[], main: Record<string, string> = {}): FuzzHost => ({ seed: id, repos, installed, main, versionlock: null });

/**
 * Real dnf's `upgrade` and `distro-sync` lines for the host are `upgrade` and `sync` (so agreement
 * is never agreement on nothing), and repoclash's report says the same.
 */
async function expectDnfAndAgreement(h: FuzzHost, upgrade: Array<[string, string]>, sync: Array<[string, string]>): Promise<void> {
  const compared = await compareFuzzHost(h, work, server);
  expect([...compared.upgrade]).toEqual(upgrade);
  expect([...(compared.sync ?? [])]).toEqual(sync);
  expect(compared.wrong).toEqual([]);
}

describe('dnf distro-sync keeps an installed package that a best-priority repo carries identically', () => {
  it('seed 11: the same version from another vendor in a cheaper repo of the same priority does not replace it — zero disagreements', async () => {
    await expectDnfAndAgreement(
      host(1001, [repo('r1', [rpm('charlie', '1.1', '1', COPR)], { priority: 20, cost: 500 }), repo('r2', [rpm('charlie', '1.1', '1', FEDORA)], { priority: 20 })], [rpm('charlie', '1.1', '1', FEDORA)]),
      [],
      [],
    );
  }, 120_000);
});

describe('install-only packages (kernel) under priorities and distro-sync', () => {
  it('seed 15: `dnf upgrade` installs a newer kernel beside the installed one even when a better-priority repo carries the installed version from another vendor; distro-sync reinstalls that one — zero disagreements', async () => {
    await expectDnfAndAgreement(
      host(1002, [repo('r1', [rpm('kernel', '1.0', '2.fc40', COPR)], { priority: 20 }), repo('r2', [rpm('kernel', '1.1', '1', ACME)], { priority: 99 })], [rpm('kernel', '1.0', '2.fc40', FEDORA)]),
      [['kernel', 'install-beside 1.1-1 @r2']],
      [['kernel', 'reinstall 1.0-2.fc40 @r1 vendor-change']],
    );
  }, 120_000);

  it('the same with the installed kernel itself in the better-priority repo — zero disagreements', async () => {
    await expectDnfAndAgreement(
      host(1003, [repo('r1', [rpm('kernel', '1.0', '2.fc40', FEDORA)], { priority: 20 }), repo('r2', [rpm('kernel', '1.1', '1', ACME)], { priority: 99 })], [rpm('kernel', '1.0', '2.fc40', FEDORA)]),
      [],
      [],
    );
  }, 120_000);

  it('seed 12: distro-sync reinstalls an install-only package whose version the best repo carries from another vendor — zero disagreements', async () => {
    await expectDnfAndAgreement(
      host(1004, [repo('r1', [rpm('kernel', '1.0', '1.el9', FEDORA)], { priority: 10 })], [rpm('kernel', '1.0', '1.el9', ACME)]),
      [],
      [['kernel', 'reinstall 1.0-1.el9 @r1 vendor-change']],
    );
  }, 120_000);

  it('seed 18: distro-sync installs the only (older) version the repos carry of an installonlypkgs= name beside the installed one — zero disagreements', async () => {
    await expectDnfAndAgreement(
      host(1005, [repo('r1', [rpm('alpha', '1.0~rc1', '1', COPR)])], [rpm('alpha', '2.0', '1', COPR)], { installonlypkgs: 'alpha' }),
      [],
      [['alpha', 'install-beside 1.0~rc1-1 @r1']],
    );
  }, 120_000);
});

describe('Obsoletes next to the package\'s own newer version', () => {
  it("seed 9: dnf takes the installed name's own newer version (1:0.9, out of `Obsoletes: lib-old < 3`'s reach) over lib-new, whose name sorts first — zero disagreements", async () => {
    const obsoleter: RpmSpec = { ...rpm('lib-new', '1.1', '1', FEDORA), obsoletes: ['lib-old < 3'] };
    await expectDnfAndAgreement(
      host(1006, [repo('r1', [{ ...rpm('lib-old', '0.9', '1', FEDORA), epoch: 1 }, obsoleter])], [rpm('lib-old', '1.0', '1', FEDORA)]),
      [['lib-old', 'upgrade 1:0.9-1 @r1']],
      [['lib-old', 'upgrade 1:0.9-1 @r1']],
    );
  }, 120_000);
});

describe('dnf.conf [main] exclude= and the installed packages', () => {
  it('seed 197: an installed package that [main] exclude= matches is left alone, whatever the repos carry — zero disagreements', async () => {
    const echo = (version: string, epoch?: number): RpmSpec => ({ ...rpm('echo', version, '1', FEDORA), arch: 'noarch', ...(epoch !== undefined ? { epoch } : {}) });
    await expectDnfAndAgreement(host(1007, [repo('r1', [echo('0.9', 1), echo('1.1')])], [echo('1.1')], { exclude: 'echo-1.1-1.noarch' }), [], []);
  }, 120_000);
});
