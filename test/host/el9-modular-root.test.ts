/**
 * An EL 9 root as a new user meets it: Rocky Linux's own .repo file (BaseOS and an AppStream with a
 * postgresql module whose default stream is 13, reached through mirrorlists with $releasever) plus
 * PGDG's repo file as PGDG ships it (repo_gpgcheck=1 with its key file), everything served on
 * 127.0.0.1 under a path named after the real host, only the address changed.
 * `repoclash host --root R --format json` runs from an empty directory with no --config (the
 * shipped repos.yaml loads, its Debian repos skipped with a note) and is compared with real dnf in
 * the same root — before and after `dnf module disable postgresql`, as PGDG's instructions say.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostReport } from '../../src/host/types.js';
import { dnfUpgradePlan, runDnf, type DnfContext } from '../support/dnf.js';
import { buildEl9Repos, el9Root } from '../support/el9-root.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { dnfPlanLines, hostReport, planDisagreements, repoclashPlanLines } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { tearDown } from '../support/teardown.js';

let work: string;
let server: RepoServer;
let key: GpgKey;
let emptyDir: string;

/** `repoclash host --root R --format json` from the empty directory, no --config. */
async function host(root: string, db: string): Promise<{ code: number | null; report: HostReport }> {
  // HOME stays: Debian's rpm finds an installroot's rpmdb at ROOT/$HOME/.rpmdb.
  const { run, report } = await hostReport(emptyDir, ['--root', root, '--format', 'json', '--db', db, '--cache', `${db}-cache`], {
    env: { HOME: process.env['HOME'], XDG_CONFIG_HOME: path.join(emptyDir, 'config') },
  });
  return { code: run.code, report };
}

async function compare(ctx: DnfContext, db: string) {
  const upgrade = dnfPlanLines(await dnfUpgradePlan(ctx));
  const sync = dnfPlanLines(await dnfUpgradePlan({ ...ctx, command: 'distro-sync' }));
  const { code, report } = await host(ctx.installroot, db);
  return {
    code,
    report,
    upgrade,
    wrong: [...planDisagreements(upgrade, repoclashPlanLines(report, false)).map((l) => `upgrade ${l}`), ...planDisagreements(sync, repoclashPlanLines(report, true)).map((l) => `distro-sync ${l}`)],
  };
}

let ctx: DnfContext;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-el9-root-'));
  const srv = path.join(work, 'srv');
  emptyDir = path.join(work, 'empty');
  await mkdir(emptyDir, { recursive: true });
  key = await makeThrowawayKey(path.join(work, 'key'));
  await buildEl9Repos(srv, key);
  server = await startRepoServer({ root: srv });
  ctx = await el9Root(work, srv, server.url, key);
}, 180_000);

afterAll(() => tearDown(work, server, key));

describe('an EL 9 root with a modular AppStream and PGDG, no --config', () => {
  it("with the postgresql:13 default stream: AppStream's stream wins, PGDG's server is hidden, postgresql17-devel replaces libpq-devel — zero disagreements with real dnf", async () => {
    const { code, report, upgrade, wrong } = await compare(ctx, path.join(work, 'el9-default.db'));
    expect(wrong).toEqual([]);
    // Not agreement on nothing: every rule is in play.
    expect(upgrade.get('bash')).toBe('upgrade 5.1.8-9.el9 @baseos');
    expect(upgrade.get('postgresql')).toBe('upgrade 13.16-1.module+el9.4.0+21001+a1b2c3d4 @appstream');
    expect(upgrade.has('postgresql16-server')).toBe(false);
    expect(upgrade.get('libpq-devel')).toBe('obsoleted-by postgresql17-devel 17.2-1PGDG.rhel9 @pgdg17 vendor-change');
    expect(report.repoCount).toBe(5);
    expect(report.partialData).toEqual([]);
    // No --config: the shipped repos.yaml was loaded and its Debian repos skipped on this RPM root.
    expect(report.skippedRepos.length).toBeGreaterThan(0);
    expect(code).toBe(1);
  }, 180_000);

  it('after `dnf module disable postgresql`: the stream is gone, PGDG takes its names — zero disagreements with real dnf', async () => {
    expect((await runDnf({ ...ctx, assume: 'yes', args: ['module', 'disable', 'postgresql'] })).code).toBe(0);
    const { report, upgrade, wrong } = await compare(ctx, path.join(work, 'el9-disabled.db'));
    expect(wrong).toEqual([]);
    expect(upgrade.get('postgresql16-server')).toBe('upgrade 16.4-1PGDG.rhel9 @pgdg16');
    expect(upgrade.has('postgresql')).toBe(false);
    // The installed modular packages now have no visible version at all.
    expect(report.packages.find((p) => p.name === 'postgresql')?.action).toBe('blocked');
  }, 180_000);
});
