/**
 * Random dnf hosts for the differential test (test/host/dnf-differential.test.ts): from one seed,
 * 2–4 repos drawn from a fixed pool of tiny rpms (names × EVRs with epochs, `~`, `^`, release
 * tags; three vendors; an x86_64/noarch name; a renamed package whose successor obsoletes it; a
 * kernel), each with random `priority=`, `cost=`, `excludepkgs=` / `includepkgs=` globs and
 * `enabled=`; dnf.conf [main] options (best, allow_vendor_change, installonlypkgs, exclude);
 * sometimes a versionlock list; and an installed set (versions some repo carries, under their
 * own vendor or another, and versions no repo carries, older and newer). Generation is pure: the
 * same seed gives the same host, and `describeHost` prints it so a failure can be read and replayed.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HostReport } from '../../src/host/types.js';
import type { Winner } from '../../src/store/index.js';
import { dnfUpgradePlan, seedInstalled, type DnfContext, type DnfPlan } from './dnf.js';
import { formatEvr, parseEvr } from '../../src/formats/rpm/version.js';
import { disagreements, dnfPlanLines, hostReportOfRoot, planDisagreements, repoclashPlanLines } from './host-compare.js';
import type { RepoServer } from './http-server.js';
import { buildRpmRepo, buildRpms, type RpmSpec } from './rpm-repo.js';
import { chance, pick, seededRandom, type Random } from './seeded-random.js';
import { openStoreByLabel, testStoreLocation } from './test-store.js';

const canonEvr = (evr: string): string => formatEvr(parseEvr(evr));

export const FUZZ_VENDORS = ['Fedora Project', 'Copr', 'ACME'] as const;

interface Evr {
  epoch?: number;
  version: string;
  release: string;
}

/** Versions repos carry: an epoch that beats every plain one, pre-releases (~), snapshots (^), dist tags. */
const REPO_EVRS: readonly Evr[] = [
  { version: '1.0~rc1', release: '1' },
  { version: '1.0', release: '1' },
  { version: '1.0', release: '1.el9' },
  { version: '1.0', release: '2.fc40' },
  { version: '1.0^20240101git', release: '1' },
  { version: '1.1', release: '1' },
  { version: '2.0', release: '1' },
  { epoch: 1, version: '0.9', release: '1' },
];

/** Versions only installed packages have: older than every repo's, newer, a local rebuild. */
const LOCAL_EVRS: readonly Evr[] = [
  { version: '0.5', release: '1' },
  { version: '9.9', release: '1' },
  { version: '1.0', release: '1.local' },
];

/** The pool's names. `lib-new` obsoletes `lib-old < 3` (a rename); `kernel` is install-only by dnf's default (and `kmod`, added by addLaterDraws, by its provide). */
export const FUZZ_NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'kernel', 'lib-old', 'lib-new'] as const;

/** Glob patterns for excludepkgs / includepkgs / exclude, some with versions (dnf matches NEVRA globs). */
const PATTERNS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'kernel', 'lib-old', 'lib-new', 'b*', 'ch?rlie', 'lib-*', '*a', 'alpha-1.0*', 'delta-2.0-1', 'echo-1.1-1.noarch', 'kernel-1*'];

function specOf(name: string, evr: Evr, vendor: string): RpmSpec {
  // echo is built for x86_64 in some versions and noarch in others: dnf moves between them.
  const arch = name === 'echo' && (evr.version.startsWith('1.1') || evr.epoch !== undefined) ? 'noarch' : 'x86_64';
  const spec: RpmSpec = { name, version: evr.version, release: evr.release, vendor, arch };
  if (evr.epoch !== undefined) spec.epoch = evr.epoch;
  if (name === 'lib-new') spec.obsoletes = ['lib-old < 3'];
  return spec;
}

export interface FuzzRepo {
  id: string;
  enabled: boolean;
  priority?: number;
  cost?: number;
  excludepkgs: string[];
  includepkgs: string[];
  rpms: RpmSpec[];
}

