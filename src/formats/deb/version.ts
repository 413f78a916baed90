/**
 * Debian version syntax and order, as dpkg 1.21 has them (lib/dpkg/parsehelp.c parseversion and
 * lib/dpkg/version.c verrevcmp): what dpkg rejects, what it only warns about, and how two versions
 * compare. Checked against dpkg and python3-apt in test/formats/version-differential.test.ts.
 */
import { VersionSyntaxError, type ErrorLocation } from '../../errors.js';
import type { Order } from '../types.js';

export interface DebVersion {
  epoch: number;
  upstream: string;
  /** '' when the version has no Debian revision. */
  revision: string;
}

/** dpkg refuses to go on (an error) or carries on after printing a warning. */
type Verdict =
  | { ok: true; version: DebVersion; warning?: string }
  | { ok: false; reason: string };

/** dpkg's epoch limit (INT_MAX). */
const MAX_EPOCH = 2147483647;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
/** c_isblank: only space and tab count as the whitespace dpkg trims or calls "embedded". */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}
/** C isspace(): what strtol skips before the epoch's digits. */
function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Punctuation dpkg allows without a warning: upstream `.-+~:`, revision `.+~`. */
function isUpstreamPunctuation(c: number): boolean {
  return c === 0x2e || c === 0x2d || c === 0x2b || c === 0x7e || c === 0x3a;
}
function isRevisionPunctuation(c: number): boolean {
  return c === 0x2e || c === 0x2b || c === 0x7e;
}

/**
 * Follow parseversion step by step: the order of the checks decides which message a string with
 * several problems gets, and the messages are dpkg's own.
 */
function judge(text: string): Verdict {
  let start = 0;
  while (start < text.length && isBlank(text.charCodeAt(start))) start++;
  if (start === text.length) return { ok: false, reason: 'version string is empty' };

  let end = start;
  while (end < text.length && !isBlank(text.charCodeAt(end))) end++;
  for (let k = end; k < text.length; k++) {
    if (!isBlank(text.charCodeAt(k))) return { ok: false, reason: 'version string has embedded spaces' };
  }

  let epoch = 0;
  let versionStart = start;
  const colon = text.indexOf(':', start);
  if (colon !== -1) {
    // Emulate strtol(string, &end, 10): leading isspace, an optional sign, then digits.
    let k = start;
    while (k < text.length && isCSpace(text.charCodeAt(k))) k++;
    let negative = false;
    const sign = text.charCodeAt(k);
    if (sign === 0x2b || sign === 0x2d) {
      negative = sign === 0x2d;
      k++;
    }
    const digitsStart = k;
    while (k < text.length && isDigit(text.charCodeAt(k))) k++;
    if (k === digitsStart) return { ok: false, reason: 'epoch in version is empty' };
    if (k !== colon) return { ok: false, reason: 'epoch in version is not number' };
    const digits = text.slice(digitsStart, k).replace(/^0+/, '');
    // strtol saturates at LONG_MIN/LONG_MAX, so a huge negative epoch is still "negative".
    if (negative && digits !== '') return { ok: false, reason: 'epoch in version is negative' };
    if (digits.length > 10 || Number(digits) > MAX_EPOCH) return { ok: false, reason: 'epoch in version is too big' };
    // dpkg looks at the raw character after the colon, before trailing blanks are cut off.
    if (colon + 1 >= text.length) return { ok: false, reason: 'nothing after colon in version number' };
    epoch = digits === '' ? 0 : Number(digits);
    versionStart = colon + 1;
  }

  const full = text.slice(versionStart, Math.max(versionStart, end));
  const hyphen = full.lastIndexOf('-');
  let upstream = full;
  let revision = '';
  if (hyphen !== -1) {
    upstream = full.slice(0, hyphen);
    revision = full.slice(hyphen + 1);
    if (revision === '') return { ok: false, reason: 'revision number is empty' };
  }
  if (upstream === '') return { ok: false, reason: 'version number is empty' };

  const version: DebVersion = { epoch, upstream, revision };
  if (!isDigit(upstream.charCodeAt(0))) {
    return { ok: true, version, warning: 'version number does not start with digit' };
  }
  for (let k = 1; k < upstream.length; k++) {
    const c = upstream.charCodeAt(k);
    if (!isDigit(c) && !isAlpha(c) && !isUpstreamPunctuation(c)) {
      return { ok: true, version, warning: 'invalid character in version number' };
    }
  }
  for (let k = 0; k < revision.length; k++) {
    const c = revision.charCodeAt(k);
    if (!isDigit(c) && !isAlpha(c) && !isRevisionPunctuation(c)) {
      return { ok: true, version, warning: 'invalid character in revision number' };
    }
  }
  return { ok: true, version };
}

/** dpkg's wording: "version '1.0-' has bad syntax: revision number is empty". */
function badSyntax(text: string, reason: string): string {
  return `version '${text}' has bad syntax: ${reason}`;
}

