/**
 * One random apt world (test/support/random-apt-world.ts) built, served and put to both sides:
 * real apt (apt-cache policy with and without the dpkg status, apt-get -s upgrade and
 * dist-upgrade, in a private state directory, offline but for the repos) and `repoclash host
 * --root` (its report, and the winners it stored for the host's profile, `system@root:ROOT`). The result is
 * one line per disagreement, in the same words for every seed, so a failure names the seed, the
 * package and both answers.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compareDebVersions } from '../../src/formats/deb/version.js';
import { Store } from '../../src/store/index.js';
import type { HostReport, HostRisk } from '../../src/host/types.js';
import { aptCache, aptConfigForRoot, aptUpdate, aptUpgradePlan, parseAptPolicy, writeDebHostRoot, type AptPlan, type AptPolicy, type AptRoot } from './apt.js';
import { buildDebRepo } from './deb-repo.js';
import { makeThrowawayKey, type GpgKey } from './gpg.js';
import { startRepoServer, type RepoServer } from './http-server.js';
import { repoclash } from './cli.js';
import { hostReportOfRoot } from './host-compare.js';
import type { AptWorld, WorldHost } from './random-apt-world.js';
import { HOST_REPOS_ONLY_CONFIG } from './repos-yaml.js';
import { testStoreLocation } from './test-store.js';

/** Where worlds are built and served: a work directory, one throwaway signing key, one server over WORK/srv. */
export interface WorldSite {
  work: string;
  key: GpgKey;
  server: RepoServer;
}

export async function startWorldSite(prefix: string): Promise<WorldSite> {
  const work = await mkdtemp(path.join(os.tmpdir(), prefix));
  const key = await makeThrowawayKey(path.join(work, 'key'));
  const server = await startRepoServer({ root: path.join(work, 'srv') });
  return { work, key, server };
}

/** Build the world's repos on the site and compare each of its hosts with real apt (compareHost). */
export async function compareWorld(site: WorldSite, world: AptWorld): Promise<HostComparison[]> {
  await buildWorldRepos(world, path.join(site.work, 'srv'), site.key);
  const out: HostComparison[] = [];
  for (const host of world.hosts) out.push(await compareHost(world, host, path.join(site.work, `s${world.seed}`), site.server.url, site.key));
  return out;
}

/** Build and sign every repo of the world under `srv/s<seed>/`, served by a server rooted at `srv`. */
export async function buildWorldRepos(world: AptWorld, srv: string, key: GpgKey): Promise<void> {
  for (const repo of world.repos) await buildDebRepo({ dir: path.join(srv, `s${world.seed}`, repo.dir), suites: [repo.suite], sign: key });
}

/** http://SITE:PORT/s<seed>/rN: the repo's location as the host's sources name it. */
function repoUri(world: AptWorld, index: number, serverUrl: string): string {
  const repo = world.repos[index]!;
  return `${serverUrl.replace('127.0.0.1', repo.site)}/s${world.seed}/${repo.dir}`;
}

/** One `apt-cache policy` call for many names, split per package. */
async function policies(apt: AptRoot, names: readonly string[], extra: readonly string[] = []): Promise<Map<string, AptPolicy>> {
  const r = await aptCache(apt, [...extra, 'policy', ...names]);
  if (r.code !== 0) throw new Error(`apt-cache policy failed (${r.code}):\n${r.stderr}`);
  const out = new Map<string, AptPolicy>();
  for (const chunk of r.stdout.split(/^(?=\S+:$)/m)) {
    const name = /^(\S+):$/m.exec(chunk)?.[1];
    if (name !== undefined) out.set(name, parseAptPolicy(chunk));
  }
  return out;
}

interface AptSide {
  /** Candidates with the host's dpkg status, and with an empty one (what stored winners are). */
  withStatus: Map<string, AptPolicy>;
  bare: Map<string, AptPolicy>;
  plan: AptPlan;
  fullPlan: AptPlan;
}

async function askApt(root: string, stateDir: string, names: readonly string[]): Promise<AptSide> {
  const apt = await aptConfigForRoot(root, stateDir);
  await aptUpdate(apt);
  const empty = path.join(stateDir, 'empty-status');
  await writeFile(empty, '');
  const noCaches = ['-o', 'Dir::Cache::pkgcache=', '-o', 'Dir::Cache::srcpkgcache='];
  return {
    withStatus: await policies(apt, names, noCaches),
    bare: await policies(apt, names, [...noCaches, '-o', `Dir::State::status=${empty}`]),
    plan: await aptUpgradePlan(apt),
    fullPlan: await aptUpgradePlan(apt, { full: true }),
  };
}

