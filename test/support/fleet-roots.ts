/**
 * A generated fleet of host roots for the fleet test: one package set per format (a distribution
 * and three vendors, names shipped by both with versions above and below the distribution's),
 * built once, and N roots drawn from a seeded random that differ in which repos they enable, their
 * priorities / pins, excludes, and which version of which vendor is installed. Each root is laid
 * out as `repoclash host --root` reads a real host (rpm: an rpmdb made by `rpm --initdb` + `rpm -i`
 * of the real packages, etc/yum.repos.d, etc/dnf/dnf.conf; deb: var/lib/dpkg/status,
 * etc/apt/sources.list, etc/apt/preferences, a trusted key) and decided by the real package
 * manager (`dnf --assumeno upgrade` in the installroot, `apt-get -s upgrade` with a private
 * Dir::State), offline against the loopback server.
 */
import path from 'node:path';
import { aptConfigForRoot, aptUpdate, aptUpgradePlan, debSourceLine, writeDebHostRoot, type AptPlan } from './apt.js';
import { buildDebRepo, type DebSpec, type DebSuite } from './deb-repo.js';
import { dnfUpgradePlan, seedInstalled, type DnfContext, type DnfPlan, type DnfRepo } from './dnf.js';
import type { GpgKey } from './gpg.js';
import { buildRpmRepo, buildRpms, type RpmSpec } from './rpm-repo.js';
import { chance, pick, type Random } from './seeded-random.js';

export type RiskKind = 'vendor-change' | 'downgrade';

/** One (host, package, kind) the package manager says the next upgrade brings. */
export interface ExpectedRisk {
  host: string;
  name: string;
  kind: RiskKind;
  /** Where the package manager takes it (its own spelling: dnf's EVR, apt's version). */
  evr: string;
}

/** Names every vendor may ship: the clash candidates. */
export const FLEET_NAMES = ['grafana', 'nginx', 'nodejs', 'redis', 'mariadb', 'php', 'zabbix', 'haproxy', 'docker', 'postgresql'] as const;

interface VendorDef {
  /** Repo directory and id. */
  key: string;
  /** rpm: the packages' Vendor header. */
  vendor: string;
  /** deb: the Release's Origin (one word, as `Pin: release o=` takes it). */
  origin: string;
}

const DISTRO: VendorDef = { key: 'distro', vendor: 'Distro Project', origin: 'Distro' };
const VENDORS: readonly VendorDef[] = [
  { key: 'acme', vendor: 'Acme Inc', origin: 'Acme' },
  { key: 'beta', vendor: 'Beta Labs', origin: 'Beta' },
  { key: 'gamma', vendor: 'Gamma Corp', origin: 'Gamma' },
];

/** One built version of a name, and the repo that ships it (null: installed-only, an old build no repo carries). */
interface Build {
  name: string;
  version: string;
  /** rpm release / deb revision suffix; unique per vendor so a version string names its vendor. */
  release: string;
  vendor: string;
  repo: string | null;
}

/** The package set of one format: per name, every build; per repo, its builds. */
export interface PackageSet {
  builds: Build[];
  repos: Map<string, Build[]>;
}

/**
 * Per name: the distribution's base version, an update above it (often), each vendor's version
 * (sometimes; above or below the distribution's), and an old distribution build no repo carries.
 */
export function generatePackageSet(random: Random, format: 'rpm' | 'deb'): PackageSet {
  const builds: Build[] = [];
  const rel = (key: string) => (format === 'rpm' ? `1.${key}` : key === DISTRO.key ? '1' : `1${key}1`);
  for (const name of FLEET_NAMES) {
    const base = 2 + Math.floor(random() * 8);
    builds.push({ name, version: `${base}.0`, release: rel(DISTRO.key), vendor: DISTRO.vendor, repo: 'distro' });
    if (chance(random, 0.6)) builds.push({ name, version: `${base}.2`, release: rel(DISTRO.key), vendor: DISTRO.vendor, repo: 'distro-updates' });
    builds.push({ name, version: `${base - 1}.0`, release: rel(DISTRO.key), vendor: DISTRO.vendor, repo: null });
    for (const v of VENDORS) {
      if (!chance(random, 0.55)) continue;
      builds.push({ name, version: pick(random, [`${base - 1}.5`, `${base}.1`, `${base}.4`, `${base + 1}.0`]), release: rel(v.key), vendor: v.vendor, repo: v.key });
    }
  }
  const repos = new Map<string, Build[]>();
  for (const b of builds) if (b.repo !== null) repos.set(b.repo, [...(repos.get(b.repo) ?? []), b]);
  return { builds, repos };
}

const rpmSpec = (b: Build): RpmSpec => ({ name: b.name, version: b.version, release: b.release, vendor: b.vendor });
const debVersion = (b: Build): string => `${b.version}-${b.release}`;