/**
 * Parse a Debian version as dpkg does: "[epoch:]upstream[-revision]", surrounding spaces/tabs
 * ignored. Throws VersionSyntaxError for everything dpkg rejects, with dpkg's message (without its
 * "dpkg: error: " prefix). Strings dpkg accepts with a warning (bad characters, no leading digit)
 * parse fine; ask debVersionWarnings for the warning.
 */
export function parseDebVersion(text: string, where?: ErrorLocation): DebVersion {
  const verdict = judge(text);
  if (!verdict.ok) throw new VersionSyntaxError(badSyntax(text, verdict.reason), where);
  return verdict.version;
}

/**
 * The warning dpkg prints for a version it accepts anyway ("version '5.2@3-2' has bad syntax:
 * invalid character in version number"). dpkg stops at the first problem, so this holds at most one
 * entry. Empty for a clean version, and for one dpkg rejects (parseDebVersion reports those).
 */
export function debVersionWarnings(text: string): string[] {
  const verdict = judge(text);
  return verdict.ok && verdict.warning !== undefined ? [badSyntax(text, verdict.warning)] : [];
}

/**
 * parseDebVersion and debVersionWarnings in one pass, for callers that want both (a Packages
 * parser that keeps dpkg's warnings, `repoclash vercmp`).
 */
export function inspectDebVersion(text: string, where?: ErrorLocation): { version: DebVersion; warnings: string[] } {
  const verdict = judge(text);
  if (!verdict.ok) throw new VersionSyntaxError(badSyntax(text, verdict.reason), where);
  return { version: verdict.version, warnings: verdict.warning === undefined ? [] : [badSyntax(text, verdict.warning)] };
}

/**
 * `dpkg --compare-versions` reads '' and '<unknown>' as "no version" (epoch 0, empty upstream and
 * revision), which sorts before every real version; everything else is parsed as a version.
 */
export function parseDebVersionForComparison(text: string, where?: ErrorLocation): DebVersion {
  if (text === '' || text === '<unknown>') return { epoch: 0, upstream: '', revision: '' };
  return parseDebVersion(text, where);
}

/**
 * dpkg's character weight inside a non-digit run: `~` before the end of the string (and before
 * digits, which end the run), then letters, then everything else. Non-ASCII arrives as UTF-8 bytes
 * (see toBytes): dpkg reads them as negative `char`s, so c + 256 gives back the byte value, which
 * sorts after letters and before ASCII punctuation.
 */
function weight(c: number): number {
  if (Number.isNaN(c) || isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 0x7e) return -1;
  return c >= 0x80 ? c : c + 256;
}

const NON_ASCII = /[^\x00-\x7f]/;
/** Work on UTF-8 bytes (one char per byte) so non-ASCII orders as it does in dpkg. */
function toBytes(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}

/** dpkg's verrevcmp: alternate non-digit runs (by weight) and digit runs (numerically). */
export function verrevcmp(aText: string, bText: string): Order {
  if (aText === bText) return 0;
  const a = toBytes(aText);
  const b = toBytes(bText);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // charCodeAt past the end is NaN: weight 0 and not a digit, like C's terminating NUL.
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const wa = weight(a.charCodeAt(i));
      const wb = weight(b.charCodeAt(j));
      if (wa !== wb) return wa < wb ? -1 : 1;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    let firstDiff = 0;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff < 0 ? -1 : 1;
  }
  return 0;
}

/** dpkg_version_is_informative: anything but the blank "no version". */
function isInformative(v: DebVersion): boolean {
  return v.epoch !== 0 || v.upstream !== '' || v.revision !== '';
}

/**
 * dpkg's order: epoch numerically, then upstream, then revision with verrevcmp. Strings are read
 * like `dpkg --compare-versions` reads them (parseDebVersionForComparison): invalid ones throw
 * VersionSyntaxError. The blank "no version" sorts before every real version — even "0", which
 * verrevcmp alone would call equal to it — as in `dpkg --compare-versions '' lt 0`.
 */
export function compareDebVersions(a: DebVersion | string, b: DebVersion | string): Order {
  const va = typeof a === 'string' ? parseDebVersionForComparison(a) : a;
  const vb = typeof b === 'string' ? parseDebVersionForComparison(b) : b;
  const informativeA = isInformative(va);
  const informativeB = isInformative(vb);
  if (!informativeA || !informativeB) return informativeA === informativeB ? 0 : informativeA ? 1 : -1;
  if (va.epoch !== vb.epoch) return va.epoch > vb.epoch ? 1 : -1;
  return verrevcmp(va.upstream, vb.upstream) || verrevcmp(va.revision, vb.revision);
}

/** "[epoch:]upstream[-revision]"; the epoch is written only when non-zero, as dpkg does. */
export function formatDebVersion(v: DebVersion): string {
  const epoch = v.epoch !== 0 ? `${v.epoch}:` : '';
  const revision = v.revision === '' ? '' : `-${v.revision}`;
  return `${epoch}${v.upstream}${revision}`;
}