async function writeHostConfig(dir: string): Promise<string> {
  const config = path.join(dir, 'host-repos-only.yaml');
  await writeFile(config, HOST_REPOS_ONLY_CONFIG);
  return config;
}

/** Whether that version of the name, in a repo the host reads, Depends on a name the host has not installed. */
function dependsOnUninstalled(world: AptWorld, host: WorldHost, name: string, evr: string): boolean {
  const installed = new Set(host.installed.map((e) => e.name));
  const specs = host.sources.flatMap((i) => Object.values(world.repos[i]!.suite.packages).flat()).filter((p) => p.name === name && p.version === evr);
  return specs.some((p) => (p.depends ?? []).some((d) => d.split('|').some((alt) => !installed.has(alt.trim().split(/[\s(]/)[0]!))));
}

/** A version's sources in the policy that are package indexes (not the dpkg status file). */
const repoSources = (v: AptPolicy['versions'][number]) => v.sources.filter((s) => / Packages$/.test(s.source));

/**
 * What apt does to an installed package, in the words repoclash's host actions compare in:
 * `upgrade V` / `downgrade V` (what apt-get -s installs), `kept-back`, else from its policy:
 * `stranded` (no repo carries it, or every usable repo version is lower), `blocked` (repos carry
 * it and apt has no candidate), `none`.
 */
function aptVerdict(name: string, plan: AptPlan, policy: AptPolicy | undefined, installed: string): string {
  const item = plan.items.find((i) => i.name === name && (i.action === 'upgrade' || i.action === 'downgrade'));
  if (item) return `${item.action} ${item.toVersion}`;
  if (plan.keptBack.includes(name)) return 'kept-back';
  const offers = (policy?.versions ?? []).filter((v) => repoSources(v).length > 0);
  if (offers.length === 0) return 'stranded';
  if (policy?.candidate === null) return 'blocked';
  // repoclash's `stranded`: every offer no pin excludes (priority ≥ 0) is lower than the installed version.
  const usable = offers.filter((v) => v.priority >= 0);
  if (usable.length > 0 && usable.every((v) => compareDebVersions(v.version, installed) < 0)) return 'stranded';
  return 'none';
}

function repoclashVerdict(p: HostRisk | undefined, sync: boolean): string {
  if (p === undefined) return 'none';
  const action = sync ? p.syncAction : p.action;
  const to = sync ? p.syncTo : p.to;
  if (action === 'upgrade' || action === 'vendor-change') return `upgrade ${to!.evr}`;
  if (action === 'downgrade') return `downgrade ${to!.evr}`;
  return action;
}

export interface HostComparison {
  disagreements: string[];
  /** How many verdicts were compared (winners + upgrade + full-upgrade + vendor checks). */
  compared: number;
  /** Null when apt refused the configuration (and so should repoclash). */
  report: HostReport | null;
}

/**
 * The vendor repoclash should name for an upgrade: the Origin (else Label) of the repos apt gives
 * the new version's highest file priority, against those carrying the installed version. Null
 * when that is not one answer (repos without either field, or top repos of several vendors).
 */
function expectedVendorChange(world: AptWorld, host: WorldHost, serverUrl: string, policy: AptPolicy, installed: string, target: string): boolean | null {
  const vendorOf = (source: string): string | null => {
    const index = host.sources.find((i) => source.startsWith(repoUri(world, i, serverUrl) + ' '));
    if (index === undefined) return null;
    const s = world.repos[index]!.suite;
    return s.origin ?? s.label ?? null;
  };
  const to = policy.versions.find((v) => v.version === target);
  const from = policy.versions.find((v) => v.version === installed);
  if (!to) return null;
  const toSources = repoSources(to);
  const top = Math.max(...toSources.map((s) => s.priority));
  const toVendors = new Set(toSources.filter((s) => s.priority === top).map((s) => vendorOf(s.source)));
  const fromVendors = new Set((from ? repoSources(from) : []).map((s) => vendorOf(s.source)));
  if (toVendors.has(null) || fromVendors.has(null) || toVendors.size !== 1) return null;
  if (fromVendors.size === 0) return false;
  return ![...toVendors].some((v) => fromVendors.has(v));
}

/**
 * Build the host's root, ask real apt and repoclash, and list every disagreement: per name in the
 * host's repos the stored winner against apt's candidate with nothing installed; per installed
 * package the upgrade and full-upgrade verdicts; per upgrade whether it is a vendor change.
 */
export async function compareHost(world: AptWorld, host: WorldHost, work: string, serverUrl: string, key: GpgKey): Promise<HostComparison> {
  const dir = path.join(work, host.label);
  const root = path.join(dir, 'root');
  await mkdir(dir, { recursive: true });
  await writeDebHostRoot(root, {
    sources: host.sources.map((i) => `deb ${repoUri(world, i, serverUrl)} ${world.repos[i]!.suite.suite} ${world.repos[i]!.suite.components.join(' ')}`),
    keyring: key.publicKeyringPath,
    installed: host.installed,
    preferences: host.preferences,
    ...(host.defaultRelease !== null ? { files: { 'etc/apt/apt.conf.d/01default-release': `APT::Default-Release "${host.defaultRelease}";\n` } } : {}),
  });
  const repoNames = new Set(host.sources.flatMap((i) => Object.values(world.repos[i]!.suite.packages).flat().map((p) => p.name)));
  const names = [...new Set([...repoNames, ...host.installed.map((e) => e.name)])].sort();
  let apt: AptSide;
  try {
    apt = await askApt(root, path.join(dir, 'apt-state'), names);
  } catch (err) {
    // apt refuses this configuration (a zero Pin-Priority, a Default-Release no source has): so
    // must repoclash, with an error (exit 2), rather than predict what apt will never do.
    const refusal = /^E: .*$/m.exec(String(err))?.[0];
    if (refusal === undefined) throw err;
    const run = await repoclash(dir, ['host', '--root', root, '--format', 'json', '--config', await writeHostConfig(dir), '--db', path.join(dir, 'store.db'), '--cache', path.join(dir, 'cache')]);
    const agrees = run.code === 2;
    return { disagreements: agrees ? [] : [`apt refuses (${refusal}), repoclash exits ${run.code}`], compared: 1, report: null };
  }
  const { report } = await hostReportOfRoot(dir, root);
  const out: string[] = [];
  let compared = 0;

  const store = Store.open({ path: testStoreLocation(path.join(dir, 'store.db')) });
  let winners: Map<string, string>;
  try {
    winners = new Map(store.currentWinners(`system@root:${path.resolve(root)}`).map((w) => [w.name, w.evr]));
  } finally {
    store.close();
  }
  for (const name of [...repoNames].sort()) {
    compared++;
    const aptCandidate = apt.bare.get(name)?.candidate ?? null;
    const ours = winners.get(name) ?? null;
    if (aptCandidate !== ours) out.push(`${name}: winner (nothing installed): apt ${aptCandidate ?? 'none'}, repoclash ${ours ?? 'none'}`);
  }

  const byName = new Map(report.packages.map((p) => [p.name, p]));
  for (const inst of host.installed) {
    const policy = apt.withStatus.get(inst.name);
    for (const [sync, plan, command] of [[false, apt.plan, 'upgrade'], [true, apt.fullPlan, 'dist-upgrade']] as const) {
      compared++;
      const expected = aptVerdict(inst.name, plan, policy, inst.version);
      const got = repoclashVerdict(byName.get(inst.name), sync);
      // Not modelled (docs/commands/host.md): `host` reads only the installed names' versions, so
      // full-upgrade's verdict takes a Depends on a name that is not installed as installable,
      // whatever that name's candidate is. Where the new version has one, skip the column.
      if (sync && expected !== got && /^(upgrade|downgrade) /.test(got) && dependsOnUninstalled(world, host, inst.name, got.split(' ')[1]!)) continue;
      if (expected !== got) out.push(`${inst.name} ${inst.version}: ${command}: apt ${expected}, repoclash ${got}`);
    }
    const p = byName.get(inst.name);
    if (policy && p && (p.action === 'upgrade' || p.action === 'vendor-change') && p.to) {
      const expected = expectedVendorChange(world, host, serverUrl, policy, inst.version, p.to.evr);
      if (expected !== null) {
        compared++;
        if (expected !== (p.action === 'vendor-change')) out.push(`${inst.name} ${inst.version}: upgrade to ${p.to.evr}: apt's sources say ${expected ? '' : 'no '}vendor change, repoclash says ${p.action} (to ${p.to.vendor})`);
      }
    }
  }
  return { disagreements: out, compared, report };
}