// ------------------------------------------------------------------ rpm -------------------------

/** The built rpm side: repos under `srv/rpm/ID`, every build's .rpm for seeding installroots. */
export interface RpmWorld {
  set: PackageSet;
  rpmPath: Map<Build, string>;
}

export async function buildRpmWorld(set: PackageSet, srv: string, work: string): Promise<RpmWorld> {
  for (const [id, builds] of set.repos) await buildRpmRepo({ dir: path.join(srv, 'rpm', id), rpms: builds.map(rpmSpec) });
  const paths = await buildRpms(set.builds.map(rpmSpec), path.join(work, 'all-rpms'));
  return { set, rpmPath: new Map(set.builds.map((b, i) => [b, paths[i]!])) };
}

export interface RpmHostPlan {
  host: string;
  format: 'rpm';
  repos: Array<Omit<DnfRepo, 'baseurl'>>;
  allowVendorChange?: boolean;
  installed: Build[];
}

// ------------------------------------------------------------------ deb -------------------------

/** Which suite of which repo directory each deb repo id is. */
const DEB_SUITES: Record<string, { dir: string; suite: string; origin: string }> = {
  distro: { dir: 'distro', suite: 'stable', origin: DISTRO.origin },
  'distro-updates': { dir: 'distro', suite: 'stable-updates', origin: DISTRO.origin },
  ...Object.fromEntries(VENDORS.map((v) => [v.key, { dir: v.key, suite: v.key, origin: v.origin }])),
};

export async function buildDebWorld(set: PackageSet, srv: string, key: GpgKey): Promise<void> {
  const byDir = new Map<string, DebSuite[]>();
  for (const [id, builds] of set.repos) {
    const s = DEB_SUITES[id]!;
    const specs: DebSpec[] = builds.map((b) => ({ name: b.name, version: debVersion(b), maintainer: `${b.vendor} <packages@example.invalid>` }));
    byDir.set(s.dir, [...(byDir.get(s.dir) ?? []), { suite: s.suite, origin: s.origin, label: s.origin, components: ['main'], packages: { main: specs } }]);
  }
  for (const [dir, suites] of byDir) await buildDebRepo({ dir: path.join(srv, 'deb', dir), suites, sign: key });
}

export interface DebHostPlan {
  host: string;
  format: 'deb';
  /** Enabled repo ids (keys of DEB_SUITES). */
  repos: string[];
  preferences: string;
  installed: Build[];
}

export type HostPlan = RpmHostPlan | DebHostPlan;

// ------------------------------------------------------------------ hosts -----------------------

function installedOf(random: Random, set: PackageSet): Build[] {
  const out: Build[] = [];
  for (const name of FLEET_NAMES) {
    if (!chance(random, 0.75)) continue;
    out.push(pick(random, set.builds.filter((b) => b.name === name)));
  }
  return out;
}

function rpmHost(random: Random, host: string, set: PackageSet): RpmHostPlan {
  const repos: RpmHostPlan['repos'] = [{ id: 'distro' }];
  if (set.repos.has('distro-updates') && chance(random, 0.7)) repos.push({ id: 'distro-updates' });
  for (const v of VENDORS) {
    if (!set.repos.has(v.key) || !chance(random, 0.55)) continue;
    const priority = pick(random, [undefined, undefined, 10, 150]);
    const excluded = chance(random, 0.15) ? [pick(random, set.repos.get(v.key)!).name] : [];
    repos.push({ id: v.key, ...(priority === undefined ? {} : { priority }), ...(excluded.length ? { excludepkgs: excluded } : {}) });
  }
  return { host, format: 'rpm', repos, ...(chance(random, 0.15) ? { allowVendorChange: false } : {}), installed: installedOf(random, set) };
}

function pinStanza(pkg: string, origin: string, priority: number): string {
  return `Package: ${pkg}\nPin: release o=${origin}\nPin-Priority: ${priority}\n`;
}

function debHost(random: Random, host: string, set: PackageSet): DebHostPlan {
  const repos = ['distro'];
  if (set.repos.has('distro-updates') && chance(random, 0.7)) repos.push('distro-updates');
  const stanzas: string[] = [];
  for (const v of VENDORS) {
    if (!set.repos.has(v.key) || !chance(random, 0.55)) continue;
    repos.push(v.key);
    const priority = pick(random, [undefined, undefined, 1001, 990, 100, -1]);
    if (priority !== undefined) stanzas.push(pinStanza('*', v.origin, priority));
  }
  // Now and then the admin holds one package to the distribution, above 1000: a downgrade if a vendor's is installed.
  if (chance(random, 0.3)) stanzas.push(pinStanza(pick(random, FLEET_NAMES), DISTRO.origin, 1001));
  return { host, format: 'deb', repos, preferences: stanzas.join('\n'), installed: installedOf(random, set) };
}

