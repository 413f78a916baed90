/**
 * Seeded random apt worlds for the differential test against real apt: 2–4 deb repos with
 * overlapping names, random versions (epochs, `~`, `+`, revisions), `Architecture: all` and amd64,
 * random Release fields; and per world a few hosts reading them, each with random preferences
 * (general and package pins across every priority band), sometimes APT::Default-Release, and a
 * random dpkg status (versions some repo carries, newer, older, in no repo; holds). Everything a
 * seed builds is a plain value, so `describeHost` can print a failing case to replay.
 */
import type { DpkgStatusEntry } from './apt.js';
import { compareDebVersions } from '../../src/formats/deb/version.js';
import type { DebSpec, DebSuite } from './deb-repo.js';
import { chance, pick, type Random } from './seeded-random.js';

/** Names chosen so globs (`al*`, `*a`) and regexes (`/^g/`) select some and not others. */
export const WORLD_NAMES = ['alpha', 'alpine', 'beta', 'bravo', 'gamma', 'golf', 'delta', 'dingo', 'echo', 'omega'] as const;
/** Installed but in no repo (a local build). */
const LOCAL_NAME = 'localtool';

const UPSTREAMS = ['0.9', '1.0', '1.0~rc1', '1.0+dfsg', '1.0.1', '1.1', '2.0', '2.0~beta2', '10'];
const REVISIONS = ['1', '2', '1~bpo12+1', '1+deb12u1', '0ubuntu1', null];

export interface WorldRepo {
  /** Directory under srv/ and the id this test gives it. */
  dir: string;
  /** 127.0.0.1 or localhost: two sites, so `Pin: origin` selects some repos and not others. */
  site: '127.0.0.1' | 'localhost';
  suite: DebSuite;
}

export interface AptWorld {
  seed: number;
  repos: WorldRepo[];
  hosts: WorldHost[];
}

export interface WorldHost {
  label: string;
  /** Indexes into world.repos, in sources.list order. */
  sources: number[];
  preferences: string;
  defaultRelease: string | null;
  installed: DpkgStatusEntry[];
}

function randomVersion(random: Random): string {
  const epoch = chance(random, 0.12) ? `${pick(random, ['1', '2'])}:` : '';
  const revision = pick(random, REVISIONS);
  return `${epoch}${pick(random, UPSTREAMS)}${revision === null ? '' : `-${revision}`}`;
}

/**
 * Now and then a Depends or Breaks on another name of the world, plain or versioned against a
 * version seen so far: what `apt-get upgrade` keeps back when it would need an install or removal.
 */
function randomRelations(random: Random, self: string, used: ReadonlyMap<string, string[]>): Pick<DebSpec, 'depends' | 'extraFields'> {
  if (!chance(random, 0.2)) return {};
  const other = pick(random, WORLD_NAMES.filter((n) => n !== self));
  const seen = used.get(other) ?? [];
  const bound = seen.length > 0 ? pick(random, seen) : '1.0-1';
  if (chance(random, 0.7)) return { depends: [pick(random, [other, `${other} (>= ${bound})`, `${other} (<< ${bound})`])] };
  return { extraFields: { Breaks: `${other} (<< ${bound})` } };
}

const maybe = <T>(random: Random, p: number, value: T): T | undefined => (chance(random, p) ? value : undefined);

function randomRepo(random: Random, index: number, used: Map<string, string[]>, archOf: Map<string, string>, specOfVersion: Map<string, DebSpec>): WorldRepo {
  const component = pick(random, ['main', 'main', 'contrib', 'non-free']);
  const packages: DebSpec[] = [];
  for (const name of WORLD_NAMES) {
    if (!chance(random, 0.55)) continue;
    const seen = used.get(name) ?? [];
    // Overlap on purpose: the same version string in two repos is where apt's file priorities meet.
    const version = seen.length > 0 && chance(random, 0.3) ? pick(random, seen) : randomVersion(random);
    used.set(name, [...seen, version]);
    // A name's arch is mostly one across repos; sometimes `all` here and amd64 there (one package
    // to apt). One version string is one build everywhere (arch, relations): apt keeps builds
    // that differ as two versions of one string, which repoclash does not model (docs/commands/host.md).
    const key = `${name}=${version}`;
    const spec = specOfVersion.get(key) ?? { name, version, arch: chance(random, 0.85) ? archOf.get(name)! : pick(random, ['all', 'amd64']), ...randomRelations(random, name, used) };
    specOfVersion.set(key, spec);
    packages.push(spec);
  }
  const notAutomatic = chance(random, 0.2);
  const suite = pick(random, ['stable', 'testing', 'bookworm', 'bookworm-backports', 'extra', 'current']);
  const origin = maybe(random, 0.85, pick(random, ['Debian', 'Vendor', 'Acme', 'Debian Backports']));
  const label = maybe(random, 0.8, pick(random, ['Debian', 'Debian-Security', 'Vendor', 'Acme']));
  const codename = maybe(random, 0.8, pick(random, ['bookworm', 'trixie', 'sid', 'jammy']));
  const version = maybe(random, 0.5, pick(random, ['12', '12.5', '13']));
  const dir = `r${index}`;
  return {
    dir,
    site: chance(random, 0.5) ? '127.0.0.1' : 'localhost',
    suite: {
      suite,
      components: [component],
      architectures: ['amd64'],
      ...(origin !== undefined ? { origin } : {}),
      ...(label !== undefined ? { label } : {}),
      ...(codename !== undefined ? { codename } : {}),
      ...(version !== undefined ? { version } : {}),
      ...(notAutomatic ? { notAutomatic, butAutomaticUpgrades: chance(random, 0.5) } : {}),
      packages: { [component]: packages },
    },
  };
}

