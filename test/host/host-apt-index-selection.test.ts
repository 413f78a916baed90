/**
 * Which Packages indexes apt reads for a sources entry, checked against real apt 2.6 on one root:
 * a component with a path (`updates/main`) is requested exactly as written, never stripped to its
 * last segment; a security-style Release (`Components: updates/main`, files under `main/`) is read
 * through `main`; a flat repo (`./`, `sub/`) is read only when its Release lists the uncompressed
 * `Packages`, and one listing only `Packages.gz` or only `Packages.xz` is skipped without an error.
 * repoclash must request the same index files and predict the same upgrades.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostReport } from '../../src/host/types.js';
import { aptConfigForRoot, aptUpdate, aptUpgradePlan, writeDebHostRoot } from '../support/apt.js';
import { repoclash } from '../support/cli.js';
import { buildDebRepo, buildFlatDebRepo } from '../support/deb-repo.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { aptActions, disagreements, repoclashAptActions } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { tearDown } from '../support/teardown.js';

let work: string;
let server: RepoServer;
let key: GpgKey;
/** Per installed name, what real apt's `upgrade` does, and what repoclash predicts. */
let apt: Map<string, string>;
let ours: Map<string, string>;
let report: HostReport;
let exitCode: number | null;
/** Packages index paths each side fetched (compression suffix dropped). */
let aptIndexes: string[];
let ourIndexes: string[];

const NAMES = ['slashed', 'sec-by-main', 'sec-by-updates', 'flat-plain', 'flat-gz-only', 'flat-xz-only'];
const pkg = (name: string) => ({ name, version: '2.0-1' });

function indexRequests(since: number): string[] {
  const paths = server.requests.slice(since).filter((r) => r.status === 200 && /\/Packages(\.\w+)?$/.test(r.path));
  return [...new Set(paths.map((r) => r.path.replace(/\/\.\//g, '/').replace(/\.\w+$/, '')))].sort();
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-apt-index-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  const srv = path.join(work, 'srv');
  await buildDebRepo({ dir: path.join(srv, 'slash'), sign: key, suites: [{ suite: 'bookworm', components: ['updates/main'], packages: { 'updates/main': [pkg('slashed')] } }] });
  // The security archive's layout: the Release says updates/main, its files are under main/.
  for (const [dir, name] of [['sec-a', 'sec-by-main'], ['sec-b', 'sec-by-updates']] as const) {
    await buildDebRepo({ dir: path.join(srv, dir), sign: key, suites: [{ suite: 'bookworm-security', components: ['main'], releaseComponents: ['updates/main'], packages: { main: [pkg(name)] } }] });
  }
  await buildFlatDebRepo({ dir: path.join(srv, 'flat-plain/sub'), sign: key, packages: [pkg('flat-plain')], indexes: ['Packages'] });
  await buildFlatDebRepo({ dir: path.join(srv, 'flat-gz'), sign: key, packages: [pkg('flat-gz-only')], indexes: ['Packages.gz'] });
  await buildFlatDebRepo({ dir: path.join(srv, 'flat-xz'), sign: key, packages: [pkg('flat-xz-only')], indexes: ['Packages.xz'] });
  server = await startRepoServer({ root: srv });

  const root = path.join(work, 'root');
  const u = server.url;
  await writeDebHostRoot(root, {
    sources: [
      `deb ${u}/slash bookworm updates/main`,
      `deb ${u}/sec-a bookworm-security main`,
      `deb ${u}/sec-b bookworm-security updates/main`,
      `deb ${u}/flat-plain sub/`,
      `deb ${u}/flat-gz ./`,
      `deb ${u}/flat-xz ./`,
    ],
    keyring: key.publicKeyringPath,
    installed: NAMES.map((name) => ({ name, version: '1.0-1' })),
  });

  let mark = server.requests.length;
  const aptRoot = await aptConfigForRoot(root, path.join(work, 'apt-state'));
  await aptUpdate(aptRoot);
  aptIndexes = indexRequests(mark);
  apt = aptActions((await aptUpgradePlan(aptRoot)).items);

  mark = server.requests.length;
  const run = await repoclash(work, ['host', '--root', root, '--format', 'json', '--db', path.join(work, 'rc.db'), '--cache', path.join(work, 'rc-cache')]);
  exitCode = run.code;
  if (run.code !== 0 && run.code !== 1) throw new Error(`repoclash host exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
  ourIndexes = indexRequests(mark);
  report = JSON.parse(run.stdout) as HostReport;
  ours = repoclashAptActions(report, false);
}, 240_000);

afterAll(() => tearDown(work, server, key));

describe('apt index selection: component paths', () => {
  it('reads `updates/main` at dists/SUITE/updates/main/ and never falls back to main/, as apt does', () => {
    // What real apt did (the facts this rule rests on).
    expect(aptIndexes.filter((p) => !p.startsWith('/flat'))).toEqual([
      '/sec-a/dists/bookworm-security/main/binary-amd64/Packages',
      '/slash/dists/bookworm/updates/main/binary-amd64/Packages',
    ]);
    expect(apt.get('slashed')).toBe('upgrade 2.0-1');
    expect(apt.get('sec-by-main')).toBe('upgrade 2.0-1');
    expect(apt.has('sec-by-updates')).toBe(false);
    // repoclash reads the same indexes and so predicts the same.
    expect(ourIndexes.filter((p) => !p.startsWith('/flat'))).toEqual(aptIndexes.filter((p) => !p.startsWith('/flat')));
    expect(disagreements(apt, ours, ['slashed', 'sec-by-main', 'sec-by-updates'])).toEqual([]);
    expect(report.crawlNotes.some((n) => n.includes('updates/main/binary-amd64/Packages') && n.includes('not offered'))).toBe(true);
  });
});

describe('apt index selection: flat repos', () => {
  it('reads a flat repo only when its Release lists the uncompressed Packages, and skips the others with a note, not an error', () => {
    expect(aptIndexes.filter((p) => p.startsWith('/flat'))).toEqual(['/flat-plain/sub/Packages']);
    expect(apt.get('flat-plain')).toBe('upgrade 2.0-1');
    expect(apt.has('flat-gz-only')).toBe(false);
    expect(apt.has('flat-xz-only')).toBe(false);
    expect(ourIndexes.filter((p) => p.startsWith('/flat'))).toEqual(['/flat-plain/sub/Packages']);
    expect(disagreements(apt, ours, ['flat-plain', 'flat-gz-only', 'flat-xz-only'])).toEqual([]);
    // Skipped, not failed: nothing partial, and the run says why.
    expect(exitCode).toBe(0); // 3 would be partial data
    expect(report.partialData).toEqual([]);
    expect(report.crawlNotes.some((n) => n.includes('lists Packages.gz but not Packages itself'))).toBe(true);
    expect(report.crawlNotes.filter((n) => n.includes('lists no Packages index for this flat repo, so apt reads no packages from it'))).toHaveLength(2);
  });
});
