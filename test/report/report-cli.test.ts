/**
 * `repoclash report` around a change in the served repos: real rpm repos (rpmbuild, createrepo_c)
 * on a loopback server, `repoclash crawl`, then reports for successive weeks; the second report
 * must say what is new, resolved and ongoing, and the third how long the ongoing ones have run.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportHeadline, type WeeklyReport } from '../../src/report/weekly.js';
import { Store } from '../../src/store/index.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, type RpmSpec } from '../support/rpm-repo.js';
import { repoclash } from '../support/cli.js';
import { twoVendorConfig } from '../support/repos-yaml.js';
import { tearDown } from '../support/teardown.js';
import { testStoreLocation } from '../support/test-store.js';

let work: string;
let server: RepoServer;
let config: string;
let db: string;
let out: string;

const rpm = (name: string, version: string, vendor: string): RpmSpec => ({ name, version, release: '1', arch: 'x86_64', vendor, url: `https://example.org/${name}` });

async function serve(distro: RpmSpec[], vendor: RpmSpec[]): Promise<void> {
  await buildRpmRepo({ dir: path.join(work, 'www/distro'), rpms: distro });
  await buildRpmRepo({ dir: path.join(work, 'www/vendor'), rpms: vendor });
}

async function reportJson(week: string): Promise<WeeklyReport> {
  return JSON.parse(await readFile(path.join(out, `${week}.json`), 'utf8')) as WeeklyReport;
}

const clashKeys = (list: ReadonlyArray<{ key: string; kind: string }>) => list.filter((f) => f.kind === 'clash').map((f) => f.key).sort();

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-report-'));
  server = await startRepoServer({ root: path.join(work, 'www') });
  config = path.join(work, 'repos.yaml');
  db = path.join(work, 'store.db');
  out = path.join(work, 'out');
}, 60_000);

afterAll(() => tearDown(work, server));

describe('repoclash report (process)', () => {
  it('two reports around a change give new / resolved / ongoing; a third says how long', async () => {
    const vendorSide = [rpm('grafana', '10.0.0', 'Grafana Labs'), rpm('tempo', '2.1.0', 'Grafana Labs'), rpm('loki', '3.0.0', 'Grafana Labs')];
    await serve([rpm('grafana', '9.0.0', 'Fedora Project'), rpm('tempo', '2.0.0', 'Fedora Project')], vendorSide);
    await writeFile(config, twoVendorConfig(server.url));
    const common = ['--config', config, '--db', db];

    expect((await repoclash(work, ['crawl', ...common])).code).toBe(0);
    const first = await repoclash(work, ['report', ...common, '--week', '2026-W10', '--out', out]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const w10 = await reportJson('2026-W10');
    expect(w10.previousWeek).toBeNull();
    expect(clashKeys(w10.new)).toEqual(['clash|p|grafana', 'clash|p|tempo']);
    expect(w10.resolved).toEqual([]);
    expect(w10.ongoing).toEqual([]);
    // No host has reported to this store: no fleet section in any format.
    expect(w10.fleet).toBeUndefined();
    for (const ext of ['txt', 'md', 'html']) expect(await readFile(path.join(out, `2026-W10.${ext}`), 'utf8')).not.toMatch(/fleet/i);

    // A host reports to the store (as `host --report-to` does): the next report has a fleet section.
    const team = Store.open({ path: testStoreLocation(db) });
    team.saveFleetReport({
      host: 'web01',
      group: 'fedora-40',
      format: 'rpm',
      reportedAt: Date.now(),
      repos: ['distro', 'vendor'],
      installed: [{ name: 'grafana', arch: 'x86_64', evr: '9.0.0-1', vendor: 'Fedora Project' }],
      risks: [{ name: 'grafana', arch: 'x86_64', kind: 'vendor-change', installedEvr: '9.0.0-1', installedVendor: 'Fedora Project', installedRepo: 'distro', targetEvr: '10.0.0-1', targetVendor: 'Grafana Labs', targetRepo: 'vendor' }],
    });
    team.close();

    // The change: the distro drops grafana and starts shipping loki; a third repo fails to fetch.
    await serve([rpm('tempo', '2.0.0', 'Fedora Project'), rpm('loki', '2.9.0', 'Fedora Project')], vendorSide);
    await writeFile(config, twoVendorConfig(server.url, '  gone:\n    vendor: Nobody\n    role: third-party\n    format: rpm\n    baseurl: http://127.0.0.1:1/nothing/\n'));
    expect((await repoclash(work, ['crawl', ...common, '--retries', '0'])).code).toBe(3);
    const second = await repoclash(work, ['report', ...common, '--week', '2026-W11', '--out', out]);
    expect(second.code).toBe(3); // partial data: the failed repo
    const w11 = await reportJson('2026-W11');
    expect(w11.previousWeek).toBe('2026-W10');
    expect(clashKeys(w11.new)).toEqual(['clash|p|loki']);
    expect(clashKeys(w11.resolved)).toEqual(['clash|p|grafana']);
    expect(clashKeys(w11.ongoing)).toEqual(['clash|p|tempo']);
    expect(w11.counts.byKind.clash).toEqual({ new: 1, resolved: 1, ongoing: 1 });
    expect(w11.ongoing.find((f) => f.key === 'clash|p|tempo')).toMatchObject({ since: '2026-W10', weeks: 1 });
    expect(w11.resolved.find((f) => f.key === 'clash|p|grafana')).toMatchObject({ since: '2026-W10', weeks: 1 });
    expect(w11.health.missing).toEqual(['gone']);
    expect(w11.health.failed.map((p) => [p.repoId, p.stillFailing])).toEqual([['gone', true]]);
    // The headline counts the warnings and errors (the clashes); info findings are a count apart.
    expect(reportHeadline(w11)).toMatch(/^1 new, 1 resolved, 1 ongoing \(warning and above\)/);
    expect(second.stdout).toContain(`2026-W11: ${reportHeadline(w11)}\n`);
    const txt = await readFile(path.join(out, '2026-W11.txt'), 'utf8');
    // The counts table counts what the headline counts: warnings and errors, info findings open beside them.
    const headline = /^(\d+) new, (\d+) resolved, (\d+) ongoing \(warning and above\), and (\d+) info/m.exec(txt);
    expect(headline).not.toBeNull();
    expect(txt).toMatch(new RegExp(`^Total\\s+${headline![1]}\\s+${headline![2]}\\s+${headline![3]}\\s+${headline![4]}$`, 'm'));
    expect(txt).toMatch(/NEW THIS WEEK \(\d+(, and \d+ info)?\)[\s\S]*loki[\s\S]*RESOLVED \(\d+(, and \d+ info)?\)[\s\S]*grafana[\s\S]*ONGOING/);
    expect(txt).toContain('since 2026-W10, 1 week ago');
    expect(txt).toMatch(/Failed fetches:\n {4}gone: still failing/);
    expect(w11.fleet?.risks.map((r) => [r.name, r.kind, r.hosts.map((h) => h.host)])).toEqual([['grafana', 'vendor-change', ['web01']]]);
    expect(txt).toContain('FLEET: 1 host in 1 group, 1 risky package on 1 host');
    expect(txt).toContain('    web01 x86_64: 9.0.0-1 (Fedora Project, repo distro) → 10.0.0-1 (Grafana Labs, repo vendor)');
    expect(await readFile(path.join(out, '2026-W11.md'), 'utf8')).toContain('| `grafana` | vendor-change | web01 | x86\\_64 |');
    expect(await readFile(path.join(out, '2026-W11.html'), 'utf8')).toContain('<h2 style="font-size:16px;margin:22px 0 8px 0;padding-bottom:4px;border-bottom:1px solid #e5e7eb">Fleet</h2>');

    // Nothing changes; a week is skipped. tempo has now been open three weeks, loki two.
    const third = await repoclash(work, ['report', ...common, '--week', '2026-W13', '--out', out]);
    expect(third.code).toBe(3);
    const w13 = await reportJson('2026-W13');
    expect(w13.previousWeek).toBe('2026-W11');
    expect(clashKeys(w13.new)).toEqual([]);
    expect(clashKeys(w13.ongoing)).toEqual(['clash|p|loki', 'clash|p|tempo']);
    expect(w13.ongoing.filter((f) => f.kind === 'clash').map((f) => [f.name, f.weeks])).toEqual([
      ['tempo', 3],
      ['loki', 2],
    ]);
    expect(w13.history.map((h) => h.week)).toEqual(['2026-W10', '2026-W11', '2026-W13']);
    expect(await readFile(path.join(out, '2026-W13.md'), 'utf8')).toContain('since 2026-W10, 3 weeks ago');

    // Re-running a week compares with the week before it again, not with itself.
    const again = await repoclash(work, ['report', ...common, '--week', '2026-W11', '--out', out]);
    expect(again.code).toBe(3);
    expect(clashKeys((await reportJson('2026-W11')).new)).toEqual(['clash|p|loki']);
    const store = Store.open({ path: testStoreLocation(db), readonly: true });
    expect(store.reports().map((r) => r.week)).toEqual(['2026-W10', '2026-W11', '2026-W11', '2026-W13']);
    store.close();
  }, 120_000);

  it('refuses bad usage with exit code 2 and writes nothing', async () => {
    const common = ['--config', config, '--db', db, '--out', path.join(work, 'nothing')];
    const noEmail = await repoclash(work, ['report', ...common, '--email']);
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toContain('--email needs a report.email section in');
    const badWeek = await repoclash(work, ['report', ...common, '--week', '2026-W60']);
    expect(badWeek.code).toBe(2);
    expect(badWeek.stderr).toContain('"2026-W60" is not an ISO week');
    const dry = await repoclash(work, ['report', ...common, '--dry-run']);
    expect(dry.code).toBe(2);
    await expect(readFile(path.join(work, 'nothing', '2026-W11.json'))).rejects.toThrow(/ENOENT/);
  }, 60_000);
});