/** A priority from each of apt's bands, as pkgPolicy treats them differently. */
function bandPriority(random: Random): number {
  return pick(random, [-10, -1, 0, 1, 50, 99, 100, 101, 300, 499, 500, 501, 700, 989, 990, 991, 1000, 1001, 1500]);
}

/** `Pin: release …` data naming what some repo (or no repo) has. */
function releasePin(random: Random, repos: readonly WorldRepo[]): string {
  const s = pick(random, repos).suite;
  const fragments: string[] = [];
  const count = chance(random, 0.25) ? 2 : 1;
  for (let i = 0; i < count; i++) {
    const key = pick(random, ['o', 'l', 'a', 'n', 'c', 'v', 'b']);
    const real: Record<string, string | undefined> = { o: s.origin, l: s.label, a: s.suite, n: s.codename, c: s.components[0], v: s.version, b: 'amd64' };
    const value = real[key] ?? 'none';
    const shaped = pick(random, [value, value, value, `${value.slice(0, 2)}*`, `/^${value.slice(0, 3)}/`, 'nomatch']);
    fragments.push(`${key}=${shaped}`);
  }
  return fragments.join(', ');
}

function pinTarget(random: Random, repos: readonly WorldRepo[], named: boolean, versions: readonly string[]): string {
  const roll = random();
  if (named && roll < 0.3 && versions.length > 0) {
    const v = pick(random, versions);
    return `version ${pick(random, [v, v, `${v.replace(/^\d+:/, '').slice(0, 2)}*`, '/~/', '1:*'])}`;
  }
  if (roll < 0.5) return `origin ${pick(random, ['127.0.0.1', 'localhost', '""', 'nowhere.invalid'])}`;
  if (roll < 0.55) return 'release a=now';
  return `release ${releasePin(random, repos)}`;
}

function packageField(random: Random): string {
  return pick(random, [
    () => pick(random, WORLD_NAMES),
    () => `${pick(random, WORLD_NAMES)} ${pick(random, WORLD_NAMES)}`,
    () => pick(random, ['al*', 'b*', '*a', 'd?ngo', 'g*']),
    () => pick(random, ['/^g/', '/a$/', '/^(beta|echo)$/']),
    () => LOCAL_NAME,
  ])();
}

function randomPreferences(random: Random, repos: readonly WorldRepo[], versions: readonly string[]): string {
  const stanzas: string[] = [];
  const count = pick(random, [0, 1, 2, 3, 4, 5]);
  for (let i = 0; i < count; i++) {
    const named = chance(random, 0.55);
    const pkg = named ? packageField(random) : '*';
    stanzas.push(`Package: ${pkg}\nPin: ${pinTarget(random, repos, named, versions)}\nPin-Priority: ${bandPriority(random)}\n`);
  }
  return stanzas.join('\n');
}

function randomDefaultRelease(random: Random, repos: readonly WorldRepo[]): string | null {
  if (!chance(random, 0.2)) return null;
  const s = pick(random, repos).suite;
  return pick(random, [s.suite, s.codename ?? s.suite, s.version ?? s.suite, 'nosuch', 'a=nosuch', 'book*']);
}

function statusEntry(spec: DebSpec, held: boolean): DpkgStatusEntry {
  const fields = { ...(spec.depends ? { Depends: spec.depends.join(', ') } : {}), ...spec.extraFields };
  return { name: spec.name, version: spec.version, arch: spec.arch ?? 'all', ...(Object.keys(fields).length > 0 ? { extraFields: fields } : {}), ...(held ? { status: 'hold ok installed' } : {}) };
}

/** `name`, `name (>= V)`, `name (<< V)` against an installed set: is it met? */
function relationMet(relation: string, installed: ReadonlyMap<string, string>): boolean {
  const m = /^(\S+)(?: \((>=|<<) (\S+)\))?$/.exec(relation)!;
  const have = installed.get(m[1]!);
  if (have === undefined) return false;
  if (m[2] === undefined) return true;
  const order = compareDebVersions(have, m[3]!);
  return m[2] === '>=' ? order >= 0 : order < 0;
}

/** An installed package's own Depends met and its Breaks not: dpkg would not leave it otherwise. */
function consistent(entry: DpkgStatusEntry, installed: ReadonlyMap<string, string>): boolean {
  const fields = entry.extraFields ?? {};
  const depends = fields['Depends']?.split(', ') ?? [];
  const breaks = fields['Breaks']?.split(', ') ?? [];
  return depends.every((d) => relationMet(d, installed)) && !breaks.some((b) => relationMet(b, installed));
}

