/**
 * A deb profile's full resolution lets the store pick the winners of the names its repos ship one
 * version of (aptSoleVersionRule + Store.recordSoleVersionWinners) and resolves only the others.
 * The recorded winners must be exactly those of resolving every name with apt's resolver, which
 * test/analysis/resolve-apt-real.test.ts checks against real apt: compared here over random
 * profiles with the pins, Release flags, arches and disabled repos that decide a sole version's
 * fate, on a first recording and on a later full one (the profile's config changed).
 */
import { describe, expect, it } from 'vitest';
import { candidatesFor } from '../../src/analysis/candidates.js';
import { winnersFromResolutions } from '../../src/analysis/by-name.js';
import { aptSoleVersionRule } from '../../src/analysis/resolve/apt.js';
import { resolveWinners } from '../../src/analysis/resolve/resolve.js';
import { vendorNormaliser } from '../../src/analysis/vendors.js';
import { parseConfig } from '../../src/config/repos-yaml.js';
import type { Config } from '../../src/config/types.js';
import { configFacts, withStoredFacts } from '../../src/run/config-facts.js';
import { recordWinners, winnerRows } from '../../src/run/winners.js';
import type { Store } from '../../src/store/index.js';
import type { VersionRecord } from '../../src/store/types.js';
import { releaseFacts } from '../support/record-builders.js';
import { chance, pick, seededRandom, type Random } from '../support/seeded-random.js';
import { memoryStore, meta, put, rec } from '../support/store-builders.js';

const DAY = 86_400_000;
const AT = Date.UTC(2025, 0, 6);
const REPOS = ['r0', 'r1', 'r2'] as const;
const NAMES = Array.from({ length: 40 }, (_, i) => `pkg${i}`);
const VERSIONS = ['1.0-1', '1.0-2', '2.0-1', '1:0.5-1'];
/** Preferences reject 0 (apt reads it as none given); a repo's pin-priority may be 0. */
const PIN_PRIORITIES = [-10, -1, 1, 99, 100, 500, 990, 1001];
const REPO_PRIORITIES = [...PIN_PRIORITIES, 0];

interface Scenario {
  yaml: string;
  /** A multi-arch host's profile: i386 besides amd64 and all. */
  multiArch: boolean;
  facts: Record<string, ReturnType<typeof releaseFacts>>;
  versions: Record<string, VersionRecord[]>;
}

function debRecord(name: string, evr: string, arch: string): VersionRecord {
  const [epochPart, rest] = evr.includes(':') ? evr.split(':') : ['0', evr];
  const [version, release] = rest!.split('-');
  return rec(name, version!, release!, { arch, epoch: Number(epochPart), evr, vendor: null, buildTime: null });
}

/** General pins only (`Package: *`) unless `named`: a pin naming packages turns the store's rule off. */
function prefs(random: Random, named: boolean): string {
  const stanzas: string[] = [];
  for (let i = 0; i < 3; i++) {
    if (!chance(random, 0.5)) continue;
    const pin = pick(random, ['release a=stable', 'release n=other', 'origin a.invalid', 'origin b.invalid', 'release b=i386', 'release b=amd64', 'release l=Extra']);
    stanzas.push(`Package: *\nPin: ${pin}\nPin-Priority: ${pick(random, PIN_PRIORITIES)}\n`);
  }
  if (named) stanzas.push(`Package: ${pick(random, NAMES)}\nPin: release a=stable\nPin-Priority: ${pick(random, PIN_PRIORITIES)}\n`);
  return stanzas.join('\n');
}