export interface FuzzHost {
  seed: number;
  repos: FuzzRepo[];
  /** dnf.conf [main] lines besides the driver's defaults. */
  main: Record<string, string>;
  /** versionlock.list lines (the plugin enabled) or null (no plugin configuration at all). */
  versionlock: string[] | null;
  installed: RpmSpec[];
}

const evrText = (s: RpmSpec): string => `${s.epoch !== undefined ? `${s.epoch}:` : ''}${s.version}-${s.release}`;
const lockEvr = (s: RpmSpec): string => `${s.epoch ?? 0}:${s.version}-${s.release}`;

function randomRepo(random: Random, id: string): FuzzRepo {
  const vendor = pick(random, FUZZ_VENDORS);
  const rpms: RpmSpec[] = [];
  for (const name of FUZZ_NAMES) {
    if (!chance(random, 0.6)) continue;
    const evrs = new Set<Evr>();
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++) evrs.add(pick(random, REPO_EVRS));
    // Mostly the repo's own vendor, sometimes another's build (a rebuild, a mirrored package).
    for (const evr of evrs) rpms.push(specOf(name, evr, chance(random, 0.15) ? pick(random, FUZZ_VENDORS) : vendor));
  }
  const patterns = (p: number): string[] => (chance(random, p) ? [...new Set([pick(random, PATTERNS), ...(chance(random, 0.4) ? [pick(random, PATTERNS)] : [])])] : []);
  const repo: FuzzRepo = { id, enabled: !chance(random, 0.12), excludepkgs: patterns(0.3), includepkgs: patterns(0.12), rpms };
  const priority = pick(random, [undefined, undefined, 10, 20, 50, 99]);
  const cost = pick(random, [undefined, undefined, 500, 2000]);
  if (priority !== undefined) repo.priority = priority;
  if (cost !== undefined) repo.cost = cost;
  return repo;
}

function randomInstalled(random: Random, repos: readonly FuzzRepo[]): RpmSpec[] {
  const installed: RpmSpec[] = [];
  const carried = repos.flatMap((r) => r.rpms);
  for (const name of FUZZ_NAMES) {
    if (!chance(random, name === 'lib-old' ? 0.8 : 0.6)) continue;
    // Never both names of the rename: rpm removes what an installed package obsoletes, and a
    // leftover lib-old next to lib-new makes dnf's distro-sync unsolvable (lib-old's repo
    // versions are obsoleted by the installed lib-new), a state no upgrade leaves behind.
    if (name === 'lib-new' && installed.some((s) => s.name === 'lib-old')) continue;
    const ofName = carried.filter((s) => s.name === name);
    if (ofName.length > 0 && chance(random, 0.65)) {
      const s = pick(random, ofName);
      // The same version under another vendor: a rebuild installed from elsewhere.
      installed.push(chance(random, 0.25) ? { ...s, vendor: pick(random, FUZZ_VENDORS) } : s);
    } else {
      installed.push(specOf(name, pick(random, chance(random, 0.5) ? LOCAL_EVRS : REPO_EVRS), pick(random, FUZZ_VENDORS)));
    }
  }
  return installed;
}

function randomLocks(random: Random, repos: readonly FuzzRepo[], installed: readonly RpmSpec[]): string[] {
  const lines: string[] = [];
  const known = [...installed, ...repos.flatMap((r) => r.rpms)];
  const count = 1 + Math.floor(random() * 2);
  for (let i = 0; i < count && known.length > 0; i++) {
    const s = pick(random, known);
    lines.push(`${chance(random, 0.25) ? '!' : ''}${s.name}-${lockEvr(s)}.*`);
  }
  return lines;
}

