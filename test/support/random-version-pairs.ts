/**
 * Seeded generators of version strings for the differential tests (and the vercmp benchmark).
 * Pairs are built to hit the rules that matter: half are a random pair, half are the first version
 * with a small edit (a digit bumped, a leading zero, a separator swapped, a `~`/`^`/`+` suffix, a
 * segment dropped), because random pairs almost always differ in their first character.
 */

import { chance, pick, type Random } from './seeded-random.js';

function digits(rng: Random): string {
  const r = rng();
  if (r < 0.05) return String(Math.floor(rng() * 1e9)) + String(Math.floor(rng() * 1e9)) + String(Math.floor(rng() * 1e6)); // long
  if (r < 0.15) return '0'.repeat(1 + Math.floor(rng() * 2)) + String(Math.floor(rng() * 20)); // leading zeros
  return String(Math.floor(rng() * (rng() < 0.7 ? 10 : 1000)));
}

const RPM_WORDS = ['a', 'b', 'p', 'rc', 'git', 'alpha', 'beta', 'Z', 'pre', 'fc', 'el', 'x'];
const RPM_SEPARATORS = ['.', '.', '.', '_', '+', '~', '^', '%', '..'];
const RPM: Alphabet = { words: RPM_WORDS, separators: RPM_SEPARATORS, suffixMarks: ['~', '~~', '^', '^^', '+', '.'] };
const DEB_WORDS = ['a', 'b', 'rc', 'dfsg', 'git', 'A', 'Z', 'beta', 'deb', 'u', 'bpo', 'ubuntu'];
const DEB_UPSTREAM_SEPARATORS = ['.', '.', '.', '+', '~', '~~'];
const DEB_REVISION_SEPARATORS = ['.', '+', '~'];
const DEB_MARKS = ['~', '~~', '+', '.'];
const DEB_UPSTREAM: Alphabet = { words: DEB_WORDS, separators: DEB_UPSTREAM_SEPARATORS, suffixMarks: DEB_MARKS };
const DEB_REVISION: Alphabet = { words: DEB_WORDS, separators: DEB_REVISION_SEPARATORS, suffixMarks: DEB_MARKS };

function segments(rng: Random, words: readonly string[], separators: readonly string[], max: number): string {
  let text = digits(rng);
  const count = Math.floor(rng() * max);
  for (let k = 0; k < count; k++) {
    const r = rng();
    if (r < 0.55) text += pick(rng, separators) + digits(rng);
    else if (r < 0.8) text += pick(rng, separators) + pick(rng, words);
    else if (r < 0.9) text += pick(rng, words); // letters glued to digits: 5.5p1
    else text += digits(rng);
  }
  return text;
}

/** Apply one small edit; what is kept must still be valid for the scheme's separators. */
interface Alphabet {
  words: readonly string[];
  separators: readonly string[];
  /** Marks that start a pre-/post-release suffix: `~` for both schemes, `^` for rpm only. */
  suffixMarks: readonly string[];
}

function mutate(rng: Random, text: string, { words, separators, suffixMarks }: Alphabet): string {
  const r = rng();
  if (r < 0.15) return text.replace(/\d+(?!.*\d)/, (d) => String(BigInt(d) + 1n)); // bump the last number
  if (r < 0.25) return text.replace(/\d+/, (d) => '0' + d); // leading zero: equal
  if (r < 0.35) return text + pick(rng, suffixMarks) + pick(rng, [...words, digits(rng)]);
  if (r < 0.45) return text + pick(rng, separators);
  if (r < 0.55) return text.slice(0, Math.max(1, Math.floor(rng() * text.length)));
  if (r < 0.65) {
    const from = pick(rng, separators);
    const to = pick(rng, separators);
    return text.split(from).join(to);
  }
  if (r < 0.75) return text.replace(/[a-zA-Z]+/, (w) => (w === w.toUpperCase() ? w.toLowerCase() : w.toUpperCase()));
  if (r < 0.85) return text.replace(/\d+$/, '') + pick(rng, words);
  return text;
}

