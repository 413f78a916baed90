/**
 * Upstream versions across formats: order two of them (taken out of package versions by a
 * version scheme's `upstream`, see version-scheme.ts, or read from a release feed) and say how
 * big the gap between them is.
 */
import { createRequire } from 'node:module';
import type { SemVer } from 'semver';
import { rpmvercmp } from './rpm/version.js';
import type { Order } from './types.js';

type Coerce = (version: string) => SemVer | null;
let semverCoerce: Coerce | null = null;

/**
 * semver's coerce, loaded at its first use: every command's start-up imports this module (through
 * the version schemes), and loading all of semver was most of that start-up's module loading,
 * while only gap classification (audit, report, check) ever calls it.
 */
function coerce(version: string): SemVer | null {
  semverCoerce ??= createRequire(import.meta.url)('semver/functions/coerce') as Coerce;
  return semverCoerce(version);
}

export type Gap = 'none' | 'patch' | 'minor' | 'major' | 'unknown';

/**
 * Order two upstream versions (outputs of a scheme's `upstream`, possibly from different formats,
 * or from a release feed) with rpmvercmp: all separators count alike (`1.2.3` = `1_2_3`), numbers compare as
 * numbers, `~` marks a pre-release and `^` a post-release snapshot. For the strings `upstream`
 * leaves this agrees with dpkg's order except where the two disagree about punctuation, which
 * upstream projects do not use to order releases.
 */
export function compareUpstream(a: string, b: string): Order {
  return rpmvercmp(a, b);
}

/**
 * semver.coerce, but only where it reads the version we meant: the string must start with its
 * first number (an optional `v` aside) and coerce must keep that number — it silently turns
 * "2017100100000000001" into 1.0.0 and "foo5" into 5.0.0.
 */
function coerceStrictly(version: string): SemVer | null {
  const leading = /^v?(\d+)/i.exec(version);
  if (!leading) return null;
  const coerced = coerce(version);
  if (!coerced) return null;
  const leadingNumber = leading[1]!.replace(/^0+(?=\d)/, '');
  return String(coerced.major) === leadingNumber ? coerced : null;
}

/**
 * How far apart two upstream versions are: 'none' when compareUpstream says equal, otherwise the
 * first of major/minor/patch that differs after semver.coerce (1.8.0 → 2.3.1 is major, 6.1.6 →
 * 6.2.1 minor). Versions that differ only beyond the third number or in suffixes (1.2.3.4 vs
 * 1.2.3.5, 1.0~rc1 vs 1.0, 2024a vs 2024b) count as 'patch'. 'unknown' when either does not
 * coerce (no leading number). The order of the arguments does not change the answer.
 */
export function classifyGap(older: string, newer: string): Gap {
  if (compareUpstream(older, newer) === 0) return 'none';
  const a = coerceStrictly(older);
  const b = coerceStrictly(newer);
  if (!a || !b) return 'unknown';
  if (a.major !== b.major) return 'major';
  if (a.minor !== b.minor) return 'minor';
  return 'patch';
}
