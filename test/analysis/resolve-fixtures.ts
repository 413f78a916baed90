/**
 * Builders for resolver inputs (repo configs, profiles, candidates) shared by the unit tests and
 * the real-dnf / real-apt comparisons. Defaults are the package managers' own defaults.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { AptPin } from '../../src/config/apt-preferences.js';
import type { DebRepoConfig, ProfileConfig, RepoRole, RpmRepoConfig } from '../../src/config/types.js';
import { debRecord, rpmRecord } from '../../src/crawl/records.js';
import { parsePackages } from '../../src/formats/deb/packages.js';
import { parseDebVersion } from '../../src/formats/deb/version.js';
import { parsePrimary } from '../../src/formats/rpm/primary.js';
import { formatEvr } from '../../src/formats/rpm/version.js';
import type { AptReleaseFacts, Candidate, InstalledPackage } from '../../src/analysis/types.js';
import type { VersionRecord } from '../../src/store/types.js';

const definedAt = { file: 'test' };

export function rpmRepo(id: string, over: Partial<RpmRepoConfig> = {}): RpmRepoConfig {
  return {
    id,
    format: 'rpm',
    vendor: over.vendor ?? id,
    role: 'third-party',
    enabled: true,
    signingKey: null,
    checkValidUntil: true,
    definedAt,
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
    id,
    format: 'deb',
    vendor: over.vendor ?? id,
    role: 'third-party',
    enabled: true,
    signingKey: null,
    checkValidUntil: true,
    definedAt,
    uri: `http://example.invalid/${id}/`,
    suite: 'stable',
    components: ['main'],
    architectures: ['amd64'],
    flat: false,
    trusted: true,
    ...over,
  };
}

export function profile(format: 'rpm' | 'deb', repos: string[], over: Partial<ProfileConfig> = {}): ProfileConfig {
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

export function releaseFacts(over: Partial<AptReleaseFacts> = {}): AptReleaseFacts {
  return {
    origin: null,
    label: null,
    archive: 'stable',
    codename: null,
    version: null,
    notAutomatic: false,
    butAutomaticUpgrades: false,
    host: 'example.invalid',
    components: ['main'],
    ...over,
  };
}

function asCandidate(record: VersionRecord, repoId: string, repoVendor: string, format: 'rpm' | 'deb', role: RepoRole): Candidate {
  return { ...record, repoId, firstSeen: 0, repoVendor, role, format };
}

/** An rpm candidate written by hand: "E:V-R" or "V-R". */
export function rpmCandidate(repoId: string, name: string, evr: string, over: Partial<Candidate> = {}): Candidate {
  const m = /^(?:(\d+):)?(.+)-([^-]+)$/.exec(evr);
  if (!m) throw new Error(`bad evr ${evr}`);
  const e = { epoch: Number(m[1] ?? 0), version: m[2]!, release: m[3]! };
  return {
    name,
    arch: 'noarch',
    ...e,
    evr: formatEvr(e),
    vendor: null,
    sourceName: name,
    url: null,
    summary: null,
    buildTime: null,
    repoId,
    firstSeen: 0,
    repoVendor: repoId,
    role: 'third-party',
    format: 'rpm',
    ...over,
  };
}

export function debCandidate(repoId: string, name: string, version: string, over: Partial<Candidate> = {}): Candidate {
  const v = parseDebVersion(version);
  return {
    name,
    arch: 'all',
    epoch: v.epoch,
    version: v.upstream,
    release: v.revision,
    evr: version,
    vendor: null,
    sourceName: name,
    url: null,
    summary: null,
    buildTime: null,
    repoId,
    firstSeen: 0,
    repoVendor: repoId,
    role: 'third-party',
    format: 'deb',
    ...over,
  };
}

export function installedRpm(name: string, evr: string, vendor: string | null, arch = 'noarch'): InstalledPackage {
  const c = rpmCandidate('@System', name, evr);
  return { name, arch, epoch: c.epoch, version: c.version, release: c.release, evr: c.evr, vendor, installTime: null };
}

export function installedDeb(name: string, version: string, arch = 'all'): InstalledPackage {
  const v = parseDebVersion(version);
  return { name, arch, epoch: v.epoch, version: v.upstream, release: v.revision, evr: version, vendor: null, installTime: null };
}

/** Candidates of one built rpm repo, read back from its primary.xml with the project's own parser. */
export async function candidatesFromPrimary(primaryPath: string, repo: RpmRepoConfig): Promise<Candidate[]> {
  const raw = await readFile(primaryPath);
  const xml = primaryPath.endsWith('.gz') ? gunzipSync(raw) : raw;
  const out: Candidate[] = [];
  for await (const pkg of parsePrimary([xml], { file: primaryPath })) out.push(asCandidate(rpmRecord(pkg), repo.id, repo.vendor, 'rpm', repo.role));
  return out;
}

/** Candidates of one built Packages file (uncompressed), read with the project's own parser. */
export async function candidatesFromPackages(packagesPath: string, repo: DebRepoConfig): Promise<Candidate[]> {
  const raw = await readFile(packagesPath);
  const out: Candidate[] = [];
  for await (const pkg of parsePackages((async function* () { yield raw; })(), { file: packagesPath })) {
    out.push(asCandidate(debRecord(pkg), repo.id, repo.vendor, 'deb', repo.role));
  }
  return out;
}

export type { AptPin };