/** `count` hosts h01…: the format of each by coin flip, the rest as above. */
export function generateHosts(random: Random, count: number, rpm: PackageSet, deb: PackageSet): HostPlan[] {
  return Array.from({ length: count }, (_, i) => {
    const host = `h${String(i + 1).padStart(2, '0')}`;
    return chance(random, 0.5) ? rpmHost(random, host, rpm) : debHost(random, host, deb);
  });
}

// ------------------------------------------------------------------ roots -----------------------

export interface BuiltRpmRoot {
  format: 'rpm';
  plan: RpmHostPlan;
  root: string;
  dnf: DnfPlan;
}

export interface BuiltDebRoot {
  format: 'deb';
  plan: DebHostPlan;
  root: string;
  apt: AptPlan;
}

export type BuiltRoot = BuiltRpmRoot | BuiltDebRoot;

/**
 * The installroot with its rpmdb and repo config, and real dnf's plan for it. dnfUpgradePlan writes
 * ROOT/etc/yum.repos.d and ROOT/etc/dnf/dnf.conf, which `repoclash host --root` then reads.
 */
export async function buildRpmRoot(plan: RpmHostPlan, world: RpmWorld, work: string, serverUrl: string): Promise<BuiltRpmRoot> {
  const root = path.join(work, 'roots', plan.host);
  await seedInstalled(root, plan.installed.map((b) => world.rpmPath.get(b)!));
  const ctx: DnfContext = {
    installroot: root,
    repos: plan.repos.map((r) => ({ ...r, baseurl: `${serverUrl}/rpm/${r.id}/` })),
    ...(plan.allowVendorChange === undefined ? {} : { allowVendorChange: plan.allowVendorChange }),
  };
  return { format: 'rpm', plan, root, dnf: await dnfUpgradePlan(ctx) };
}

/** The root's apt files and dpkg status, and real apt's `upgrade` simulation reading exactly those. */
export async function buildDebRoot(plan: DebHostPlan, work: string, serverUrl: string, key: GpgKey): Promise<BuiltDebRoot> {
  const root = path.join(work, 'roots', plan.host);
  await writeDebHostRoot(root, {
    sources: plan.repos.map((id) => debSourceLine({ uri: `${serverUrl}/deb/${DEB_SUITES[id]!.dir}`, suite: DEB_SUITES[id]!.suite, components: ['main'] })),
    keyring: key.publicKeyringPath,
    installed: plan.installed.map((b) => ({ name: b.name, version: debVersion(b), maintainer: `${b.vendor} <packages@example.invalid>` })),
    preferences: plan.preferences,
  });
  const apt = await aptConfigForRoot(root, path.join(work, 'apt-state', plan.host));
  await aptUpdate(apt);
  return { format: 'deb', plan, root, apt: await aptUpgradePlan(apt) };
}

/**
 * What the real package manager's plan means in (host, package, kind).
 * rpm: dnf names both vendors (the headers' Vendor): an upgrade across them is a vendor change.
 * deb: apt has no vendor; the version's vendor is the Origin of the enabled releases that carry it
 * (the rule `host` documents: the installed version belongs to the repos carrying it, and an upgrade
 * is a vendor change when none of them is the new version's Origin). A downgrade is apt's own word.
 */
export function expectedRisks(built: BuiltRoot, deb: PackageSet): ExpectedRisk[] {
  const host = built.plan.host;
  const out: ExpectedRisk[] = [];
  if (built.format === 'rpm') {
    for (const i of built.dnf.items) {
      if (i.action === 'downgrade') out.push({ host, name: i.name, kind: 'downgrade', evr: i.toEvr });
      else if (i.action === 'upgrade' && i.fromVendor !== i.vendor) out.push({ host, name: i.name, kind: 'vendor-change', evr: i.toEvr });
    }
    return out;
  }
  const enabled = new Set(built.plan.repos);
  const originsOf = (name: string, version: string) =>
    new Set(deb.builds.filter((b) => b.repo !== null && enabled.has(b.repo) && b.name === name && debVersion(b) === version).map((b) => DEB_SUITES[b.repo!]!.origin));
  for (const i of built.apt.items) {
    if (i.action === 'downgrade') out.push({ host, name: i.name, kind: 'downgrade', evr: i.toVersion! });
    if (i.action !== 'upgrade') continue;
    const from = originsOf(i.name, i.fromVersion!);
    const to = originsOf(i.name, i.toVersion!);
    if (from.size > 0 && ![...to].some((o) => from.has(o))) out.push({ host, name: i.name, kind: 'vendor-change', evr: i.toVersion! });
  }
  return out;
}

/** "h01 grafana vendor-change", sorted: how the test compares sets. */
export const riskKey = (r: Omit<ExpectedRisk, 'evr'>): string => `${r.host} ${r.name} ${r.kind}`;
