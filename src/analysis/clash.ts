/**
 * Clashes: in one profile, one name shipped by repos of two or more vendors (canonical vendors, so
 * "Fedora" and "Fedora Project" are one). Each clash says who shipped the name first, whether it is
 * the same software, who wins now, and whether the vendors' versions interleave.
 *
 * Severity:
 * - error: the software differs (installing the winner replaces a different program), or the
 *   winner is not the first-comer AND the versions interleave (the name will keep changing hands);
 * - warning: the winner is not the first-comer, or the versions interleave;
 * - info: otherwise (the first-comer wins, same or undetermined software, no interleaving).
 * An unknown first-comer or winner does not raise the severity by itself.
 *
 * Across profiles: a name that clashes in several profiles gets one finding per profile (winner,
 * versions and severity are per-profile facts, and per-profile keys keep the weekly report's
 * new/resolved tracking exact); `linkClashesAcrossProfiles` fills each finding's `alsoIn` with
 * the other profiles, so a renderer can group them.
 */
import type { PackageFormat } from '../formats/types.js';
import { byVendor, hasSeveralVendors, type WinnersByName } from './by-name.js';
import { findingKey, type ClashFinding, type ClashVendor, type TimeEvidence, type VersionRef } from './findings.js';
import { versionScheme } from '../formats/version-scheme.js';
import { newest } from './order.js';
import { judgeSameSoftware, type SoftwareFacts } from './same-software.js';
import type { Candidate, Severity } from './types.js';

export interface ClashInput {
  profile: string;
  format: PackageFormat;
  /** The profile's current versions by name (candidates carry canonical publishers). */
  byName: ReadonlyMap<string, readonly Candidate[]>;
  winners: WinnersByName;
}

export function versionRef(c: Candidate): VersionRef {
  return { repoId: c.repoId, vendor: c.publisher, evr: c.evr, arch: c.arch };
}

function distinctEvrs(candidates: readonly Candidate[]): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const c of candidates) if (!seen.has(c.evr)) seen.set(c.evr, c);
  return [...seen.values()];
}

function summariseVendor(format: PackageFormat, vendor: string, candidates: readonly Candidate[]): ClashVendor {
  let earliestBuildTime: number | null = null;
  let earliestFirstSeen = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c.buildTime !== null && (earliestBuildTime === null || c.buildTime < earliestBuildTime)) earliestBuildTime = c.buildTime;
    if (c.firstSeen < earliestFirstSeen) earliestFirstSeen = c.firstSeen;
  }
  return {
    vendor,
    repos: [...new Set(candidates.map((c) => c.repoId))].sort(),
    newest: versionRef(newest(format, candidates)!),
    versionCount: distinctEvrs(candidates).length,
    earliestBuildTime,
    earliestFirstSeen,
  };
}

/**
 * Who shipped first: by earliest build time when every vendor has one (the vendors' own clocks,
 * meaningful even on the first crawl), else by earliest first_seen (deb has no build times; our
 * clock only tells who was there first since we started watching). A tie → null.
 */
export function firstComer(vendors: readonly ClashVendor[]): { vendor: string | null; evidence: TimeEvidence } {
  const evidence: TimeEvidence = vendors.every((v) => v.earliestBuildTime !== null) ? 'buildTime' : 'firstSeen';
  const time = (v: ClashVendor): number => (evidence === 'buildTime' ? v.earliestBuildTime! * 1000 : v.earliestFirstSeen);
  // Our own clock is only as precise as a crawl: repos first seen in one crawl (milliseconds apart,
  // in whatever order they were fetched) were there together, and that is a tie.
  const margin = evidence === 'firstSeen' ? FIRST_SEEN_MARGIN_MS : 0;
  const sorted = [...vendors].sort((a, b) => time(a) - time(b));
  const [best, next] = sorted;
  if (best === undefined) return { vendor: null, evidence };
  const tie = next !== undefined && time(next) - time(best) <= margin;
  return { vendor: tie ? null : best.vendor, evidence };
}

/** How far apart two first sightings must be to say one vendor came first: longer than a crawl. */
const FIRST_SEEN_MARGIN_MS = 60 * 60 * 1000;

/**
 * Ordered by version, do the vendors' versions alternate — some vendor has versions both below and
 * above another vendor's (A < B < A)? Versions shipped by several vendors alike are neutral.
 */
