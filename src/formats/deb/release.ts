/**
 * Debian `Release` / `InRelease` files: the OpenPGP cleartext-signature envelope of InRelease and
 * the Release paragraph itself (what the suite is, when it expires, which index files it vouches
 * for, with their hashes and sizes).
 *
 * Verifying the signature is not done here: hand the original InRelease bytes (or
 * `ClearsignedParts.armored`) to gpgv. This module only takes the envelope apart.
 */
import { FormatError, SignatureError, type ErrorLocation } from '../../errors.js';
import { parseStanzasText, type Stanza } from './deb822.js';

const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----';
const END_SIGNATURE = '-----END PGP SIGNATURE-----';

export interface ClearsignedParts {
  /**
   * The signed text with dash-escaping undone and line ends normalised to "\n", without the line
   * end that precedes the signature block (RFC 4880 §7.1: it belongs to the armour). This is the
   * Release text apt parses.
   */
  signedText: string;
  /** The ASCII-armoured signature block, BEGIN to END line inclusive, "\n" line ends. */
  signature: string;
  /** Digest names from the `Hash:` armour headers (may be empty; then MD5 is implied). */
  hashes: string[];
  /**
   * The whole cleartext-signed message exactly as it appeared in the input (BEGIN line through END
   * line, original line ends kept): what gpgv must be given to verify it. Anything outside it was
   * not signed and is refused by splitClearsigned.
   */
  armored: string;
}

interface RawLine {
  text: string;
  /** 1-based. */
  number: number;
  /** Offset of the line's first character in the input. */
  start: number;
  /** Offset just past its line end. */
  next: number;
}

function splitLines(text: string): RawLine[] {
  const out: RawLine[] = [];
  let pos = 0;
  let number = 1;
  while (pos < text.length) {
    const lf = text.indexOf('\n', pos);
    const end = lf < 0 ? text.length : lf;
    const next = lf < 0 ? text.length : lf + 1;
    // Trailing whitespace (including the CR of CRLF) is not significant in the cleartext framework.
    out.push({ text: text.slice(pos, end).replace(/[ \t\r]+$/, ''), number, start: pos, next });
    pos = next;
    number++;
  }
  return out;
}

/**
 * Take an InRelease (OpenPGP cleartext signed message) apart. Like apt, it accepts only one signed
 * message with nothing but blank lines around it, only `Hash:` armour headers, and dash-escaped
 * text; anything else is a SignatureError naming the line.
 */
export function splitClearsigned(text: string, where: ErrorLocation = {}): ClearsignedParts {
  const lines = splitLines(text);
  const fail = (message: string, line?: number): never => {
    throw new SignatureError(message, line === undefined ? where : { ...where, line });
  };

  let i = 0;
  while (i < lines.length && lines[i]!.text === '') i++;
  if (i === lines.length) fail('empty file where a clearsigned message was expected');
  if (lines[i]!.text !== BEGIN_SIGNED) fail(`not a clearsigned message: expected "${BEGIN_SIGNED}"`, lines[i]!.number);
  const armorStart = lines[i]!.start;
  i++;

  const hashes: string[] = [];
  for (; i < lines.length && lines[i]!.text !== ''; i++) {
    const m = /^Hash: (.+)$/.exec(lines[i]!.text);
    if (m === null) fail(`unexpected armour header ${JSON.stringify(lines[i]!.text)} (only "Hash:" is allowed)`, lines[i]!.number);
    hashes.push(...m![1]!.split(',').map((h) => h.trim()).filter((h) => h !== ''));
  }
  if (i === lines.length) fail('clearsigned message ends inside its armour headers');
  i++; // the blank line after the headers

  const body: string[] = [];
  for (; i < lines.length && lines[i]!.text !== BEGIN_SIGNATURE; i++) {
    const line = lines[i]!;
    if (line.text.startsWith('- ')) body.push(line.text.slice(2));
    else if (line.text.startsWith('-')) {
      // An unescaped dash line is either a second armour block or a broken escape; gpg would not
      // have produced it, and reading past it could mix unsigned text into the signed one.
      fail(`unescaped line starting with "-" in signed text: ${JSON.stringify(line.text.slice(0, 40))}`, line.number);
    } else body.push(line.text);
  }
  if (i === lines.length) fail(`no "${BEGIN_SIGNATURE}" after the signed text`);

  const signature: string[] = [];
  for (; i < lines.length; i++) {
    signature.push(lines[i]!.text);
    if (lines[i]!.text === END_SIGNATURE) break;
  }
  if (i === lines.length) fail(`signature block has no "${END_SIGNATURE}"`);
  const armorEnd = lines[i]!.next;
  for (i++; i < lines.length; i++) {
    if (lines[i]!.text !== '') fail('text after the signature block (it would not be covered by the signature)', lines[i]!.number);
  }
  if (signature.length < 3) fail('signature block is empty');

  return { signedText: body.join('\n'), signature: signature.join('\n') + '\n', hashes, armored: text.slice(armorStart, armorEnd) };
}