/** The host a seed describes. */
export function generateDnfHost(seed: number): FuzzHost {
  const random = seededRandom(seed);
  const repos = Array.from({ length: 2 + Math.floor(random() * 3) }, (_, i) => randomRepo(random, `r${i + 1}`));
  if (!repos.some((r) => r.enabled)) repos[0]!.enabled = true;
  const main: Record<string, string> = {};
  main['best'] = pick(random, ['False', 'True']);
  if (chance(random, 0.3)) main['allow_vendor_change'] = 'False';
  if (chance(random, 0.2)) main['installonlypkgs'] = pick(random, ['alpha', 'bravo', 'lib-old']);
  if (chance(random, 0.2)) main['exclude'] = pick(random, PATTERNS);
  const installed = randomInstalled(random, repos);
  const versionlock = chance(random, 0.25) ? randomLocks(random, repos, installed) : null;
  const host = { seed, repos, main, versionlock, installed };
  addLaterDraws(seededRandom(seed ^ 0x5eed5eed), host);
  return host;
}

/** `kmod` is install-only through its provide, as kernel modules are (dnf's default installonlypkg(kernel-module)). */
const KMOD_PROVIDES = ['installonlypkg(kernel-module)'];

/**
 * Draws added after the first findings were fixed, from a second random stream, so the hosts the
 * commits' seeds name stay as they were: an install-only package by provide (kmod), [main]
 * `includepkgs=` / `excludepkgs=`, a second installed kernel.
 */
function addLaterDraws(random: Random, host: FuzzHost): void {
  for (const repo of host.repos) {
    if (!chance(random, 0.3)) continue;
    const vendor = repo.rpms[0]?.vendor ?? pick(random, FUZZ_VENDORS);
    for (const evr of new Set([pick(random, REPO_EVRS), pick(random, REPO_EVRS)])) repo.rpms.push({ ...specOf('kmod', evr, vendor), provides: KMOD_PROVIDES });
  }
  if (chance(random, 0.3)) {
    const carried = host.repos.flatMap((r) => r.rpms.filter((s) => s.name === 'kmod'));
    host.installed.push(carried.length > 0 && chance(random, 0.6) ? pick(random, carried) : { ...specOf('kmod', pick(random, LOCAL_EVRS), pick(random, FUZZ_VENDORS)), provides: KMOD_PROVIDES });
  }
  if (chance(random, 0.1)) host.main['includepkgs'] = [...new Set([pick(random, PATTERNS), pick(random, PATTERNS), 'kmod'])].join(',');
  if (chance(random, 0.1)) host.main['excludepkgs'] = pick(random, PATTERNS);
  const kernel = host.installed.find((s) => s.name === 'kernel');
  if (kernel && chance(random, 0.3)) {
    const other = specOf('kernel', pick(random, [...REPO_EVRS, ...LOCAL_EVRS]), kernel.vendor ?? pick(random, FUZZ_VENDORS));
    if (evrText(other) !== evrText(kernel)) host.installed.push(other);
  }
}

