/**
 * rpm version order (rpm 4.18): `rpmvercmp` for one version or release string, EVR parsing and
 * comparison matching python3-rpm's `rpm.labelCompare`, and NEVRA parsing.
 *
 * Written from the documented behaviour and checked against rpm itself (see
 * test/formats/version-differential.test.ts); rpm's own 91 test vectors live in
 * test/fixtures/vectors/rpmvercmp.tsv.
 */
import { VersionSyntaxError, type ErrorLocation } from '../../errors.js';
import type { Order } from '../types.js';

const TILDE = 0x7e;
const CARET = 0x5e;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
/** rpm's separators are everything that is not an ASCII letter/digit, `~` or `^`. */
function isSeparator(c: number): boolean {
  return !isDigit(c) && !isAlpha(c) && c !== TILDE && c !== CARET;
}

/**
 * Compare two version (or release) strings the way rpm does.
 *
 * Segments are maximal digit runs or letter runs; any other characters separate them and compare
 * equal to each other. `~` sorts before anything, even the end of the string (pre-releases);
 * `^` sorts after the end of the string but before any further segment (post-release snapshots).
 * A digit segment beats a letter segment; digits compare as numbers of any length (leading zeros
 * ignored); letters compare by byte value. When all segments agree, the side with anything left
 * over (even only separators) is newer.
 *
 * Strings are walked by UTF-16 code unit: every non-ASCII unit is a separator, as every
 * non-ASCII byte is to rpm, and separators only ever count as "present or not", so the result is
 * the same as rpm's byte walk.
 */
export function rpmvercmp(a: string, b: string): Order {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  let i = 0;
  let j = 0;
  while (i < la || j < lb) {
    while (i < la && isSeparator(a.charCodeAt(i))) i++;
    while (j < lb && isSeparator(b.charCodeAt(j))) j++;
    const ca = i < la ? a.charCodeAt(i) : -1;
    const cb = j < lb ? b.charCodeAt(j) : -1;

    // Tilde: whoever has one here is older, whatever the other side holds (even the end).
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    // Caret: newer than the end of the string, older than any further segment.
    if (ca === CARET || cb === CARET) {
      if (ca === -1) return -1;
      if (cb === -1) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === -1 || cb === -1) break;

    // The left side decides whether this segment is numeric or alphabetic.
    const numeric = isDigit(ca);
    const inSegment = numeric ? isDigit : isAlpha;
    let endA = i;
    while (endA < la && inSegment(a.charCodeAt(endA))) endA++;
    let endB = j;
    while (endB < lb && inSegment(b.charCodeAt(endB))) endB++;

    // The right side has a segment of the other kind: a number beats letters.
    if (endB === j) return numeric ? 1 : -1;

    if (numeric) {
      while (i < endA && a.charCodeAt(i) === 0x30) i++;
      while (j < endB && b.charCodeAt(j) === 0x30) j++;
      const lenA = endA - i;
      const lenB = endB - j;
      if (lenA !== lenB) return lenA > lenB ? 1 : -1;
    }
    // Same-length digit runs or letter runs: plain code-unit order is strcmp order for ASCII.
    const segA = a.slice(i, endA);
    const segB = b.slice(j, endB);
    if (segA !== segB) return segA < segB ? -1 : 1;
    i = endA;
    j = endB;
  }
  if (i >= la && j >= lb) return 0;
  return i >= la ? -1 : 1;
}

/** Epoch, version, release. A missing epoch is 0, a missing release ''. */
export interface Evr {
  epoch: number;
  version: string;
  release: string;
}

/**
 * Parse "[E:]V[-R]" the way rpm does (rpm's parseEVR, as exposed by python3-rpm's `rpm.ver`):
 * the epoch is the leading run of digits when a `:` follows it (an empty one, ":1.0", is 0); the
 * release is what follows the LAST `-`. Anything else before a `:` is part of the version
 * ("abc:1.0" has version "abc:1.0"), as in rpm.
 *
 * Throws VersionSyntaxError for an empty string (rpm refuses it too) and for an epoch too large to
 * hold exactly in a JS number (rpm's own epochs are 32-bit).
 */