function scenario(seed: number): Scenario {
  const random = seededRandom(seed);
  const multiArch = chance(random, 0.4);
  const repoYaml = REPOS.map((id, i) => {
    const extra = [
      chance(random, 0.25) ? `pin-priority: ${pick(random, REPO_PRIORITIES)}` : '',
      chance(random, 0.15) ? 'enabled: false' : '',
    ].filter(Boolean);
    const arches = multiArch && chance(random, 0.7) ? '[amd64, i386]' : '[amd64]';
    return `  ${id}: { vendor: ${pick(random, ['Debian', 'Extra', 'Vendor ' + i])}, role: ${i === 0 ? 'distro' : 'third-party'}, format: deb, uri: http://${'abc'[i]}.invalid/d, suite: stable, components: [main], architectures: ${arches}${extra.length ? ', ' + extra.join(', ') : ''} }\n`;
  }).join('');
  const pinText = prefs(random, chance(random, 0.2));
  const profile = `  p:\n    repos: [${REPOS.join(', ')}]\n    arch: amd64\n${chance(random, 0.2) ? '    default-release: stable\n' : ''}${pinText ? `    apt-preferences: |\n${pinText.split('\n').map((l) => (l ? '      ' + l : '')).join('\n')}\n` : ''}`;
  const facts = Object.fromEntries(
    REPOS.map((id, i) => [
      id,
      releaseFacts({
        host: `${'abc'[i]}.invalid`,
        archive: pick(random, ['stable', 'stable-updates', 'other']),
        codename: pick(random, ['bookworm', 'other']),
        label: pick(random, ['Debian', 'Extra']),
        notAutomatic: chance(random, 0.2),
        butAutomaticUpgrades: chance(random, 0.1),
      }),
    ]),
  );
  const versions: Record<string, VersionRecord[]> = {};
  for (const id of REPOS) {
    const rows = new Map<string, VersionRecord>();
    for (const name of NAMES) {
      if (!chance(random, 0.45)) continue;
      const count = chance(random, 0.15) ? 2 : 1;
      for (let k = 0; k < count; k++) {
        const arch = pick(random, multiArch ? ['amd64', 'all', 'i386'] : ['amd64', 'amd64', 'all', 'i386']);
        const r = debRecord(name, pick(random, VERSIONS), arch);
        rows.set(`${name}\t${arch}\t${r.evr}`, r);
      }
    }
    versions[id] = [...rows.values()];
  }
  // Winners carry the vendor as the analysis names it: an equivalence renames one spelling.
  const equivalences = chance(random, 0.5) ? 'vendor-equivalences: [[Debian, Extra]]\n' : '';
  return { yaml: `${equivalences}repos:\n${repoYaml}profiles:\n${profile}`, multiArch, facts, versions };
}

function configOf(s: Scenario): Config {
  const config = parseConfig(s.yaml, 'repos.yaml');
  if (s.multiArch) config.profiles.get('p')!.arches.push('i386');
  return config;
}

/** Every name resolved by apt's resolver from the store's current versions: what the store's rule must reproduce. */
function resolvedInFull(store: Store, configured: Config) {
  const { config, releases } = withStoredFacts(store, configured);
  const profile = config.profiles.get('p')!;
  const current = store.currentVersions(profile.repos);
  const input = { ...configFacts(config), profiles: [profile], upgradePaths: [], current, history: [], winnerHistory: [], repoEvents: [], releases, now: AT };
  const candidates = candidatesFor(profile, input, vendorNormaliser(config.vendorEquivalences));
  return winnerRows(winnersFromResolutions(resolveWinners({ profile, repos: config.repos, candidates, releases }), profile.arches));
}

function recorded(store: Store) {
  return store.currentWinners('p').map(({ name, repoId, vendor, evr }) => ({ name, repoId, vendor, evr }));
}

function filled(s: Scenario, config: Config): Store {
  const store = memoryStore(...[...config.repos.values()].map((r) => ({ id: r.id, vendor: r.vendor, role: r.role, format: r.format })));
  for (const id of REPOS) {
    store.setReleaseFacts(id, s.facts[id]!);
    put(store, meta(id, AT, `${id}-0`), s.versions[id]!);
  }
  return store;
}

describe('winners of names with one version, picked by the store', () => {
  it('are the winners apt\'s resolver gives every name, over 150 random deb profiles (first recording)', () => {
    let ruled = 0;
    let soleLosers = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const s = scenario(seed);
      const config = configOf(s);
      const store = filled(s, config);
      try {
        const expected = resolvedInFull(store, config);
        recordWinners(store, config, AT);
        expect([seed, recorded(store)]).toEqual([seed, expected]);
        const { config: withFacts, releases } = withStoredFacts(store, config);
        const rule = aptSoleVersionRule({ profile: withFacts.profiles.get('p')!, repos: withFacts.repos, releases });
        if (rule === null) continue;
        ruled++;
        // Some sole versions lose (a priority of 0 or below): the rule is exercised both ways.
        if (rule.repoIds.some((id) => rule.arches.some((a) => !rule.wins(id, a)))) soleLosers++;
      } finally {
        store.close();
      }
    }
    expect(ruled).toBeGreaterThan(100);
    expect(soleLosers).toBeGreaterThan(10);
  });

  it('are the same on a later full resolution (the profile\'s pins changed) as resolving every name', () => {
    for (let seed = 200; seed < 240; seed++) {
      const first = scenario(seed);
      const second = scenario(seed + 1000);
      const config = configOf(first);
      const store = filled(first, config);
      try {
        recordWinners(store, config, AT);
        // The same repos and versions, other pins, flags and repo settings: every name is resolved again.
        const changed = configOf({ ...second, versions: first.versions });
        const expected = resolvedInFull(store, changed);
        recordWinners(store, changed, AT + DAY);
        expect([seed, recorded(store)]).toEqual([seed, expected]);
      } finally {
        store.close();
      }
    }
  });
});
