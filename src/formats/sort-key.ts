/**
 * Order-preserving version sort keys: a printable-ASCII string per version whose plain
 * code-unit / byte order (JS `<`, SQLite's BINARY collation, PostgreSQL's `COLLATE "C"`) is the
 * version order of its format — rpm's labelCompare (epoch, then rpmvercmp of version and release)
 * or dpkg's (epoch, then verrevcmp of upstream and revision) — and equal exactly when the two
 * versions compare equal ("1.0" and "1.00" share a key). The store keeps one beside every version
 * so SQL can pick a name's best version (`max(sort_key)`) without handing every row to JS.
 *
 * Both orders are lexicographic orders over a token sequence once each version string is cut into
 * tokens, and each token's encoding below is self-delimiting, so comparing two keys walks the two
 * token sequences side by side:
 *
 * - rpm (src/formats/rpm/version.ts): separators (anything but ASCII letters, digits, `~`, `^`)
 *   only cut segments; the tokens then order `~` < end of string < `^` < letter run (strcmp) <
 *   digit run (numerically). A version's key ends with its end token, so a key is never a prefix
 *   of a different one and version and release keys can be concatenated.
 * - dpkg (src/formats/deb/version.ts): a string is a sequence of (non-digit run, number) pairs,
 *   compared pair by pair; a missing pair counts as ("", 0), so trailing ("", 0) pairs are dropped
 *   and "1.0" = "1.00" = "1.0" + "". Inside a run, characters weigh `~` < run end < letters <
 *   non-ASCII bytes < other ASCII. Only the first pair can have an empty run, so the end-of-string
 *   mark only ever meets a run's first character; an empty string is written as the pair ("", 0)
 *   followed by the end mark. The blank "no version" (epoch 0, '' and '') sorts before every real
 *   version in dpkg, even "0": its key is the empty string.
 *
 * Numbers of any length (leading zeros ignored) are written as their digit count, then the digits.
 * Reached through a format's version scheme: `versionScheme(format).sortKey(parts)`.
 */
/** The parts of a version as the store keeps them (rpm: E, V, R; deb: epoch, upstream, revision). */
export interface SortKeyParts {
  epoch: number;
  version: string;
  release: string;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * A digit run (no sign) as an order-preserving, self-delimiting key part; leading zeros ignored:
 * "0" for zero, else the count of significant digits then the digits ("7" → "17", "120" →
 * "3120"); from ten digits on, ":" + the count's own length + the count + the digits.
 */
function numberKey(digits: string): string {
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 0x30) start++;
  const significant = digits.length - start;
  if (significant === 0) return '0';
  if (significant < 10) return String(significant) + (start === 0 ? digits : digits.slice(start));
  const count = String(significant);
  return ':' + String(count.length) + count + digits.slice(start);
}

// rpm token marks, in token order. Letter runs end with RPM_LETTERS_END, below every letter.
const RPM_TILDE = '!';
const RPM_END = '#';
const RPM_CARET = '%';
const RPM_LETTERS = '&';
const RPM_NUMBER = '+';
const RPM_LETTERS_END = '.';

/** One rpm version or release string, as rpmvercmp orders it. */
export function rpmStringKey(text: string): string {
  let key = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7e) {
      key += RPM_TILDE;
      i++;
    } else if (c === 0x5e) {
      key += RPM_CARET;
      i++;
    } else if (isDigit(c)) {
      let end = i + 1;
      while (end < n && isDigit(text.charCodeAt(end))) end++;
      key += RPM_NUMBER + numberKey(text.slice(i, end));
      i = end;
    } else if (isAlpha(c)) {
      let end = i + 1;
      while (end < n && isAlpha(text.charCodeAt(end))) end++;
      key += RPM_LETTERS + text.slice(i, end) + RPM_LETTERS_END;
      i = end;
    } else {
      i++; // a separator (every non-ASCII code unit too): it only cuts segments
    }
  }
  return key + RPM_END;
}

/** rpm's labelCompare order: epoch, then version and release with rpmvercmp. */
export function rpmSortKey(v: SortKeyParts): string {
  return numberKey(String(v.epoch)) + rpmStringKey(v.version) + rpmStringKey(v.release);
}

/**
 * dpkg's non-digit run characters, one key character each (two more for rare bytes), in dpkg's
 * weight order: `~` '!', run end '"', end of string '#', letters '$'..'W' (A–Z, a–z), a UTF-8
 * byte ≥ 0x80 'X' + two hex digits, a control character 'Y' + two hex digits, then the other
 * ASCII characters by code 'Z'..'z' (space, then . + - : and the rest). One character for what
 * versions are made of keeps keys short: SQL sorts and compares them.
 */
const DEB_TILDE = '!';
const DEB_RUN_END = '"';
/** The end of the string, met only by a run's first character: above `~`, below letters. */
const DEB_END = '#';
const DEB_BYTE = 'X';
const DEB_CONTROL = 'Y';

const hex2 = (byte: number): string => (byte < 0x10 ? '0' : '') + byte.toString(16);

/** Key text of each ASCII character inside a run (digits never are). */
const DEB_ASCII: readonly string[] = (() => {
  const table: string[] = [];
  let letter = 0x24;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = String.fromCharCode(letter++);
  for (let c = 0x61; c <= 0x7a; c++) table[c] = String.fromCharCode(letter++);
  let other = 0x5a;
  for (let c = 0x20; c <= 0x7f; c++) if (table[c] === undefined && !isDigit(c) && c !== 0x7e) table[c] = String.fromCharCode(other++);
  for (let c = 0; c < 0x20; c++) table[c] = DEB_CONTROL + hex2(c);
  table[0x7e] = DEB_TILDE;
  return table;
})();

const NON_ASCII = /[^\x00-\x7f]/;

/** One character of a dpkg non-digit run (a UTF-8 byte, as dpkg reads it). */
function debCharKey(c: number): string {
  return c >= 0x80 ? DEB_BYTE + hex2(c) : DEB_ASCII[c]!;
}

/** One upstream or revision string, as dpkg's verrevcmp orders it. */
export function debStringKey(text: string): string {
  const s = NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
  // Built in one string (no array of pairs, no join): this runs twice for each of a cold crawl's
  // ~66k versions.
  let key = '';
  let kept = 0; // the key's length up to the last pair that is not ("", 0)
  let i = 0;
  const n = s.length;
  while (i < n) {
    const runStart = key.length;
    let c = s.charCodeAt(i);
    while (!isDigit(c)) {
      key += debCharKey(c);
      if (++i === n) break;
      c = s.charCodeAt(i);
    }
    const emptyRun = key.length === runStart;
    const start = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    const number = i === start ? '0' : numberKey(s.slice(start, i));
    key += DEB_RUN_END + number;
    if (!emptyRun || number !== '0') kept = key.length;
  }
  if (kept === 0) return DEB_RUN_END + '0' + DEB_END;
  return (kept === key.length ? key : key.slice(0, kept)) + DEB_END;
}

/** dpkg's order: epoch, then upstream and revision with verrevcmp; the blank version first. */
export function debSortKey(v: SortKeyParts): string {
  if (v.epoch === 0 && v.version === '' && v.release === '') return '';
  return numberKey(String(v.epoch)) + debStringKey(v.version) + debStringKey(v.release);
}
