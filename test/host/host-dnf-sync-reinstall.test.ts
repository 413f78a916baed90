/**
 * `dnf distro-sync` takes the best-priority repo's package even at the installed version: the same
 * version from another vendor (or another arch) is reinstalled from that repo. So a package whose
 * exact version a better-priority repo of another vendor carries changes vendor on distro-sync,
 * while `dnf upgrade` leaves it. `repoclash host --root` over HTTP on 127.0.0.1 against real dnf 4
 * in the same installroot.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnfUpgradePlan, seedInstalled, type DnfContext } from '../support/dnf.js';
import { hostReportOfRoot } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, buildRpms, type RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';

const FEDORA = 'Fedora Project';
const COPR = 'Fedora Copr - user example';

let work: string;
let server: RepoServer;

const rpm = (name: string, version: string, vendor: string, arch = 'x86_64'): RpmSpec => ({ name, version, release: '1', vendor, arch });

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-dnf-sync-reinstall-'));
  const srv = path.join(work, 'srv');
  await buildRpmRepo({ dir: path.join(srv, 'fedora'), rpms: [rpm('same', '1.0', FEDORA), rpm('newer-elsewhere', '1.0', FEDORA), rpm('newer-elsewhere', '2.0', FEDORA), rpm('own', '1.0', FEDORA)] });
  // A Copr that rebuilt exactly Fedora's versions, preferred by priority.
  await buildRpmRepo({ dir: path.join(srv, 'copr'), rpms: [rpm('same', '1.0', COPR), rpm('orphan', '1.0', COPR), rpm('newer-elsewhere', '1.0', COPR)] });
  server = await startRepoServer({ root: srv });
}, 120_000);

afterAll(() => tearDown(work, server));

describe('dnf distro-sync at the installed version', () => {
  it('reinstalls the same version from a better-priority repo of another vendor: a vendor change repoclash reports — agreeing with real dnf', async () => {
    const root = path.join(work, 'root');
    // `orphan` was installed from a Fedora build no repo carries any more.
    await seedInstalled(root, await buildRpms([rpm('same', '1.0', FEDORA), rpm('newer-elsewhere', '1.0', FEDORA), rpm('orphan', '1.0', FEDORA), rpm('own', '1.0', FEDORA)], path.join(work, 'installed')));
    const ctx: DnfContext = { installroot: root, repos: [{ id: 'fedora', baseurl: `${server.url}/fedora/` }, { id: 'copr', baseurl: `${server.url}/copr/`, priority: 50 }] };
    const upgrade = await dnfUpgradePlan(ctx);
    const sync = await dnfUpgradePlan({ ...ctx, command: 'distro-sync' });
    const moves = (items: typeof sync.items) => items.map((i) => `${i.name} ${i.action} ${i.toEvr} @${i.repo}${i.vendor !== i.fromVendor ? ' vendor-change' : ''}`).sort();
    expect(moves(upgrade.items)).toEqual([]);
    expect(moves(sync.items)).toEqual(['newer-elsewhere reinstall 1.0-1 @copr vendor-change', 'orphan reinstall 1.0-1 @copr vendor-change', 'same reinstall 1.0-1 @copr vendor-change']);

    const { report } = await hostReportOfRoot(work, root);
    const ours = (sync: boolean) =>
      report.packages
        .filter((p) => (sync ? p.syncAction : p.action) === 'vendor-change')
        .map((p) => `${p.name} reinstall ${(sync ? p.syncTo : p.to)!.evr} @${(sync ? p.syncTo : p.to)!.repo} vendor-change`)
        .sort();
    expect(ours(false)).toEqual(moves(upgrade.items));
    expect(ours(true)).toEqual(moves(sync.items));
  }, 180_000);
});