export interface HashedFile {
  hash: string;
  size: number;
}

export interface ReleaseInfo {
  origin: string | null;
  label: string | null;
  suite: string | null;
  codename: string | null;
  version: string | null;
  date: Date | null;
  validUntil: Date | null;
  notAutomatic: boolean;
  butAutomaticUpgrades: boolean;
  acquireByHash: boolean;
  /**
   * Index types for which the arch-specific files already include `Architecture: all` packages
   * (`No-Support-for-Architecture-all: Packages`); empty when the field is absent.
   */
  noSupportForArchitectureAll: string[];
  architectures: string[];
  components: string[];
  description: string | null;
  /** path (relative to the Release file's directory) → hash and size. Empty map when absent. */
  md5: Map<string, HashedFile>;
  sha1: Map<string, HashedFile>;
  sha256: Map<string, HashedFile>;
  sha512: Map<string, HashedFile>;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DATE = /^([A-Za-z]{3}), +(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (UTC|GMT|Z|[+-]0000)$/;

/**
 * An RFC 1123 date as apt reads Release dates: `Sat, 20 Jan 2024 08:12:34 UTC`. apt accepts only
 * UTC zone spellings (UTC, GMT, Z, +0000); any other offset makes it reject the file, so it is a
 * FormatError here too. Returns null for text that is not such a date.
 */
export function parseReleaseDate(text: string): Date | null {
  const m = DATE.exec(text.trim());
  if (m === null) return null;
  const [, weekday, day, month, year, hh, mm, ss] = m;
  const monthIndex = MONTHS.findIndex((name) => name.toLowerCase() === month!.toLowerCase());
  if (monthIndex < 0 || !WEEKDAYS.some((name) => name.toLowerCase() === weekday!.toLowerCase())) return null;
  const ms = Date.UTC(Number(year), monthIndex, Number(day), Number(hh), Number(mm), Number(ss));
  const date = new Date(ms);
  // Reject 31 Feb and friends rather than let Date roll them over; allow a leap second like timegm.
  if (date.getUTCDate() !== Number(day) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) return null;
  return date;
}

/** apt's StringToBool: yes/true/with/on/enable/1 and their opposites. */
function parseBool(text: string | undefined, name: string, stanza: Stanza, where: ErrorLocation): boolean {
  if (text === undefined || text === '') return false;
  const t = text.toLowerCase();
  if (['yes', 'true', 'with', 'on', 'enable', '1'].includes(t)) return true;
  if (['no', 'false', 'without', 'off', 'disable', '0'].includes(t)) return false;
  throw new FormatError(`${name}: expected yes or no, got ${JSON.stringify(text)}`, { ...where, line: stanza.lineOf(name) });
}

function words(text: string | undefined): string[] {
  return text === undefined ? [] : text.split(/\s+/).filter((w) => w !== '');
}

function hashList(stanza: Stanza, name: string, where: ErrorLocation): Map<string, HashedFile> {
  const out = new Map<string, HashedFile>();
  const lines = stanza.lines(name);
  if (lines === undefined) return out;
  const first = stanza.lineOf(name)!;
  lines.forEach((line, k) => {
    if (line === '') return;
    const parts = line.split(/\s+/);
    if (parts.length !== 3 || !/^[0-9a-fA-F]+$/.test(parts[0]!) || !/^\d+$/.test(parts[1]!)) {
      throw new FormatError(`${name}: expected "hash size path", got ${JSON.stringify(line)}`, { ...where, line: first + k });
    }
    // First entry wins, as in apt.
    if (!out.has(parts[2]!)) out.set(parts[2]!, { hash: parts[0]!.toLowerCase(), size: Number(parts[1]) });
  });
  return out;
}

/**
 * Parse a Release file (or InRelease's signedText). A clearsigned input is refused: split (and
 * verify) it with splitClearsigned first, so nobody parses a signed file while skipping the check.
 */
export function parseRelease(text: string, where: ErrorLocation = {}): ReleaseInfo {
  if (text.trimStart().startsWith(BEGIN_SIGNED)) {
    throw new FormatError('Release text is still clearsigned: use splitClearsigned() (and verify it) first', where);
  }
  const stanzas = parseStanzasText(text, where);
  if (stanzas.length === 0) throw new FormatError('Release file is empty', where);
  if (stanzas.length > 1) throw new FormatError('Release file has more than one paragraph', { ...where, line: stanzas[1]!.line });
  const s = stanzas[0]!;

  const date = (name: string): Date | null => {
    const value = s.firstLine(name);
    if (value === undefined || value === '') return null;
    const parsed = parseReleaseDate(value);
    if (parsed === null) throw new FormatError(`invalid ${name} ${JSON.stringify(value)} (apt wants e.g. "Sat, 20 Jan 2024 08:12:34 UTC")`, { ...where, line: s.lineOf(name) });
    return parsed;
  };
  const text1 = (name: string): string | null => {
    const value = s.firstLine(name);
    return value === undefined || value === '' ? null : value;
  };

  return {
    origin: text1('Origin'),
    label: text1('Label'),
    suite: text1('Suite'),
    codename: text1('Codename'),
    version: text1('Version'),
    date: date('Date'),
    validUntil: date('Valid-Until'),
    notAutomatic: parseBool(s.firstLine('NotAutomatic'), 'NotAutomatic', s, where),
    butAutomaticUpgrades: parseBool(s.firstLine('ButAutomaticUpgrades'), 'ButAutomaticUpgrades', s, where),
    acquireByHash: parseBool(s.firstLine('Acquire-By-Hash'), 'Acquire-By-Hash', s, where),
    noSupportForArchitectureAll: words(s.folded('No-Support-for-Architecture-all')),
    architectures: words(s.folded('Architectures')),
    components: words(s.folded('Components')),
    description: text1('Description'),
    md5: hashList(s, 'MD5Sum', where),
    sha1: hashList(s, 'SHA1', where),
    sha256: hashList(s, 'SHA256', where),
    sha512: hashList(s, 'SHA512', where),
  };
}

/** Whether `now` is past the Release's Valid-Until (never, when it has none). */
export function isExpired(release: Pick<ReleaseInfo, 'validUntil'>, now: Date = new Date()): boolean {
  return release.validUntil !== null && now.getTime() > release.validUntil.getTime();
}

/**
 * Whether the Release lists `file` (a path relative to it) in any of its hash lists: apt's
 * `MetaIndexParser->Exists`. apt 2.6 fetches an index only when the Release lists its
 * *uncompressed* name (`main/binary-amd64/Packages`, or `Packages` in a flat repo), even if it then
 * downloads a compressed variant; a Release listing only `Packages.gz` is skipped.
 */
export function releaseListsFile(release: Pick<ReleaseInfo, 'sha256' | 'sha512' | 'sha1' | 'md5'>, file: string): boolean {
  return [release.sha256, release.sha512, release.sha1, release.md5].some((list) => list.has(file));
}

/**
 * The Release component that a sources entry's component names: `main` in a sources file means
 * `updates/main` in a security suite's Release. null when the Release does not list it.
 */
export function releaseComponentFor(release: Pick<ReleaseInfo, 'components'>, sourcesComponent: string): string | null {
  if (release.components.includes(sourcesComponent)) return sourcesComponent;
  return release.components.find((c) => c.endsWith('/' + sourcesComponent)) ?? null;
}

/**
 * The path, relative to the Release file, of a component's Packages index for an architecture.
 * The component is taken exactly as the sources entry writes it: for `updates/main` apt 2.6
 * requests `dists/SUITE/updates/main/binary-amd64/Packages*` and never falls back to `main/`
 * (a security-style Release with `Components: updates/main` and files under `main/` is read
 * through a sources entry that says `main`).
 */
export function packagesIndexPath(component: string, arch: string): string {
  return `${component}/binary-${arch}/Packages`;
}
