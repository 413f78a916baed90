/**
 * Records the format parsers yield. They are plain data: the store and the analysis never see XML
 * or deb822 text.
 */

/** The two package formats: rpm (dnf, yum) and deb (apt). Every `'rpm' | 'deb'` in the code is this. */
export type PackageFormat = 'rpm' | 'deb';

/** The answer of a version comparison: a before b, equal, a after b. */
export type Order = -1 | 0 | 1;

/** A dependency-style entry: `name`, optionally with a relation and a version. */
export interface Relation {
  name: string;
  /** rpm flags (EQ, LT, LE, GT, GE) or deb operators (=, <<, <=, >>, >=). */
  flags?: string;
  /** Full version text of the relation, e.g. "1:2.3-4" (rpm EVR joined) or "2.3-4" (deb). */
  version?: string;
}

export interface RpmChecksum {
  type: string;
  value: string;
}

export interface RpmPackage {
  name: string;
  arch: string;
  /** rpm epoch; 0 when absent (createrepo_c always writes one). */
  epoch: number;
  version: string;
  release: string;
  summary: string | null;
  url: string | null;
  vendor: string | null;
  packager: string | null;
  license: string | null;
  sourcerpm: string | null;
  /** Seconds since the epoch; null when absent. */
  buildTime: number | null;
  fileTime: number | null;
  /** Package size in bytes (the .rpm) when given. */
  packageSize: number | null;
  location: { href: string; base?: string };
  checksum: RpmChecksum | null;
  provides: Relation[];
  /** `rpm:obsoletes` entries: the packages this one replaces on `dnf upgrade`. */
  obsoletes: Relation[];
}

export interface DebSource {
  name: string;
  /** Present when the binary was built from a different source version (binNMU). */
  version: string | null;
}

export interface DebPackage {
  package: string;
  version: string;
  architecture: string;
  source: DebSource | null;
  maintainer: string | null;
  homepage: string | null;
  /** First line of Description. */
  summary: string | null;
  provides: Relation[];
  /** The relationship fields as written (folded onto one line), null when absent. */
  providesText: string | null;
  depends: string | null;
  preDepends: string | null;
  conflicts: string | null;
  breaks: string | null;
  replaces: string | null;
  multiArch: string | null;
  filename: string | null;
  sha256: string | null;
  size: number | null;
  section: string | null;
  /**
   * Phased-Update-Percentage, 0–99, as apt reads it (a leading number; above 100, negative or not
   * a number: not phased). null: not phased (absent, or 100).
   */
  phasedUpdatePercentage: number | null;
}