export function parseEvr(text: string, where?: ErrorLocation): Evr {
  if (text === '') throw new VersionSyntaxError(`invalid rpm version '': version string is empty`, where);
  let digitsEnd = 0;
  while (digitsEnd < text.length && isDigit(text.charCodeAt(digitsEnd))) digitsEnd++;
  let epoch = 0;
  let rest = text;
  if (text.charCodeAt(digitsEnd) === 0x3a /* : */) {
    const digits = text.slice(0, digitsEnd);
    epoch = digits === '' ? 0 : Number(digits);
    if (!Number.isSafeInteger(epoch)) {
      throw new VersionSyntaxError(`invalid rpm version '${text}': epoch is too big`, where);
    }
    rest = text.slice(digitsEnd + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen === -1) return { epoch, version: rest, release: '' };
  return { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) };
}

/**
 * Compare two EVRs exactly as `rpm.labelCompare((str(e), v, r), (str(e), v, r))` does in
 * python3-rpm 4.18: epoch, then version, then release, each with rpmvercmp.
 *
 * An empty release is NOT a wildcard here: labelCompare compares it like any string, so
 * `1.0` (release '') is older than `1.0-1`, and `1.0` equals `1.0-`. (Dependency matching in
 * rpm/dnf — `Requires: foo >= 1.0` — ignores a missing release instead; that is a different
 * question.) labelCompare would put a Python `None` release below even '', which this type cannot
 * express and rpmdev-vercmp never produces for a release it was given.
 */
export function compareEvr(a: Evr, b: Evr): Order {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch ? 1 : -1;
  return rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release);
}

/** "[E:]V[-R]"; the epoch is shown when non-zero, or always with showZeroEpoch. */
export function formatEvr(evr: Evr, options: { showZeroEpoch?: boolean } = {}): string {
  const epoch = evr.epoch !== 0 || options.showZeroEpoch ? `${evr.epoch}:` : '';
  const release = evr.release === '' ? '' : `-${evr.release}`;
  return `${epoch}${evr.version}${release}`;
}

export interface Nevra extends Evr {
  name: string;
  arch: string;
}

/**
 * Parse "name-[E:]V-R.arch" (with an optional ".rpm" suffix, so file names work:
 * "bash-5.2.26-3.fc40.x86_64.rpm", "bash-5.2.26-3.fc40.src.rpm"). The yum-style
 * "E:name-V-R.arch" is accepted too. Name and version may contain `-`/`.`; the arch is after the
 * last `.`, the release after the last `-`, the version after the one before.
 */
export function parseNevra(text: string, where?: ErrorLocation): Nevra {
  const fail = (why: string): never => {
    throw new VersionSyntaxError(`invalid NEVRA '${text}': ${why}`, where);
  };
  let rest = text.endsWith('.rpm') ? text.slice(0, -'.rpm'.length) : text;

  let leadingEpoch: number | undefined;
  const yumStyle = /^(\d+):/.exec(rest);
  if (yumStyle) {
    leadingEpoch = Number(yumStyle[1]);
    rest = rest.slice(yumStyle[0].length);
  }

  const dot = rest.lastIndexOf('.');
  if (dot === -1) fail('no architecture');
  const arch = rest.slice(dot + 1);
  rest = rest.slice(0, dot);
  if (arch === '') fail('empty architecture');

  const releaseHyphen = rest.lastIndexOf('-');
  if (releaseHyphen === -1) fail('no release');
  const release = rest.slice(releaseHyphen + 1);
  rest = rest.slice(0, releaseHyphen);
  const versionHyphen = rest.lastIndexOf('-');
  if (versionHyphen === -1) fail('no version');
  const name = rest.slice(0, versionHyphen);
  const versionPart = rest.slice(versionHyphen + 1);
  if (name === '') fail('empty name');
  if (release === '') fail('empty release');
  if (versionPart === '') fail('empty version');

  const { epoch, version } = parseEvr(versionPart, where);
  if (version === '') fail('empty version');
  if (leadingEpoch !== undefined && versionPart.includes(':')) fail('two epochs');
  if (leadingEpoch !== undefined && !Number.isSafeInteger(leadingEpoch)) fail('epoch is too big');
  return { name, epoch: leadingEpoch ?? epoch, version, release, arch };
}

/** `grafana-6.1.6-1.fc29.src.rpm` → `grafana`; null when absent or not a NEVRA. */
export function sourceRpmName(sourcerpm: string | null): string | null {
  if (!sourcerpm) return null;
  try {
    return parseNevra(sourcerpm).name;
  } catch {
    return null;
  }
}