export function versionsInterleave(format: PackageFormat, perVendor: ReadonlyMap<string, readonly Candidate[]>): boolean {
  const all: Array<{ vendor: string; c: Candidate }> = [];
  for (const [vendor, cs] of perVendor) for (const c of distinctEvrs(cs)) all.push({ vendor, c });
  all.sort((a, b) => versionScheme(format).compare(a.c, b.c));
  const closed = new Set<string>();
  let runVendor: string | null = null;
  for (let i = 0; i < all.length; ) {
    // One step = every entry with this same version.
    let j = i + 1;
    while (j < all.length && versionScheme(format).compare(all[j]!.c, all[i]!.c) === 0) j++;
    const vendor = all[i]!.vendor;
    const tiedWithOtherVendor = all.slice(i + 1, j).some((e) => e.vendor !== vendor);
    i = j;
    if (tiedWithOtherVendor) continue;
    if (vendor === runVendor) continue;
    if (closed.has(vendor)) return true;
    if (runVendor !== null) closed.add(runVendor);
    runVendor = vendor;
  }
  return false;
}

function softwareFacts(vendor: string, candidates: readonly Candidate[]): SoftwareFacts {
  const urls = new Set<string>();
  const sources = new Set<string>();
  const summaries = new Set<string>();
  for (const c of candidates) {
    if (c.url) urls.add(c.url);
    if (c.sourceName) sources.add(c.sourceName);
    if (c.summary) summaries.add(c.summary);
  }
  return { vendor, urls: [...urls], sourceNames: [...sources], summaries: [...summaries] };
}

function clashSeverity(f: Pick<ClashFinding, 'software' | 'winnerIsFirstComer' | 'interleaved'>): Severity {
  const usurped = f.winnerIsFirstComer === false;
  if (f.software.verdict === 'different' || (usurped && f.interleaved)) return 'error';
  if (usurped || f.interleaved) return 'warning';
  return 'info';
}

function clashTitle(name: string, f: Pick<ClashFinding, 'vendors' | 'firstComer' | 'winner' | 'software'>): string {
  const parts = f.vendors.map((v) => {
    const marks: string[] = [];
    if (v.vendor === f.firstComer) marks.push('first');
    if (f.winner && f.winner.vendor === v.vendor) marks.push('wins');
    return `${v.vendor} ${v.newest.evr}${marks.length ? ` (${marks.join(', ')})` : ''}`;
  });
  const what = f.software.verdict === 'different' ? ' — different programs' : '';
  return `${name} is shipped by ${f.vendors.length} vendors: ${parts.join(', ')}${what}`;
}

/** Analyse one name's candidates; null when they come from a single vendor. */
export function clashOf(input: Omit<ClashInput, 'byName'>, name: string, candidates: readonly Candidate[]): ClashFinding | null {
  if (!hasSeveralVendors(candidates)) return null;
  const perVendor = byVendor(candidates);
  const summaries = [...perVendor].map(([vendor, cs]) => summariseVendor(input.format, vendor, cs));
  const first = firstComer(summaries);
  summaries.sort((a, b) => Number(b.vendor === first.vendor) - Number(a.vendor === first.vendor) || (a.vendor < b.vendor ? -1 : a.vendor > b.vendor ? 1 : 0));
  const won = input.winners.get(name);
  const winner = won ? versionRef(won) : null;
  const software = judgeSameSoftware(name, summaries.map((v) => softwareFacts(v.vendor, perVendor.get(v.vendor)!)));
  const partial = {
    vendors: summaries,
    firstComer: first.vendor,
    firstComerEvidence: first.evidence,
    software,
    winner,
    winnerIsFirstComer: winner && first.vendor !== null ? winner.vendor === first.vendor : null,
    interleaved: versionsInterleave(input.format, perVendor),
  };
  return {
    kind: 'clash',
    severity: clashSeverity(partial),
    key: findingKey.clash(input.profile, name),
    name,
    title: clashTitle(name, partial),
    scope: input.profile,
    profile: input.profile,
    ...partial,
    alsoIn: [],
  };
}

/** Every clash of one profile, by name. */
export function findClashes(input: ClashInput): ClashFinding[] {
  const out: ClashFinding[] = [];
  for (const [name, candidates] of input.byName) {
    const finding = clashOf(input, name, candidates);
    if (finding) out.push(finding);
  }
  return out;
}

/** The clashes again, each with `alsoIn` listing the other profiles where the same name clashes (sorted). */
export function linkClashesAcrossProfiles(clashes: readonly ClashFinding[]): ClashFinding[] {
  const profilesByName = new Map<string, string[]>();
  for (const c of clashes) {
    const list = profilesByName.get(c.name);
    if (list) list.push(c.profile);
    else profilesByName.set(c.name, [c.profile]);
  }
  return clashes.map((c) => ({ ...c, alsoIn: profilesByName.get(c.name)!.filter((p) => p !== c.profile).sort() }));
}
