/**
 * resolveWinners (what a crawl records) against resolveProfile (what reports and `host` read), over
 * generated profiles: pins of every kind, NotAutomatic / ButAutomaticUpgrades, a default release,
 * repo pinPriority, one version in several repos, several arches, and rpm profiles. The crawl's
 * winner rows must be exactly the winners the full resolution names.
 */
import { describe, expect, it } from 'vitest';
import { winnersFromResolutions } from '../../src/analysis/by-name.js';
import { resolveProfile, resolveWinners } from '../../src/analysis/resolve/resolve.js';
import type { AptReleaseFacts, Candidate, ResolveInput } from '../../src/analysis/types.js';
import { parsePreferences } from '../../src/config/apt-preferences.js';
import type { RepoConfig } from '../../src/config/types.js';
import { debRepo, profile, rpmRepo } from '../support/config-builders.js';
import { debCandidate, releaseFacts, rpmCandidate } from '../support/record-builders.js';
import { chance, pick, seededRandom, type Random } from '../support/seeded-random.js';

const NAMES = ['a', 'b', 'libc6', 'libfoo1', 'foo-tools', 'bar'];
const DEB_VERSIONS = ['1.0-1', '1.0-2', '1:0.9-1', '2.0-1', '2.0-1~bpo12+1', '1.0-1+deb12u1', '2.0~rc1-1'];
const RPM_VERSIONS = ['1.0-1', '1.0-2', '1:0.9-1', '2.0-1.fc40', '2.0-1.el9'];

/** One generated apt profile: 2–4 repos with random Release facts and pins. */
function aptInput(random: Random): ResolveInput {
  const suites = ['stable', 'stable-updates', 'experimental', 'bookworm-backports', 'vendor'];
  const ids = ['r0', 'r1', 'r2', 'r3'].slice(0, 2 + Math.floor(random() * 3));
  const repos = ids.map((id) =>
    debRepo(id, { suite: pick(random, suites), ...(chance(random, 0.2) ? { pinPriority: pick(random, [-1, 50, 600, 1001]) } : {}) }),
  );
  const releases = new Map<string, AptReleaseFacts>(
    repos.map((r) => {
      const notAutomatic = chance(random, 0.3);
      return [
        r.id,
        releaseFacts({
          archive: r.suite,
          codename: pick(random, ['bookworm', 'trixie', 'rc-buggy', null]),
          origin: pick(random, ['Debian', 'Vendor', null]),
          version: pick(random, ['12.5', '13', null]),
          notAutomatic,
          butAutomaticUpgrades: notAutomatic && chance(random, 0.5),
          host: pick(random, ['deb.example.invalid', 'apt.vendor.example']),
        }),
      ];
    }),
  );
  const stanzas: string[] = [];
  const pins = ['release a=stable', 'release n=rc-buggy', 'release o=Vendor', 'origin apt.vendor.example', 'version 2.0*', 'version 1.0-1', 'release b=i386', 'release stable'];
  for (let i = Math.floor(random() * 4); i > 0; i--) {
    const pin = pick(random, pins);
    const pkg = pin.startsWith('version') ? pick(random, ['a', 'lib*', 'src:foo', '/^foo/']) : pick(random, ['*', 'a', 'lib*', 'src:foo', '/^foo/']);
    stanzas.push(`Package: ${pkg}\nPin: ${pin}\nPin-Priority: ${pick(random, [-10, 1, 100, 400, 500, 990, 1001])}\n`);
  }
  const arches = pick(random, [['amd64', 'all'], ['amd64', 'i386', 'all'], ['i386', 'amd64', 'all'], []]);
  const defaultRelease = chance(random, 0.25) ? pick(random, ['stable', 'rc-buggy', 'a=experimental', '12*']) : undefined;
  const candidates: Candidate[] = [];
  for (const name of NAMES) {
    for (let i = Math.floor(random() * 5); i > 0; i--) {
      const arch = pick(random, ['amd64', 'i386', 'all', 'arm64']);
      candidates.push(debCandidate(pick(random, ids), name, pick(random, DEB_VERSIONS), { arch, sourceName: chance(random, 0.5) ? 'foo' : null }));
    }
  }
  return {
    profile: profile('deb', ids, {
      arches,
      aptPreferences: stanzas.length ? parsePreferences(stanzas.join('\n'), '/etc/apt/preferences') : [],
      ...(defaultRelease !== undefined ? { defaultRelease } : {}),
    }),
    repos: new Map<string, RepoConfig>(repos.map((r) => [r.id, r])),
    releases,
    candidates,
  };
}

