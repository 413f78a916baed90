/**
 * A `.repo` file whose `mirrorlist=` URL is a metalink (`…/metalink?repo=…&arch=$basearch`), as
 * many older and third-party repo files still write it. dnf reads such a mirrorlist as a metalink
 * (libdnf's yum-compatibility rule: a mirrorlist URL containing "metalink" is one). The root goes
 * to real dnf 4 and to `repoclash host --root`, over HTTP on 127.0.0.1: the repo is read, not
 * failed, and the upgrade plans agree.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnfUpgradePlan, seedInstalled } from '../support/dnf.js';
import { dnfPlanLines, hostReport, hostReportOfRoot, planDisagreements, repoclashPlanLines } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, buildRpms, writeMetalink, type RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';

const VENDOR = 'Legacy Vendor';

let work: string;
let server: RepoServer;

const rpm = (name: string, version: string): RpmSpec => ({ name, version, release: '1', vendor: VENDOR, arch: 'x86_64' });

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-dnf-mirrorlist-metalink-'));
  const srv = path.join(work, 'srv');
  await buildRpmRepo({ dir: path.join(srv, 'legacy'), rpms: [rpm('tool', '2.0')] });
  server = await startRepoServer({ root: srv });
  await writeMetalink(path.join(srv, 'metalink?repo=legacy-40&arch=x86_64'), path.join(srv, 'legacy'), `${server.url}/legacy/`);
}, 120_000);

afterAll(() => tearDown(work, server));

/** A root with tool 1.0 installed and legacy.repo whose mirrorlist= is the metalink. */
async function legacyRoot(label: string): Promise<string> {
  const root = path.join(work, label);
  await seedInstalled(root, await buildRpms([rpm('tool', '1.0')], path.join(work, `${label}-installed`)));
  await mkdir(path.join(root, 'etc/yum.repos.d'), { recursive: true });
  await writeFile(path.join(root, 'etc/os-release'), 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n');
  await writeFile(
    path.join(root, 'etc/yum.repos.d/legacy.repo'),
    `[legacy]\nname=Legacy vendor\nmirrorlist=${server.url}/metalink?repo=legacy-$releasever&arch=$basearch\nenabled=1\ngpgcheck=0\n`,
  );
  return root;
}

describe('a mirrorlist= that is a metalink', () => {
  it('is read as one, as dnf reads it: the repo is crawled and the upgrade agrees with real dnf', async () => {
    const root = await legacyRoot('root');
    const dnf = dnfPlanLines(await dnfUpgradePlan({ installroot: root, repos: [], ownRepoFiles: true, forcearch: 'x86_64' }));
    expect(dnf.get('tool')).toBe('upgrade 2.0-1 @legacy');

    const { run, report } = await hostReportOfRoot(work, root);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(planDisagreements(dnf, repoclashPlanLines(report, false))).toEqual([]);
  }, 120_000);

  it('is the same repository as a repos.yaml repo with that metalink: the host reuses it (one crawl, its name), as it reuses one of the same metalink=', async () => {
    const root = await legacyRoot('reuse');
    const config = path.join(work, 'legacy.yaml');
    await writeFile(config, `version: 1\nrepos:\n  legacy-yaml:\n    vendor: ${VENDOR}\n    role: third-party\n    format: rpm\n    metalink: ${server.url}/metalink?repo=legacy-40&arch=x86_64\n`);
    const { report } = await hostReport(work, ['--root', root, '--format', 'json', '--config', config, '--db', path.join(work, 'reuse.db'), '--cache', path.join(work, 'cache')], {
      env: { HOME: process.env['HOME'] ?? os.homedir() },
    });
    expect(report.repoCount).toBe(1);
    expect(report.packages.find((p) => p.name === 'tool')).toMatchObject({ action: 'upgrade', to: { repo: 'legacy-yaml', evr: '2.0-1' } });
  }, 120_000);
});
