import { describe, expect, it } from 'vitest';
import type { RepoConfig } from '../../src/config/types.js';
import { resolveProfile } from '../../src/analysis/resolve/resolve.js';
import { debRepo, profile, rpmRepo } from '../support/config-builders.js';
import { debCandidate, rpmCandidate } from '../support/record-builders.js';

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