/** The host in a few lines: what to read when the comparison fails. */
export function describeHost(host: FuzzHost): string {
  const pkg = (s: RpmSpec): string => `${s.name}-${evrText(s)}.${s.arch ?? 'noarch'} (${s.vendor ?? 'no vendor'})`;
  const lines = [`seed ${host.seed}`];
  for (const r of host.repos) {
    const opts = [r.enabled ? 'enabled' : 'DISABLED', r.priority !== undefined ? `priority=${r.priority}` : '', r.cost !== undefined ? `cost=${r.cost}` : '', r.excludepkgs.length ? `excludepkgs=${r.excludepkgs.join(',')}` : '', r.includepkgs.length ? `includepkgs=${r.includepkgs.join(',')}` : ''].filter(Boolean);
    lines.push(`  [${r.id}] ${opts.join(' ')}: ${r.rpms.map(pkg).join(', ') || '(empty)'}`);
  }
  lines.push(`  dnf.conf: ${Object.entries(host.main).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (host.versionlock) lines.push(`  versionlock: ${host.versionlock.join(' ')}`);
  lines.push(`  installed: ${host.installed.map(pkg).join(', ') || '(nothing)'}`);
  return lines.join('\n');
}

/** The root's one .repo file, as an admin writes it (enabled= included: disabled repos stay in the file). */
export function fuzzRepoFileText(host: FuzzHost, baseurl: (repo: FuzzRepo) => string): string {
  return host.repos
    .map((r) => {
      const lines = [`[${r.id}]`, `name=${r.id}`, `baseurl=${baseurl(r)}`, `enabled=${r.enabled ? 1 : 0}`, 'gpgcheck=0', 'repo_gpgcheck=0'];
      if (r.priority !== undefined) lines.push(`priority=${r.priority}`);
      if (r.cost !== undefined) lines.push(`cost=${r.cost}`);
      if (r.excludepkgs.length) lines.push(`excludepkgs=${r.excludepkgs.join(',')}`);
      if (r.includepkgs.length) lines.push(`includepkgs=${r.includepkgs.join(',')}`);
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

/** Where Debian's dnf-plugins-core installs the versionlock plugin. */
const VERSIONLOCK_PLUGIN = '/usr/lib/python3/dist-packages/dnf-plugins/versionlock.py';

/**
 * Write the root's configuration (yum.repos.d, versionlock) and return the dnf context that makes
 * real dnf read exactly it: the root's own repo file, dnf.conf's [main] options (the driver writes
 * dnf.conf), and — with a lock list — only the versionlock plugin, pointed at the root's list
 * (the plugin does not take its locklist path under --installroot).
 */
export async function writeFuzzRoot(host: FuzzHost, root: string, work: string, baseurl: (repo: FuzzRepo) => string): Promise<DnfContext> {
  await mkdir(path.join(root, 'etc/yum.repos.d'), { recursive: true });
  await writeFile(path.join(root, 'etc/yum.repos.d/fuzz.repo'), fuzzRepoFileText(host, baseurl));
  const ctx: DnfContext = { installroot: root, repos: [], ownRepoFiles: true, mainOptions: host.main };
  if (host.versionlock === null) return ctx;
  const list = path.join(root, 'etc/dnf/plugins/versionlock.list');
  await mkdir(path.dirname(list), { recursive: true });
  await writeFile(path.join(root, 'etc/dnf/plugins/versionlock.conf'), '[main]\nenabled = 1\nlocklist = /etc/dnf/plugins/versionlock.list\n');
  await writeFile(list, host.versionlock.join('\n') + '\n');
  const pluginDir = path.join(work, 'dnf-plugins');
  const pluginConf = path.join(work, `dnf-plugin-conf-${path.basename(root)}`);
  await mkdir(pluginDir, { recursive: true });
  await mkdir(pluginConf, { recursive: true });
  await symlink(VERSIONLOCK_PLUGIN, path.join(pluginDir, 'versionlock.py')).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  await writeFile(path.join(pluginConf, 'versionlock.conf'), `[main]\nenabled = 1\nlocklist = ${list}\n`);
  return { ...ctx, plugins: true, setopts: { pluginpath: pluginDir, pluginconfpath: pluginConf } };
}

/**
 * `dnf distro-sync`'s plan, or null where dnf refuses it as documented (the README, `host`): with
 * allow_vendor_change=False dnf 4.14 says the option is "not supported for downgrade and
 * distro-sync commands" and fails the whole transaction ("X does not belong to a distupgrade
 * repository", --skip-broken or not) as soon as an installed package's name is carried by enabled
 * repos only from other vendors. There is no plan to compare then; `dnf upgrade` still is.
 */
async function distroSyncPlan(host: FuzzHost, ctx: DnfContext): Promise<DnfPlan | null> {
  try {
    return await dnfUpgradePlan({ ...ctx, command: 'distro-sync' });
  } catch (e) {
    if (host.main['allow_vendor_change'] === 'False' && String(e).includes('does not belong to a distupgrade repository')) return null;
    throw e;
  }
}

/** Both commands' plans from real dnf and repoclash's report for one host, and where they differ. */
export interface FuzzComparison {
  upgrade: Map<string, string>;
  /** null: dnf refused the distro-sync (see distroSyncPlan). */
  sync: Map<string, string> | null;
  report: HostReport;
  /** `upgrade NAME: package manager …, repoclash …` / `distro-sync …` lines; empty when they agree. */
  wrong: string[];
}

/**
 * Build the host (its repos under the server's root at s<seed>/<repo>, its root at
 * WORK/root-<seed>), ask real dnf for `upgrade` and `distro-sync` and repoclash for its report,
 * and compare them name by name.
 */
export async function compareFuzzHost(host: FuzzHost, work: string, server: RepoServer): Promise<FuzzComparison> {
  const srv = path.join(server.root, `s${host.seed}`);
  for (const repo of host.repos) await buildRpmRepo({ dir: path.join(srv, repo.id), rpms: repo.rpms });
  const root = path.join(work, `root-${host.seed}`);
  await seedInstalled(root, await buildRpms(host.installed, path.join(work, `installed-${host.seed}`)));
  const baseurl = (repo: FuzzRepo): string => `${server.url}/s${host.seed}/${repo.id}/`;
  const ctx = await writeFuzzRoot(host, root, work, baseurl);
  const upgradePlan = await dnfUpgradePlan({ ...ctx, command: 'upgrade' });
  const syncPlan = await distroSyncPlan(host, ctx);
  const { report } = await hostReportOfRoot(work, root, `store-${host.seed}`);
  const upgrade = dnfPlanLines(upgradePlan);
  const sync = syncPlan === null ? null : dnfPlanLines(syncPlan);
  const wrong = [
    ...planDisagreements(upgrade, repoclashPlanLines(report, false)).map((l) => `upgrade ${l}`),
    ...(sync === null ? [] : planDisagreements(sync, repoclashPlanLines(report, true)).map((l) => `distro-sync ${l}`)),
  ];
  const winners = await winnerDisagreements(host, work, baseurl, path.join(work, `store-${host.seed}.db`), root);
  return { upgrade, sync, report, wrong: [...wrong, ...winners] };
}

/**
 * The winners `host` stored for the root (its `system@root:ROOT` profile) against what real dnf
 * installs for each name in an empty installroot with the same configuration: one `dnf install
 * --assumeno` of every name with a winner (strict=False, so a name dnf cannot install is left
 * out, not the whole transaction). lib-old is not asked: `dnf install NAME` of a name another
 * package obsoletes installs the obsoleter instead, while a winner is the best package of the name.
 */
async function winnerDisagreements(host: FuzzHost, work: string, baseurl: (repo: FuzzRepo) => string, storeFile: string, root: string): Promise<string[]> {
  const store = openStoreByLabel({ path: testStoreLocation(storeFile), readonly: true });
  const profile = `system@root:${root}`;
  let stored: Winner[];
  try {
    // A wrong profile name would compare nothing and pass.
    if (store.winnerInputs(profile) === null) throw new Error(`no winners recorded under ${profile} in ${storeFile}`);
    stored = store.currentWinners(profile);
  } finally {
    store.close();
  }
  const ours = new Map(stored.filter((w) => w.name !== 'lib-old').map((w) => [w.name, `${canonEvr(w.evr)} @${w.repoId}`]));
  if (ours.size === 0) return [];
  const fresh = path.join(work, `fresh-${host.seed}`);
  await seedInstalled(fresh, []);
  const ctx = await writeFuzzRoot(host, fresh, work, baseurl);
  const plan = await dnfUpgradePlan({ ...ctx, command: 'install', names: [...ours.keys()], setopts: { ...ctx.setopts, strict: 'False' } });
  const dnf = new Map(plan.items.filter((i) => i.action === 'install').map((i) => [i.name, `${canonEvr(i.toEvr)} @${i.repo}`]));
  return disagreements(dnf, ours, [...ours.keys()].sort()).map((l) => `winner ${l}`);
}
