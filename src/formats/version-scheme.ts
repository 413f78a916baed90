/**
 * One version scheme per package format, in the shape of Renovate's `VersioningApi`: everything
 * outside formats/ that parses, orders or takes apart a package version asks
 * `versionScheme(format)` instead of choosing between the rpm and the deb functions itself.
 *
 * - parse: text → the parts the store keeps (rpm E/V/R, deb epoch/upstream/revision);
 * - compare: two versions in parts, in the package manager's order (rpm.labelCompare, dpkg);
 * - compareText: two version texts the way the tool's own command reads them (rpmdev-vercmp,
 *   `dpkg --compare-versions`), with dpkg's warnings — the contract of `repoclash vercmp`;
 * - upstream: the version the upstream project released, inside a package version;
 * - gap: how far apart the upstream parts of two package versions are (upstream-version.ts);
 * - sortKey: a string whose byte order is `compare`'s, for SQL (sort-key.ts).
 */
import { VersionSyntaxError, type ErrorLocation } from '../errors.js';
import { compareDebVersions, inspectDebVersion, parseDebVersion, parseDebVersionForComparison, type DebVersion } from './deb/version.js';
import { debUpstreamOf } from './deb/upstream.js';
import { compareEvr, parseEvr, type Evr } from './rpm/version.js';
import { debSortKey, rpmSortKey } from './sort-key.js';
import type { Order, PackageFormat } from './types.js';
import { classifyGap, type Gap } from './upstream-version.js';

/** A version taken apart as the store keeps it: for deb, `version` is the upstream part and `release` the revision. */
export type VersionParts = Evr;

export interface VersionComparison {
  order: Order;
  /** dpkg's warnings for versions it accepts but frowns upon (deb only). */
  warnings: string[];
}

export interface VersionScheme {
  readonly format: PackageFormat;
  /** Throws VersionSyntaxError for a version the format's tool rejects. */
  parse(text: string, where?: ErrorLocation): VersionParts;
  compare(a: VersionParts, b: VersionParts): Order;
  /** Throws VersionSyntaxError for what the tool's command rejects. */
  compareText(a: string, b: string): VersionComparison;
  /** Throws VersionSyntaxError for a version the format's tool rejects. */
  upstream(text: string): string;
  /** The gap between the upstream parts of two package versions; null when either does not parse. */
  gap(a: string, b: string): Gap | null;
  /** An order-preserving key: plain byte order of two keys is `compare` of the two versions. */
  sortKey(v: VersionParts): string;
}

/** The upstream part, or null for a version the tool rejects. */
function upstreamOrNull(scheme: Pick<VersionScheme, 'upstream'>, text: string): string | null {
  try {
    return scheme.upstream(text);
  } catch (err) {
    if (err instanceof VersionSyntaxError) return null;
    throw err;
  }
}

function gapOf(scheme: Pick<VersionScheme, 'upstream'>, a: string, b: string): Gap | null {
  const ua = upstreamOrNull(scheme, a);
  const ub = upstreamOrNull(scheme, b);
  return ua === null || ub === null ? null : classifyGap(ua, ub);
}

/** rpm.labelCompare refuses an EVR without a version ("1:-1"); so does rpmdev-vercmp. */
function parseEvrToCompare(text: string): Evr {
  const evr = parseEvr(text);
  if (evr.version === '') throw new VersionSyntaxError(`invalid rpm version '${text}': version is empty`);
  return evr;
}

const rpm: VersionScheme = {
  format: 'rpm',
  parse: (text, where) => parseEvr(text, where),
  compare: compareEvr,
  compareText: (a, b) => ({ order: compareEvr(parseEvrToCompare(a), parseEvrToCompare(b)), warnings: [] }),
  // The V of [E:]V-R: epoch and release (with its dist tag, `.fc40`, `.el9_2`, `.module+…`) go;
  // `~rc1` and `^20240101git…` stay, they are part of what upstream released.
  upstream: (text) => parseEvr(text).version,
  gap: (a, b) => gapOf(rpm, a, b),
  sortKey: rpmSortKey,
};

const asDeb = (v: VersionParts): DebVersion => ({ epoch: v.epoch, upstream: v.version, revision: v.release });

const deb: VersionScheme = {
  format: 'deb',
  parse: (text, where) => {
    const v = parseDebVersion(text, where);
    return { epoch: v.epoch, version: v.upstream, release: v.revision };
  },
  compare: (a, b) => compareDebVersions(asDeb(a), asDeb(b)),
  compareText: (a, b) => {
    const warnings: string[] = [];
    const read = (text: string): DebVersion => {
      // '' and '<unknown>' are dpkg's "no version"; everything else is parsed, keeping warnings.
      if (text === '' || text === '<unknown>') return parseDebVersionForComparison(text);
      const inspected = inspectDebVersion(text);
      warnings.push(...inspected.warnings);
      return inspected.version;
    };
    const va = read(a);
    const vb = a === b ? va : read(b);
    return { order: compareDebVersions(va, vb), warnings };
  },
  upstream: debUpstreamOf,
  gap: (a, b) => gapOf(deb, a, b),
  sortKey: debSortKey,
};

const SCHEMES: Record<PackageFormat, VersionScheme> = { rpm, deb };

export function versionScheme(format: PackageFormat): VersionScheme {
  return SCHEMES[format];
}
