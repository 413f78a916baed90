/**
 * The upstream version inside a Debian package version: what the upstream project released,
 * without the epoch, the Debian revision and the marks Debian packaging adds to the upstream part.
 */
import { parseDebVersion } from './version.js';

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
 * The upstream version inside a Debian package version: epoch and Debian revision go (so do `~bpo…`, `+debNuM`, `+bN`, `ubuntuN` that live in the
 * revision), then, inside the upstream part, `…+reallyX` becomes X, the repack marks of
 * REPACK_MARK are removed, the distro suffixes of DISTRO_SUFFIX are cut from the end (for native
 * packages), and trailing separators are trimmed. `~rc1`/`~beta` and `+gitYYYYMMDD…` snapshot
 * marks stay: they are part of what upstream released (pre-releases, snapshots).
 *
 * Throws VersionSyntaxError for a version the packaging tool rejects.
 */
export function debUpstreamOf(version: string): string {
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
