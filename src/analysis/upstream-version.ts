/**
 * Upstream versions for lag analysis: take a distro package version apart down to the version
 * the upstream project released, compare such versions across rpm and deb, and say how big the
 * gap between two of them is.
 */
import semver from 'semver';
import { parseDebVersion } from '../formats/deb/version.js';
import { parseEvr, rpmvercmp, type Order } from '../formats/rpm/version.js';

export type VersionScheme = 'rpm' | 'deb';
export type Gap = 'none' | 'patch' | 'minor' | 'major' | 'unknown';

/**
 * Debian packaging marks inside the upstream part, removed wherever they appear. Each is
 * preceded by `+`, `~` or `.` and followed by the end or another separator:
 *   +dfsg, +dfsg1, +dfsg.2, ~dfsg, .dfsg   (DFSG repack: non-free files removed)
 *   +ds, +ds1                               (repacked for other reasons)
 *   +repack, +repack2, +repacked
 */
const REPACK_MARK = /[+~.](?:dfsg|ds|repack(?:ed)?)(?:\.?\d+)*(?=$|[+~.:-])/gi;

/**
 * Suffixes that distributions append after the upstream version; in native packages (no
 * revision) they land in the upstream part. Stripped from the end, repeatedly, so stacked ones
 * ("+deb12u1~bpo11+1") all go:
 *   +debNuM / ~debNuM     (stable and security updates: +deb12u1, ~deb11u2)
 *   ~bpoN, ~bpoN+M         (backports: ~bpo12+1)
 *   +bN                    (binNMU rebuilds: +b1)
 *   +nmuN                  (non-maintainer uploads of native packages)
 *   +ubuntuN, ~ubuntuN.M, +buildN (Ubuntu's marks on top of Debian's)
 *   +~csN.M…, +~N.M…       (multi-tarball bundles: the versions of the extra component tarballs,
 *                           e.g. node-ajv 8.12.0+~2.1.1, node-babel7 7.20.15+~cs214.269.168)
 */
const DISTRO_SUFFIX =
  /(?:[+~](?:deb\d+u\d+|bpo\d+(?:\+\d+)?|b\d+|nmu\d+|ubuntu[\d.]*|build\d+)|\+~(?:cs)?[\d.]+)$/i;

/** "2.0+really1.9": the maintainer shipped 1.9 under a higher number to get past a bad upload. */
const REALLY = /[+~.]really/i;

/**
 * The upstream version inside a package version.
 *
 * rpm: the V of [E:]V-R — epoch and release (with its dist tag, `.fc40`, `.el9_2`, `.module+…`)
 * go. `~rc1` and `^20240101git…` stay: they are part of what upstream released (pre-releases,
 * snapshots), and rpmvercmp orders them correctly.
 *
 * deb: epoch and Debian revision go (so do `~bpo…`, `+debNuM`, `+bN`, `ubuntuN` that live in the
 * revision), then, inside the upstream part, `…+reallyX` becomes X, the repack marks of
 * REPACK_MARK are removed, the distro suffixes of DISTRO_SUFFIX are cut from the end (for native
 * packages), and trailing separators are trimmed. `~rc1`/`~beta` and `+gitYYYYMMDD…` snapshot
 * marks stay, for the same reason as in rpm.
 *
 * Throws VersionSyntaxError for a version the packaging tool rejects.
 */
export function upstreamOf(scheme: VersionScheme, version: string): string {
  if (scheme === 'rpm') return parseEvr(version).version;
  let upstream = parseDebVersion(version).upstream;
  const really = REALLY.exec(upstream);
  if (really && really.index + really[0].length < upstream.length) {
    // "5.0.0+really.4.3.1" as well as "2.0+really1.9".
    upstream = upstream.slice(really.index + really[0].length).replace(/^[.+~]+/, '');
  }
  upstream = upstream.replace(REPACK_MARK, '');
  for (let previous = ''; previous !== upstream; ) {
    previous = upstream;
    upstream = upstream.replace(DISTRO_SUFFIX, '');
  }
  const trimmed = upstream.replace(/[.+~:-]+$/, '');
  // Never strip a version down to nothing: "+dfsg" alone is odd, but it is what we were given.
  return trimmed === '' ? upstream : trimmed;
}

/**
 * Order two upstream versions (outputs of upstreamOf, possibly from different schemes, or from a
 * release feed) with rpmvercmp: all separators count alike (`1.2.3` = `1_2_3`), numbers compare as
 * numbers, `~` marks a pre-release and `^` a post-release snapshot. For the strings upstreamOf
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
function coerceStrictly(version: string): semver.SemVer | null {
  const leading = /^v?(\d+)/i.exec(version);
  if (!leading) return null;
  const coerced = semver.coerce(version);
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
