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

describe('dnf distro-sync keeps an installed package that a best-priority repo carries identically', () => {
  it('seed 11: the same version from another vendor in a cheaper repo of the same priority does not replace it — zero disagreements', async () => {
    const { sync, upgrade, wrong } = await compareFuzzHost(
      host(1001, [repo('r1', [rpm('charlie', '1.1', '1', COPR)], { priority: 20, cost: 500 }), repo('r2', [rpm('charlie', '1.1', '1', FEDORA)], { priority: 20 })], [rpm('charlie', '1.1', '1', FEDORA)]),
      work,
      server,
    );
    expect([...upgrade, ...sync!]).toEqual([]);
    expect(wrong).toEqual([]);
  }, 120_000);
});
