/**
 * The weekly series is what every report compares with, so it must not be spoiled: a report over
 * some profiles (`--profile`) is compared with the stored full report but neither replaces nor joins
 * it, and a week in the future is a usage error. Also what the report leads with: the counts that
 * need a person, and repo health before the findings, each failed repo once.
 */
import { readFile, readdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeeklyReport } from '../../src/report/weekly.js';
import { Store } from '../../src/store/index.js';
import { repoclash as runCli } from '../support/cli.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, type RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { testStoreLocation } from '../support/test-store.js';

let work: string;
let server: RepoServer;
let common: string[];
let out: string;
let db: string;

const repoclash = (args: string[]) => runCli(work, args);
const rpm = (name: string, version: string, vendor: string): RpmSpec => ({ name, version, release: '1', arch: 'x86_64', vendor, url: `https://example.org/${name}` });
const reportJson = async (week: string) => JSON.parse(await readFile(path.join(out, `${week}.json`), 'utf8')) as WeeklyReport;
const keys = (list: ReadonlyArray<{ key: string }>) => list.map((f) => f.key).sort();

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-history-'));
  // Two distributions, each clashing with the same vendor over one name.
  await buildRpmRepo({ dir: path.join(work, 'www/fedora'), rpms: [rpm('grafana', '9.0.0', 'Fedora Project')] });
  await buildRpmRepo({ dir: path.join(work, 'www/centos'), rpms: [rpm('tempo', '2.0.0', 'CentOS')] });
  await buildRpmRepo({ dir: path.join(work, 'www/vendor'), rpms: [rpm('grafana', '10.0.0', 'Grafana Labs'), rpm('tempo', '2.1.0', 'Grafana Labs')] });
  server = await startRepoServer({ root: path.join(work, 'www') });
  const config = path.join(work, 'repos.yaml');
  await writeFile(
    config,
    `repos:
  fedora: { vendor: Fedora Project, role: distro, format: rpm, baseurl: ${server.url}/fedora/ }
  centos: { vendor: CentOS, role: distro, format: rpm, baseurl: ${server.url}/centos/ }
  vendor: { vendor: Grafana Labs, role: upstream, format: rpm, baseurl: ${server.url}/vendor/ }
  gone: { vendor: Nobody, role: third-party, format: rpm, baseurl: ${server.url}/nothing/ }
profiles:
  f: { repos: [fedora, vendor], arch: x86_64 }
  c: { repos: [centos, vendor, gone], arch: x86_64 }
`,
  );
  db = path.join(work, 'store.db');
  out = path.join(work, 'reports');
  common = ['--config', config, '--db', db, '--out', out];
  expect((await repoclash(['crawl', '--config', config, '--db', db])).code).toBe(3); // gone fails
}, 120_000);

afterAll(() => tearDown(work, server));

describe('the weekly series', () => {
  it('a --profile report leaves it unchanged: the next full report does not call everything new', async () => {
    const first = await repoclash(['report', ...common, '--week', '2026-W10']);
    expect(first.code).toBe(3);
    const w10 = await reportJson('2026-W10');
    expect(keys(w10.new)).toEqual(['clash|c|tempo', 'clash|f|grafana', 'lag|c|tempo', 'lag|f|grafana']);

    // The same week again, for one profile: compared with nothing earlier, and not stored.
    const partial = await repoclash(['report', ...common, '--week', '2026-W10', '--profile', 'f']);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toContain('profiles f only: compared with the full report of no week, not stored in the weekly series');
    const stored = Store.open({ path: testStoreLocation(db), readonly: true });
    expect(stored.reports().map((r) => r.week)).toEqual(['2026-W10']);
    stored.close();

    // A partial report a week later is compared with the full one, within its profiles only.
    await repoclash(['report', ...common, '--week', '2026-W11', '--profile', 'f']);
    const fOnly = await reportJson('2026-W11');
    expect(fOnly.previousWeek).toBe('2026-W10');
    expect(keys(fOnly.ongoing)).toEqual(['clash|f|grafana', 'lag|f|grafana']);
    expect(fOnly.resolved).toEqual([]); // c's findings were not looked at: not "resolved"

    const full = await repoclash(['report', ...common, '--week', '2026-W11']);
    expect(full.code).toBe(3);
    const w11 = await reportJson('2026-W11');
    expect(w11.previousWeek).toBe('2026-W10');
    expect(w11.new).toEqual([]);
    expect(keys(w11.ongoing)).toEqual(['clash|c|tempo', 'clash|f|grafana', 'lag|c|tempo', 'lag|f|grafana']);
  });

  it('a future --week is a usage error: exit 2, one line, nothing written or stored', async () => {
    const before = await readdir(out);
    const run = await repoclash(['report', ...common, '--week', '2099-W01']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^repoclash: --week 2099-W01 is in the future \(this week is \d{4}-W\d{2}\) \(see 'repoclash report --help'\)\n$/);
    expect(await readdir(out)).toEqual(before);
    const stored = Store.open({ path: testStoreLocation(db), readonly: true });
    expect(stored.reports().map((r) => r.week)).not.toContain('2099-W01');
    stored.close();
  });
});

describe('what the report leads with', () => {
  it('the headline counts warnings and errors; repo health comes before the findings, a failed repo once', async () => {
    const run = await repoclash(['report', ...common, '--week', '2026-W12']);
    // Two clashes (warnings) need a person; the two lag findings are info: a count and a pointer.
    expect(run.stdout.split('\n')[0]).toBe('2026-W12: 0 new, 0 resolved, 2 ongoing (warning and above), and 2 info findings: 2026-W12.json lists them');
    const text = await readFile(path.join(out, '2026-W12.txt'), 'utf8');
    expect(text.indexOf('REPO HEALTH')).toBeGreaterThan(0);
    expect(text.indexOf('REPO HEALTH')).toBeLessThan(text.indexOf('NEW THIS WEEK'));
    const html = await readFile(path.join(out, '2026-W12.html'), 'utf8');
    expect(html.indexOf('Repo health')).toBeLessThan(html.indexOf('New this week'));
    // gone failed and never stored data: one entry (a failed fetch with "no data yet"), not two.
    expect(html.match(/<li[^>]*>gone\b/g)).toHaveLength(1);
    expect(html).toMatch(/<li[^>]*>gone: still failing[^<]*\(no data yet\)<\/li>/);
    expect(html).not.toContain('Never crawled');
  });
});
