/**
 * dnf's versionlock plugin (dnf-plugins-core 4.3), as its sack hook applies the lock list: what
 * it takes out of the repos before anything is resolved.
 *
 * - A line `!PATTERN` excludes the packages PATTERN selects.
 * - Any other line locks: PATTERN is read in the forms NEVRA, NEVR, NEV, NA, NAME in that order;
 *   each reading tried names a locked name, and the first reading that selects something (in the
 *   repos or among the installed packages) gives the locked versions. `dnf versionlock add`
 *   writes the installed NEVRA with arch `*` (`grafana-0:10.2.3-1.fc40.*`).
 * - Every other version of a locked name (the names taken as globs) is excluded, and so is every
 *   package whose Obsoletes: matches a locked version (unless it is one itself).
 * - Installed packages are never excluded.
 */
import { fnmatch, isGlobPattern, nevraReadings, readingMatches, type NevraFields } from '../globs.js';

/** Why each excluded package of `sack` is excluded (installed packages are never in the map). */
export function versionlockExcludes<T extends NevraFields>(
  patterns: readonly string[],
  sack: readonly T[],
  isInstalled: (pkg: T) => boolean,
  obsoletesAny: (by: T, locked: readonly T[]) => boolean,
): Map<T, string> {
  const excluded = new Map<T, string>();
  const locked = new Set<T>();
  const lockedNames = new Set<string>();
  for (const line of patterns) {
    const exclude = line.startsWith('!');
    const pattern = exclude ? line.slice(1) : line;
    for (const reading of nevraReadings(pattern, ['nevra', 'nevr', 'nev', 'na', 'name'])) {
      const hits = sack.filter((pkg) => readingMatches(reading, pkg));
      if (exclude) {
        for (const pkg of hits) if (!excluded.has(pkg)) excluded.set(pkg, `versionlock: excluded by !${pattern}`);
      } else {
        lockedNames.add(reading.name);
        for (const pkg of hits) locked.add(pkg);
      }
      if (hits.length > 0) break;
    }
  }
  if (lockedNames.size > 0) {
    const names = [...lockedNames];
    const ofLockedName = (pkg: T) => names.some((n) => (isGlobPattern(n) ? fnmatch(n, pkg.name) : n === pkg.name));
    const lockedList = [...locked];
    for (const pkg of sack) {
      if (locked.has(pkg) || excluded.has(pkg)) continue;
      if (ofLockedName(pkg)) excluded.set(pkg, `versionlock: ${pkg.name} is locked to another version`);
      else if (obsoletesAny(pkg, lockedList)) excluded.set(pkg, 'versionlock: it obsoletes a locked version');
    }
  }
  for (const pkg of [...excluded.keys()]) if (isInstalled(pkg)) excluded.delete(pkg);
  return excluded;
}
