/**
 * The pattern languages the two package managers use to name packages:
 *
 * - dnf's excludepkgs/includepkgs entries are "subjects" (libdnf's Solution::getBestSolution with
 *   NEVRA forms only, no provides, no file names): the pattern is read as NEVRA, then name.arch,
 *   then name, then name-version-release, then name-version — the first reading that matches ANY
 *   package in the whole sack (every enabled repo plus the installed packages) wins; if none does,
 *   the pattern is fnmatch'ed against the full "name-[epoch:]version-release.arch" string. So
 *   `foo-1*` excludes foo's 1.x versions unless some package is literally named `foo-1…`.
 * - apt's preferences use fnmatch with case folding, or `/regex/` (extended, case-insensitive).
 *
 * Both fnmatch users pass no FNM_PATHNAME / FNM_PERIOD: `*` crosses `/` and leading dots.
 */
import { rpmvercmp } from '../formats/rpm/version.js';
import type { PackagePattern } from '../config/apt-preferences.js';

/** libdnf's hy_is_glob_pattern: any of `*`, `?`, `[`. */
export function isGlobPattern(text: string): boolean {
  return /[*?[]/.test(text);
}

/**
 * POSIX fnmatch(3) without flags (or with FNM_CASEFOLD): `*`, `?`, bracket expressions with `!`/`^`
 * negation and ranges, backslash escapes. An unclosed `[` matches itself, as in glibc.
 */
export function fnmatch(pattern: string, text: string, options: { caseFold?: boolean } = {}): boolean {
  const p = options.caseFold ? pattern.toLowerCase() : pattern;
  const t = options.caseFold ? text.toLowerCase() : text;
  return matchFrom(p, 0, t, 0);
}

function matchFrom(p: string, pi: number, t: string, ti: number): boolean {
  // Iterative with one backtrack point for the last `*` (the classic linear-ish algorithm).
  let starP = -1;
  let starT = -1;
  while (ti < t.length) {
    if (pi < p.length) {
      const c = p[pi]!;
      if (c === '*') {
        while (p[pi] === '*') pi++;
        if (pi === p.length) return true;
        starP = pi;
        starT = ti;
        continue;
      }
      if (c === '?') {
        pi++;
        ti++;
        continue;
      }
      if (c === '[') {
        const bracket = matchBracket(p, pi, t[ti]!);
        if (bracket !== null) {
          if (bracket.matched) {
            pi = bracket.next;
            ti++;
            continue;
          }
        } else if (t[ti] === '[') {
          pi++;
          ti++;
          continue;
        }
      } else if (c === '\\' && pi + 1 < p.length) {
        if (p[pi + 1] === t[ti]) {
          pi += 2;
          ti++;
          continue;
        }
      } else if (c === t[ti]) {
        pi++;
        ti++;
        continue;
      }
    }
    if (starP === -1) return false;
    pi = starP;
    ti = ++starT;
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** A bracket expression at p[start] === '['; null when it is not closed (then `[` is literal). */
function matchBracket(p: string, start: number, ch: string): { matched: boolean; next: number } | null {
  let i = start + 1;
  let negate = false;
  if (p[i] === '!' || p[i] === '^') {
    negate = true;
    i++;
  }
  let matched = false;
  let first = true;
  while (i < p.length && (p[i] !== ']' || first)) {
    first = false;
    let lo = p[i]!;
    if (lo === '\\' && i + 1 < p.length) lo = p[++i]!;
    i++;
    if (p[i] === '-' && i + 1 < p.length && p[i + 1] !== ']') {
      let hi = p[i + 1]!;
      i += 2;
      if (hi === '\\' && i < p.length) hi = p[i++]!;
      if (ch >= lo && ch <= hi) matched = true;
    } else if (ch === lo) {
      matched = true;
    }
  }
  if (i >= p.length) return null;
  return { matched: matched !== negate, next: i + 1 };
}

// ---------------------------------------------------------------- dnf subjects

/** What a dnf subject can be matched against. */
export interface NevraFields {
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
}

/** One reading of a pattern as a NEVRA form: the fields it names (empty: any). */
export interface SubjectReading {
  name: string;
  epoch: number | null;
  version: string;
  release: string;
  arch: string;
}

/** libdnf's NEVRA forms (hawkey FORM_NEVRA, FORM_NA, FORM_NAME, FORM_NEVR, FORM_NEV). */
export type NevraForm = 'nevra' | 'na' | 'name' | 'nevr' | 'nev';

// libdnf's nevra regexes (nevra.cpp).
const NAME = '([^:(/=<> ]+)';
const EPOCH = '(?:([0-9]+):)?';
const VERSION = '([^-:(/=<> ]+)';
const ARCH = '([^-:.(/=<> ]+)';
const FORM_READERS: Readonly<Record<NevraForm, { re: RegExp; read: (m: RegExpExecArray) => SubjectReading }>> = {
  nevra: {
    re: new RegExp(`^${NAME}-${EPOCH}${VERSION}-${VERSION}\\.${ARCH}$`),
    read: (m) => ({ name: m[1]!, epoch: m[2] ? Number(m[2]) : null, version: m[3]!, release: m[4]!, arch: m[5]! }),
  },
  na: { re: new RegExp(`^${NAME}\\.${ARCH}$`), read: (m) => ({ name: m[1]!, epoch: null, version: '', release: '', arch: m[2]! }) },
  name: { re: new RegExp(`^${NAME}$`), read: (m) => ({ name: m[1]!, epoch: null, version: '', release: '', arch: '' }) },
  nevr: {
    re: new RegExp(`^${NAME}-${EPOCH}${VERSION}-${VERSION}$`),
    read: (m) => ({ name: m[1]!, epoch: m[2] ? Number(m[2]) : null, version: m[3]!, release: m[4]!, arch: '' }),
  },
  nev: { re: new RegExp(`^${NAME}-${EPOCH}${VERSION}$`), read: (m) => ({ name: m[1]!, epoch: m[2] ? Number(m[2]) : null, version: m[3]!, release: '', arch: '' }) },
};
/** HY_FORMS_MOST_SPEC: the order a subject (excludepkgs, includepkgs) tries the forms in. */
const MOST_SPECIFIC: readonly NevraForm[] = ['nevra', 'na', 'name', 'nevr', 'nev'];

/** The readings of `pattern` in the given forms, in that order (libdnf's get_nevra_possibilities). */
export function nevraReadings(pattern: string, forms: readonly NevraForm[]): SubjectReading[] {
  const out: SubjectReading[] = [];
  for (const form of forms) {
    const { re, read } = FORM_READERS[form];
    const m = re.exec(pattern);
    if (m && m[1] !== '') out.push(read(m));
  }
  return out;
}

/** libdnf's string filters: glob → fnmatch, else equality (names, arches) or rpmvercmp equality (version, release). */
function fieldMatches(pattern: string, value: string, kind: 'exact' | 'vercmp'): boolean {
  if (pattern === '' || pattern === '*') return true;
  if (isGlobPattern(pattern)) return fnmatch(pattern, value);
  return kind === 'exact' ? pattern === value : rpmvercmp(pattern, value) === 0;
}

/** Does a package match a reading (libdnf's Query::addFilter(nevra))? */
export function readingMatches(r: SubjectReading, pkg: NevraFields): boolean {
  return (
    fieldMatches(r.name, pkg.name, 'exact') &&
    (r.epoch === null || r.epoch === pkg.epoch) &&
    fieldMatches(r.version, pkg.version, 'vercmp') &&
    fieldMatches(r.release, pkg.release, 'vercmp') &&
    fieldMatches(r.arch, pkg.arch, 'exact')
  );
}

/** "name-[epoch:]version-release.arch" as libdnf's nevra filter spells it (epoch shown when asked). */
function nevraString(pkg: NevraFields, withEpoch: boolean): string {
  const epoch = withEpoch ? `${pkg.epoch}:` : '';
  const release = pkg.release === '' ? '' : `-${pkg.release}`;
  return `${pkg.name}-${epoch}${pkg.version}${release}.${pkg.arch}`;
}

/**
 * The packages of `sack` a dnf excludepkgs/includepkgs entry selects (libdnf getBestSolution with
 * NEVRA forms only). `sack` must be everything dnf would have loaded: all enabled repos of the
 * profile and the installed packages, because the choice of reading depends on all of them.
 */
export function dnfSubjectQuery<T extends NevraFields>(pattern: string, sack: readonly T[]): T[] {
  for (const reading of nevraReadings(pattern, MOST_SPECIFIC)) {
    const hits = sack.filter((pkg) => readingMatches(reading, pkg));
    if (hits.length > 0) return hits;
  }
  // Fallback: the whole NEVRA string; dnf skips patterns holding characters no NEVRA has.
  if (/[(/=<> ]/.test(pattern)) return [];
  const withEpoch = pattern.includes(':');
  if (isGlobPattern(pattern)) return sack.filter((pkg) => fnmatch(pattern, nevraString(pkg, withEpoch)));
  return sack.filter((pkg) => pattern === nevraString(pkg, withEpoch));
}

// ---------------------------------------------------------------- apt patterns

/** apt's pkgVersionMatch::ExpressionMatches: `/regex/` (ERE, case-insensitive) or fnmatch with case folding. */
export function aptExpressionMatches(pattern: string, text: string | null): boolean {
  if (text === null) return false;
  if (pattern.length >= 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    let re: RegExp;
    try {
      re = new RegExp(pattern.slice(1, -1), 'i');
    } catch {
      return false; // apt warns "Invalid regular expression" and matches nothing
    }
    return re.test(text);
  }
  return fnmatch(pattern, text, { caseFold: true });
}

/** What an apt package pattern is matched against. */
export interface AptPackageFacts {
  name: string;
  arch: string;
  /** Source package name (the binary's own name when it has no Source field). */
  sourceName: string | null;
}

/**
 * Whether a preferences `Package:` word selects this package (apt 2.6, checked against real apt on
 * a multi-arch root). Plain names are exact (apt looks the group up by name); globs and /regex/
 * are matched against every name apt knows, as apt expands them when it reads the file; `src:`
 * selects binaries built from that source package. Without a `:arch` suffix a word selects only
 * the native architecture's package (where arch "all" packages live), never `name:i386`;
 * `name:arch` selects that architecture's, `name:any` every one.
 */
export function aptPackagePatternMatches(pattern: PackagePattern, pkg: AptPackageFacts, nativeArch: string): boolean {
  if (pattern.kind === 'any') return true;
  const subject = pattern.source ? (pkg.sourceName ?? pkg.name) : pkg.name;
  const { base, arch } = pattern.kind === 'regex' ? { base: `/${pattern.pattern}/`, arch: null } : splitArch(pattern.kind === 'name' ? pattern.name : pattern.pattern);
  const wanted = arch ?? nativeArch;
  if (wanted !== 'any' && wanted !== (pkg.arch === 'all' ? nativeArch : pkg.arch)) return false;
  if (pattern.kind === 'name' && !isRegexWord(base)) return base === subject;
  return aptExpressionMatches(base, subject);
}

function isRegexWord(word: string): boolean {
  return word.length > 1 && word.startsWith('/') && word.endsWith('/');
}

function splitArch(word: string): { base: string; arch: string | null } {
  const colon = word.lastIndexOf(':');
  return colon === -1 ? { base: word, arch: null } : { base: word.slice(0, colon), arch: word.slice(colon + 1) };
}