function mutateOrNew(rng: Random, a: string, fresh: () => string, edit: (t: string) => string): string {
  return chance(rng, 0.5) ? fresh() : edit(a);
}

/** A raw rpm version or release string (no `-`, no `:`): the input of rpmvercmp. */
export function rpmVersionString(rng: Random): string {
  return segments(rng, RPM_WORDS, RPM_SEPARATORS, 5);
}

export function rpmVersionPair(rng: Random): [string, string] {
  const a = rpmVersionString(rng);
  const b = mutateOrNew(rng, a, () => rpmVersionString(rng), (t) => mutate(rng, t, RPM));
  return [a, b === '' ? '0' : b];
}

function rpmEvr(rng: Random, version: string, release: string | null): string {
  const epoch = pick(rng, ['', '', '', '0:', '1:', '2:', '10:', '01:', ':']);
  return `${epoch}${version}${release === null ? '' : '-' + release}`;
}

/** "[E:]V[-R]" strings: epochs (incl. ":" and "01:"), missing and empty releases. */
export function rpmEvrPair(rng: Random): [string, string] {
  const [va, vb] = rpmVersionPair(rng);
  const release = (): string | null =>
    pick(rng, [null, '1', '1.fc40', '2.el9_2', '', segments(rng, RPM_WORDS, RPM_SEPARATORS, 3)]);
  const ra = release();
  const rb = chance(rng, 0.5) ? ra : release();
  return [rpmEvr(rng, va, ra), rpmEvr(rng, chance(rng, 0.3) ? va : vb, rb)];
}

/** A valid Debian version: upstream starts with a digit, `-` only with a revision, `:` only with an epoch. */
function debVersion(rng: Random, upstream: string, revision: string | null): string {
  const epoch = pick(rng, ['', '', '', '0:', '1:', '2:', '01:', '10:']);
  let body = upstream;
  if (epoch !== '' && chance(rng, 0.05)) body += ':' + digits(rng);
  if (revision !== null && chance(rng, 0.05)) body += '-' + digits(rng);
  return `${epoch}${body}${revision === null ? '' : '-' + revision}`;
}

export function debUpstreamString(rng: Random): string {
  return segments(rng, DEB_WORDS, DEB_UPSTREAM_SEPARATORS, 5);
}

function debRevision(rng: Random): string | null {
  return pick(rng, [
    null,
    null,
    '1',
    '0',
    '1+b1',
    '2+deb12u1',
    '3~bpo12+1',
    '0ubuntu1',
    segments(rng, DEB_WORDS, DEB_REVISION_SEPARATORS, 3),
  ]);
}

export function debVersionPair(rng: Random): [string, string] {
  const ua = debUpstreamString(rng);
  const ub = mutateOrNew(rng, ua, () => debUpstreamString(rng), (t) => mutate(rng, t, DEB_UPSTREAM));
  const ra = debRevision(rng);
  const rb = chance(rng, 0.5) ? ra : chance(rng, 0.5) ? debRevision(rng) : ra === null ? '0' : mutate(rng, ra, DEB_REVISION);
  // Mutation may strip the leading digit; dpkg only warns, but keep the generated set clean.
  const fixUpstream = (u: string): string => (/^\d/.test(u) ? u : '0' + u);
  return [debVersion(rng, fixUpstream(ua), ra), debVersion(rng, fixUpstream(chance(rng, 0.2) ? ua : ub), rb)];
}

/** Strings with anything dpkg's parser has an opinion about: blanks, colons, hyphens, odd bytes. */
export function debJunkString(rng: Random): string {
  const alphabet = ['0', '1', '9', 'a', 'Z', '.', '+', '~', '-', ':', ' ', '\t', '@', '_', 'é', '+', '00', '-1', '99999999999'];
  const length = Math.floor(rng() * 8);
  let text = '';
  for (let k = 0; k < length; k++) text += pick(rng, alphabet);
  if (chance(rng, 0.1)) text = '  ' + text;
  if (chance(rng, 0.1)) text += ' ';
  return text;
}
