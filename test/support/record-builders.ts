/**
 * Builders for what the analysis reads: stored versions, resolver candidates, intervals, winners,
 * installed packages and apt Release facts, with only the interesting parts spelled out.
 */
import type { AptReleaseFacts, Candidate, InstalledPackage } from '../../src/analysis/types.js';
import type { RepoRole } from '../../src/config/types.js';
import type { StoredVersion, VersionInterval, WinnerInterval } from '../../src/store/types.js';
import { parseDebVersion } from '../../src/formats/deb/version.js';
import { formatEvr, parseEvr } from '../../src/formats/rpm/version.js';
import type { PackageFormat } from '../../src/formats/types.js';
import { publisherOf } from '../../src/analysis/vendors.js';

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

/** A stored rpm version (x86_64, first seen 2019-01-01 unless `facts` says otherwise). */
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

/** A stored deb version (amd64, no build time: Packages files carry none). */
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

/** A stored version as a resolver candidate of a repo with this vendor and role. */
export function candidate(v: StoredVersion, repoVendor: string, role: RepoRole, format: PackageFormat = 'rpm'): Candidate {
  return { ...v, repoVendor, publisher: publisherOf(format, v.vendor, repoVendor), role, format };
}

export function interval(v: StoredVersion, lastSeen: number | null, presentUntil = lastSeen ?? at('2030-01-01')): VersionInterval {
  return { ...v, lastSeen, presentUntil };
}

export function winner(profile: string, name: string, repoId: string, vendor: string, evr: string, from: number, to: number | null): WinnerInterval {
  return { profile, name, repoId, vendor, evr, from, to };
}

interface ParsedVersion {
  epoch: number;
  version: string;
  release: string;
  evr: string;
}

/** A candidate written by hand for the resolver tests: the repo's vendor is its id, first seen at 0. */
function handCandidate(repoId: string, name: string, arch: string, format: PackageFormat, v: ParsedVersion, over: Partial<Candidate>): Candidate {
  const hand: Omit<Candidate, 'publisher'> = {
    name,
    arch,
    ...v,
    vendor: null,
    sourceName: name,
    url: null,
    summary: null,
    buildTime: null,
    repoId,
    firstSeen: 0,
    repoVendor: repoId,
    role: 'third-party',
    format,
    ...over,
  };
  return { ...hand, publisher: over.publisher ?? publisherOf(format, hand.vendor, hand.repoVendor) };
}

/** The "E:V-R" or "V-R" of a hand-written rpm candidate. */
function parseHandEvr(evr: string): ParsedVersion {
  const m = /^(?:(\d+):)?(.+)-([^-]+)$/.exec(evr);
  if (!m) throw new Error(`bad evr ${evr}`);
  const e = { epoch: Number(m[1] ?? 0), version: m[2]!, release: m[3]! };
  return { ...e, evr: formatEvr(e) };
}

/** An rpm candidate written by hand: "E:V-R" or "V-R", noarch. */
export function rpmCandidate(repoId: string, name: string, evr: string, over: Partial<Candidate> = {}): Candidate {
  return handCandidate(repoId, name, 'noarch', 'rpm', parseHandEvr(evr), over);
}

/** A deb candidate written by hand, arch all. */
export function debCandidate(repoId: string, name: string, version: string, over: Partial<Candidate> = {}): Candidate {
  const v = parseDebVersion(version);
  return handCandidate(repoId, name, 'all', 'deb', { epoch: v.epoch, version: v.upstream, release: v.revision, evr: version }, over);
}

export function installedRpm(name: string, evr: string, vendor: string | null, arch = 'noarch'): InstalledPackage {
  const { epoch, version, release, evr: formatted } = parseHandEvr(evr);
  return { name, arch, epoch, version, release, evr: formatted, vendor, installTime: null };
}

export function installedDeb(name: string, version: string, arch = 'all'): InstalledPackage {
  const v = parseDebVersion(version);
  return { name, arch, epoch: v.epoch, version: v.upstream, release: v.revision, evr: version, vendor: null, installTime: null };
}

/** apt Release facts of a plain "stable main" suite on example.invalid. */
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