/** One generated dnf profile: 2–3 repos with random priorities and costs. */
function dnfInput(random: Random): ResolveInput {
  const ids = ['r0', 'r1', 'r2'].slice(0, 2 + Math.floor(random() * 2));
  const repos = ids.map((id) => rpmRepo(id, { priority: pick(random, [10, 50, 99]), cost: pick(random, [500, 1000]) }));
  const candidates: Candidate[] = [];
  for (const name of NAMES) {
    for (let i = Math.floor(random() * 5); i > 0; i--) {
      candidates.push(rpmCandidate(pick(random, ids), name, pick(random, RPM_VERSIONS), { arch: pick(random, ['x86_64', 'noarch', 'i686']) }));
    }
  }
  return { profile: profile('rpm', ids), repos: new Map<string, RepoConfig>(repos.map((r) => [r.id, r])), candidates };
}

/** Each name's winner as "name arch evr@repo" (sorted), or "name -" when it has none. */
function winnerLines(resolutions: ReadonlyArray<{ name: string; arch: string; winner: Candidate | null }>): string[] {
  return resolutions.map((r) => `${r.name} ${r.arch} ${r.winner ? `${r.winner.evr}@${r.winner.repoId}/${r.winner.arch}` : '-'}`).sort();
}

/** What the crawl stores: one winner per name, the profile's preferred arch. */
function recorded(resolutions: ReadonlyArray<{ name: string; arch: string; winner: Candidate | null }>, arches: readonly string[]): string[] {
  return [...winnersFromResolutions(resolutions, arches).values()].map((c) => `${c.name} ${c.evr}@${c.repoId}/${c.arch}`).sort();
}

describe('resolveWinners', () => {
  it('names exactly resolveProfile’s winner for every name of 600 generated apt profiles', () => {
    let withPins = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const input = aptInput(seededRandom(seed));
      if (input.profile.aptPreferences.length > 0) withPins++;
      const full = resolveProfile(input);
      const light = resolveWinners(input);
      expect(winnerLines(light), `seed ${seed}`).toEqual(winnerLines(full));
      expect(recorded(light, input.profile.arches), `seed ${seed}`).toEqual(recorded(full, input.profile.arches));
    }
    // The generator reaches what the comparison is about.
    expect(withPins).toBeGreaterThan(300);
  });

  it('names exactly resolveProfile’s winner for every name of 200 generated rpm profiles', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const input = dnfInput(seededRandom(seed));
      const full = resolveProfile(input);
      const light = resolveWinners(input);
      expect(winnerLines(light), `seed ${seed}`).toEqual(winnerLines(full));
      expect(recorded(light, input.profile.arches), `seed ${seed}`).toEqual(recorded(full, input.profile.arches));
    }
  });

  it('refuses an apt input with installed packages: its winners are for nothing installed, and resolveApt is the one for a host', () => {
    const input = aptInput(seededRandom(7));
    const installed = { name: 'a', arch: 'amd64', epoch: 0, version: '1.0', release: '1', evr: '1.0-1', vendor: null, installTime: null };
    expect(() => resolveWinners({ ...input, installed: [installed] })).toThrow(/nothing installed/);
    expect(resolveWinners({ ...input, installed: [] }).length).toBeGreaterThan(0);
  });
});
