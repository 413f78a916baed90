/**
 * What a packager submits, whatever it was read from (a bare name, a .spec, a debian/ directory,
 * a built .rpm or .deb): the binary names it would ship with their Provides and what they say
 * about the software (URL/Homepage, summary, source package), and the version. The check analysis
 * sees only this.
 */
import type { PackageFormat } from '../formats/types.js';

export type SubmissionKind = 'name' | 'spec' | 'debian' | 'rpm' | 'deb';

/** One binary package of the submission. */
export interface SubmittedName {
  name: string;
  /** Virtual names it provides (self-provides such as `name` and `name(x86-64)` left out). */
  provides: string[];
  /** URL (rpm) / Homepage (deb); null when not given. */
  url: string | null;
  summary: string | null;
  /** Source package it is built from. */
  sourceName: string;
  /** rpm arch / deb Architecture (`any` and `all` as written); null for a bare name. */
  arch: string | null;
}

export interface Submission {
  kind: SubmissionKind;
  /** The file or directory read; null for a bare name. */
  path: string | null;
  /** null for a bare name: the target profile decides. */
  format: PackageFormat | null;
  sourceName: string;
  names: SubmittedName[];
  /** Full version text: rpm "[E:]V-R", deb "[E:]U[-R]"; null when a bare name came without --version. */
  version: string | null;
  /** rpm header Vendor, when the input carries one. */
  vendor: string | null;
}

/** A submission from a bare name (and optionally --version). */
export function nameSubmission(name: string, version: string | null): Submission {
  return {
    kind: 'name',
    path: null,
    format: null,
    sourceName: name,
    names: [{ name, provides: [], url: null, summary: null, sourceName: name, arch: null }],
    version,
    vendor: null,
  };
}
