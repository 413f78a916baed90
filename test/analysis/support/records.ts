/** Builders for analysis tests: store records and config objects with only the interesting parts spelled out. */
import type { DebRepoConfig, ProfileConfig, RepoConfig, RepoRole, RpmRepoConfig } from '../../../src/config/types.js';
import type { Candidate } from '../../../src/analysis/types.js';
import type { StoredVersion, VersionInterval, WinnerInterval } from '../../../src/store/types.js';
import { parseEvr } from '../../../src/formats/rpm/version.js';
import { parseDebVersion } from '../../../src/formats/deb/version.js';

/** ms since the epoch of a UTC date ("2019-05-22" or a full ISO time). */
export function at(date: string): number {
  return Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date);
}

/** Build time (seconds) of a UTC date. */
export function built(date: string): number {
  return Math.floor(at(date) / 1000);
}

export interface VersionFacts {
  arch?: string;
  url?: string | null;
  sourceName?: string | null;
  summary?: string | null;
  vendor?: string | null;
  buildTime?: number | null;
  firstSeen?: number;
}

export function rpmVersion(repoId: string, name: string, evr: string, facts: VersionFacts = {}): StoredVersion {
  const { epoch, version, release } = parseEvr(evr);
  return {
    repoId,
    name,
    arch: facts.arch ?? 'x86_64',
    epoch,
    version,
    release,
    evr,
    vendor: facts.vendor ?? null,
    sourceName: facts.sourceName ?? null,
    url: facts.url ?? null,
    summary: facts.summary ?? null,
    buildTime: facts.buildTime ?? null,
    firstSeen: facts.firstSeen ?? at('2019-01-01'),
  };
}

export function debVersion(repoId: string, name: string, evr: string, facts: VersionFacts = {}): StoredVersion {
  const { epoch, upstream, revision } = parseDebVersion(evr);
  return {
    ...rpmVersion(repoId, name, '0', facts),
    arch: facts.arch ?? 'amd64',
    epoch,
    version: upstream,
    release: revision,
    evr,
    buildTime: null,
  };
}

export function candidate(v: StoredVersion, repoVendor: string, role: RepoRole, format: 'rpm' | 'deb' = 'rpm'): Candidate {
  return { ...v, repoVendor, role, format };
}

export function interval(v: StoredVersion, lastSeen: number | null, presentUntil = lastSeen ?? at('2030-01-01')): VersionInterval {
  return { ...v, lastSeen, presentUntil };
}

export function winner(profile: string, name: string, repoId: string, vendor: string, evr: string, from: number, to: number | null): WinnerInterval {
  return { profile, name, repoId, vendor, evr, from, to };
}

const DEFINED = { file: 'test' };

export function rpmRepo(id: string, vendor: string, role: RepoRole, extra: Partial<RpmRepoConfig> = {}): RpmRepoConfig {
  return {
    id,
    vendor,
    role,
    format: 'rpm',
    enabled: true,
    signingKey: null,
    checkValidUntil: true,
    definedAt: DEFINED,
    baseurl: [`file:///repos/${id}`],
    priority: 99,
    cost: 1000,
    excludepkgs: [],
    includepkgs: [],
    repoGpgcheck: false,
    moduleHotfixes: false,
    skipIfUnavailable: false,
    ...extra,
  };
}

export function debRepo(id: string, vendor: string, role: RepoRole, extra: Partial<DebRepoConfig> = {}): DebRepoConfig {
  return {
    id,
    vendor,
    role,
    format: 'deb',
    enabled: true,
    signingKey: null,
    checkValidUntil: true,
    definedAt: DEFINED,
    uri: `file:///repos/${id}/`,
    suite: 'stable',
    components: ['main'],
    architectures: ['amd64'],
    flat: false,
    trusted: true,
    ...extra,
  };
}

export function profile(name: string, repos: string[], format: 'rpm' | 'deb' = 'rpm'): ProfileConfig {
  return {
    name,
    repos,
    format,
    arches: format === 'rpm' ? ['x86_64', 'noarch'] : ['amd64', 'all'],
    allowVendorChange: true,
    vendorSticky: false,
    aptPreferences: [],
    definedAt: DEFINED,
  };
}

export function repoMap(...repos: RepoConfig[]): Map<string, RepoConfig> {
  return new Map(repos.map((r) => [r.id, r]));
}
