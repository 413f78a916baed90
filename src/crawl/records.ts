/** Parser records → the store's VersionRecord, one mapping per format. */
import type { DebPackage, RpmPackage } from '../formats/types.js';
import { formatEvr, sourceRpmName } from '../formats/rpm/version.js';
import { parseDebVersion } from '../formats/deb/version.js';
import type { ErrorLocation } from '../errors.js';
import { redactCredentials } from '../sanitize.js';
import type { VersionRecord } from '../store/index.js';

export function rpmRecord(pkg: RpmPackage): VersionRecord {
  return {
    name: pkg.name,
    arch: pkg.arch,
    epoch: pkg.epoch,
    version: pkg.version,
    release: pkg.release,
    evr: formatEvr({ epoch: pkg.epoch, version: pkg.version, release: pkg.release }),
    vendor: pkg.vendor,
    sourceName: sourceRpmName(pkg.sourcerpm),
    url: pkg.url === null ? null : redactCredentials(pkg.url),
    summary: pkg.summary,
    buildTime: pkg.buildTime,
  };
}

export function debRecord(pkg: DebPackage, where: ErrorLocation = {}): VersionRecord {
  // The Packages parser already validated the version; parse again only to split it.
  const v = parseDebVersion(pkg.version, where);
  return {
    name: pkg.package,
    arch: pkg.architecture,
    epoch: v.epoch,
    version: v.upstream,
    release: v.revision,
    evr: pkg.version,
    // Debian packages carry no vendor field; the repo's vendor is stored with the repo.
    vendor: null,
    sourceName: pkg.source?.name ?? pkg.package,
    url: pkg.homepage === null ? null : redactCredentials(pkg.homepage),
    summary: pkg.summary,
    // Packages files carry no build time; first_seen stands in for "when it was shipped".
    buildTime: null,
    debRelations: {
      depends: pkg.depends,
      preDepends: pkg.preDepends,
      conflicts: pkg.conflicts,
      breaks: pkg.breaks,
      provides: pkg.providesText,
      phasedUpdatePercentage: pkg.phasedUpdatePercentage,
      phasedSourceVersion: pkg.phasedUpdatePercentage === null ? null : (pkg.source?.version ?? pkg.version),
    },
  };
}
