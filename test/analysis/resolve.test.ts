import { describe, expect, it } from 'vitest';
import type { RepoConfig } from '../../src/config/types.js';
import { resolveProfile, winnersOf } from '../../src/analysis/resolve/resolve.js';
import { debRepo, profile, rpmRepo } from '../support/config-builders.js';
import { debCandidate, installedRpm, rpmCandidate } from '../support/record-builders.js';

describe('resolveProfile', () => {
  it("uses dnf's rules for rpm profiles and apt's for deb profiles", () => {
    const repos = new Map<string, RepoConfig>([
      ['a', rpmRepo('a', { priority: 10 })],
      ['b', rpmRepo('b')],
      ['d', debRepo('d')],
      ['e', debRepo('e')],
    ]);
    const candidates = [rpmCandidate('a', 'x', '1-1'), rpmCandidate('b', 'x', '2-1'), debCandidate('d', 'y', '1'), debCandidate('e', 'y', '2')];
    const rpm = resolveProfile({ profile: profile('rpm', ['a', 'b']), repos, candidates });
    const deb = resolveProfile({ profile: profile('deb', ['d', 'e']), repos, candidates });
    expect(rpm.map((r) => `${r.name} ${r.winner?.evr}@${r.winner?.repoId}`)).toEqual(['x 1-1@a']);
    expect(deb.map((r) => `${r.name} ${r.winner?.evr}@${r.winner?.repoId}`)).toEqual(['y 2@e']);
  });
});

describe('winnersOf', () => {
  it('gives one winner per name with the repo vendor, sorted, skipping names without one', () => {
    const repos = new Map<string, RepoConfig>([
      ['a', rpmRepo('a', { vendor: 'Fedora Project' })],
      ['b', rpmRepo('b', { vendor: 'Grafana Labs', excludepkgs: ['z'] })],
    ]);
    const candidates = [
      rpmCandidate('b', 'g', '2-1', { repoVendor: 'Grafana Labs', vendor: 'Grafana Labs' }),
      rpmCandidate('a', 'g', '1-1', { repoVendor: 'Fedora Project' }),
      rpmCandidate('a', 'c', '1-1', { repoVendor: 'Fedora Project' }),
      rpmCandidate('b', 'z', '1-1', { repoVendor: 'Grafana Labs' }),
    ];
    // Two installed arches of g yield two resolutions but one winner.
    const resolutions = resolveProfile({
      profile: profile('rpm', ['a', 'b'], { arches: ['x86_64', 'i686', 'noarch'] }),
      repos,
      candidates,
      installed: [installedRpm('g', '1-1', 'Fedora Project', 'x86_64'), installedRpm('g', '1-1', 'Fedora Project', 'i686')],
    });
    expect(resolutions.filter((r) => r.name === 'g')).toHaveLength(2);
    expect(winnersOf(resolutions)).toEqual([
      { name: 'c', repoId: 'a', vendor: 'Fedora Project', evr: '1-1' },
      { name: 'g', repoId: 'b', vendor: 'Grafana Labs', evr: '2-1' },
    ]);
  });
});
