/**
 * Builders for config objects — rpm and deb repos, profiles, the repo map — with only the parts a
 * test cares about spelled out. Defaults are the package managers' own defaults (dnf priority 99 and
 * cost 1000, apt's "stable main amd64"); vendor defaults to the repo id, role to third-party.
 */
import type { DebRepoConfig, ProfileConfig, RepoConfig, RepoRole, RpmRepoConfig, UpgradePathConfig } from '../../src/config/types.js';
import type { PackageFormat } from '../../src/formats/types.js';

const definedAt = { file: 'test' };

/** The fields every repo has, whatever its format. */
function repoBase(id: string, vendor: string | undefined): { id: string; vendor: string; role: RepoRole; enabled: boolean; signingKey: null; checkValidUntil: boolean; definedAt: { file: string } } {
  return { id, vendor: vendor ?? id, role: 'third-party', enabled: true, signingKey: null, checkValidUntil: true, definedAt };
}

export function rpmRepo(id: string, over: Partial<RpmRepoConfig> = {}): RpmRepoConfig {
  return {
    ...repoBase(id, over.vendor),
    format: 'rpm',
    baseurl: [`file:///${id}`],
    priority: 99,
    cost: 1000,
    excludepkgs: [],
    includepkgs: [],
    repoGpgcheck: false,
    moduleHotfixes: false,
    skipIfUnavailable: false,
    ...over,
  };
}

export function debRepo(id: string, over: Partial<DebRepoConfig> = {}): DebRepoConfig {
  return {
    ...repoBase(id, over.vendor),
    format: 'deb',
    uri: `http://example.invalid/${id}/`,
    suite: 'stable',
    components: ['main'],
    architectures: ['amd64'],
    flat: false,
    trusted: true,
    ...over,
  };
}

/** A profile over `repos` (named "p" unless `over.name` says otherwise), with the format's usual arches. */
export function profile(format: PackageFormat, repos: string[], over: Partial<ProfileConfig> = {}): ProfileConfig {
  return {
    name: 'p',
    repos,
    format,
    arches: format === 'rpm' ? ['x86_64', 'noarch'] : ['amd64', 'all'],
    allowVendorChange: true,
    vendorSticky: false,
    aptPreferences: [],
    definedAt,
    ...over,
  };
}

/** An upgrade path through `profiles`, oldest first. */
export function upgradePath(name: string, profiles: string[], over: Partial<UpgradePathConfig> = {}): UpgradePathConfig {
  return { name, profiles, definedAt, ...over };
}

export function repoMap(...repos: RepoConfig[]): Map<string, RepoConfig> {
  return new Map(repos.map((r) => [r.id, r]));
}