function randomInstalled(random: Random, byName: ReadonlyMap<string, DebSpec[]>, specOfVersion: ReadonlyMap<string, DebSpec>): DpkgStatusEntry[] {
  let out: DpkgStatusEntry[] = [];
  for (const name of WORLD_NAMES) {
    if (!chance(random, 0.6)) continue;
    const offers = byName.get(name) ?? [];
    const from = offers.length > 0 && chance(random, 0.55) ? pick(random, offers) : null;
    const version = from?.version ?? pick(random, ['0.1-1', '99.0-1', '1.0-1', randomVersion(random)]);
    // A version some repo carries is that build, relations and all (the status and the index agree).
    const spec = specOfVersion.get(`${name}=${version}`) ?? { name, version, arch: pick(random, ['all', 'amd64']) };
    out.push(statusEntry(spec, chance(random, 0.1)));
  }
  // A dpkg status whose own relations are broken makes apt-get refuse to upgrade at all: drop what
  // is inconsistent until the rest is (a real host is in that state only mid-install).
  for (;;) {
    const versions = new Map(out.map((e) => [e.name, e.version]));
    const kept = out.filter((e) => consistent(e, versions));
    if (kept.length === out.length) break;
    out = kept;
  }
  if (chance(random, 0.4)) out.push({ name: LOCAL_NAME, version: '1.0-1', arch: 'amd64' });
  return out;
}

/** One world: its repos and `hostCount` hosts reading some of them. */
export function generateAptWorld(random: Random, seed: number, hostCount: number): AptWorld {
  const archOf = new Map<string, string>(WORLD_NAMES.map((n) => [n, chance(random, 0.6) ? 'all' : 'amd64']));
  const used = new Map<string, string[]>();
  /** `name=version` → its one build across the world's repos and hosts. */
  const specOfVersion = new Map<string, DebSpec>();
  const repoCount = 2 + Math.floor(random() * 3);
  const repos = Array.from({ length: repoCount }, (_, i) => randomRepo(random, i, used, archOf, specOfVersion));
  const versions = [...used.values()].flat();
  const hosts = Array.from({ length: hostCount }, (_, h): WorldHost => {
    // Every host reads at least two repos, in a random order (file order breaks ties in apt).
    const sources = repos.map((_r, i) => i).filter(() => chance(random, 0.85));
    while (sources.length < Math.min(2, repos.length)) sources.push(repos.findIndex((_r, i) => !sources.includes(i)));
    sources.sort(() => random() - 0.5);
    const byName = new Map<string, DebSpec[]>();
    for (const i of sources) for (const spec of Object.values(repos[i]!.suite.packages).flat()) byName.set(spec.name, [...(byName.get(spec.name) ?? []), spec]);
    return {
      label: `s${seed}-h${h}`,
      sources,
      preferences: randomPreferences(random, sources.map((i) => repos[i]!), versions),
      defaultRelease: randomDefaultRelease(random, sources.map((i) => repos[i]!)),
      installed: randomInstalled(random, byName, specOfVersion),
    };
  });
  return { seed, repos, hosts };
}

/** What a failing host is, in a few lines to replay it by hand. */
export function describeHost(world: AptWorld, host: WorldHost): string {
  const repoLines = host.sources.map((i) => {
    const r = world.repos[i]!;
    const s = r.suite;
    const facts = [`o=${s.origin ?? '-'}`, `l=${s.label ?? '-'}`, `a=${s.suite}`, `n=${s.codename ?? '-'}`, `v=${s.version ?? '-'}`, `c=${s.components[0]}`, s.notAutomatic ? (s.butAutomaticUpgrades ? 'NotAutomatic+ButAutomaticUpgrades' : 'NotAutomatic') : ''].filter(Boolean).join(' ');
    const relations = (p: DebSpec): string => [...(p.depends ?? []).map((d) => `Depends: ${d}`), ...Object.entries(p.extraFields ?? {}).map(([k, v]) => `${k}: ${v}`)].map((r) => ` {${r}}`).join('');
    const pkgs = Object.values(s.packages).flat().map((p) => `${p.name}=${p.version}/${p.arch ?? 'all'}${relations(p)}`).join(' ');
    return `  repo ${r.dir} @${r.site} [${facts}]: ${pkgs}`;
  });
  const installed = host.installed.map((e) => `${e.name}=${e.version}/${e.arch ?? 'all'}${e.status?.startsWith('hold') ? ' (hold)' : ''}`).join(' ');
  return [
    `seed ${world.seed} host ${host.label}`,
    ...repoLines,
    `  installed: ${installed || '(none)'}`,
    ...(host.defaultRelease !== null ? [`  APT::Default-Release "${host.defaultRelease}"`] : []),
    host.preferences ? `  preferences:\n${host.preferences.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}` : '  preferences: (none)',
  ].join('\n');
}
