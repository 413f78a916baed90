/**
 * Byte classification tables for the XML tokenizer. One table lookup per byte keeps the hot loops
 * free of chains of comparisons; the tables are built once at module load.
 */

export const LT = 0x3c; // <
export const GT = 0x3e; // >
export const AMP = 0x26; // &
export const SLASH = 0x2f; // /
export const QUESTION = 0x3f; // ?
export const BANG = 0x21; // !
export const EQUALS = 0x3d; // =
export const DQUOTE = 0x22; // "
export const SQUOTE = 0x27; // '
export const RBRACKET = 0x5d; // ]
export const HYPHEN = 0x2d; // -
export const SEMICOLON = 0x3b; // ;
export const HASH = 0x23; // #
export const CR = 0x0d;
export const LF = 0x0a;
export const TAB = 0x09;
export const SPACE = 0x20;

/** Bit flags in {@link CHAR_CLASS}. */
export const NAME_START = 1;
export const NAME_CHAR = 2;
export const WHITESPACE = 4;
/** A control character XML 1.0 forbids everywhere (everything below 0x20 except TAB, LF, CR). */
export const FORBIDDEN = 8;

export const CHAR_CLASS: Uint8Array = buildCharClass();

function buildCharClass(): Uint8Array {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    // Bytes ≥ 0x80 belong to multi-byte UTF-8 sequences; names containing them are checked
    // against the full Unicode Name production after decoding (rare, so off the hot path).
    if (letter || c === 0x5f || c === 0x3a || c >= 0x80) table[c]! |= NAME_START | NAME_CHAR;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === HYPHEN) table[c]! |= NAME_CHAR;
    if (c === SPACE || c === TAB || c === LF || c === CR) table[c]! |= WHITESPACE;
    if (c < 0x20 && c !== TAB && c !== LF && c !== CR) table[c]! |= FORBIDDEN;
  }
  return table;
}

/**
 * Bytes that stop the character-data scan: `<`, `&`, `]` (for `]]>`), CR (line-end normalisation)
 * and forbidden control characters. Everything else is copied through untouched.
 */
export const TEXT_STOP: Uint8Array = buildStopTable([LT, AMP, RBRACKET, CR]);

/**
 * Bytes that stop the attribute-value scan: either quote, `<` (an error) and `&` (a reference).
 * Whitespace normalisation and control characters are dealt with when a value is decoded.
 */
export const VALUE_STOP: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (const s of [DQUOTE, SQUOTE, LT, AMP]) table[s] = 1;
  return table;
})();

function buildStopTable(stops: number[]): Uint8Array {
  const table = new Uint8Array(256);
  for (const s of stops) table[s] = 1;
  for (let c = 0; c < 0x20; c++) if ((CHAR_CLASS[c]! & FORBIDDEN) !== 0) table[c] = 1;
  return table;
}

/** XML 1.0 (5th edition) NameStartChar / NameChar, for names that contain non-ASCII characters. */
const NAME_START_RANGES =
  ':A-Z_a-z\\u{C0}-\\u{D6}\\u{D8}-\\u{F6}\\u{F8}-\\u{2FF}\\u{370}-\\u{37D}\\u{37F}-\\u{1FFF}' +
  '\\u{200C}-\\u{200D}\\u{2070}-\\u{218F}\\u{2C00}-\\u{2FEF}\\u{3001}-\\u{D7FF}\\u{F900}-\\u{FDCF}' +
  '\\u{FDF0}-\\u{FFFD}\\u{10000}-\\u{EFFFF}';
const NAME_RANGES = `${NAME_START_RANGES}\\-.0-9\\u{B7}\\u{300}-\\u{36F}\\u{203F}-\\u{2040}`;
export const XML_NAME = new RegExp(`^[${NAME_START_RANGES}][${NAME_RANGES}]*$`, 'u');

/** The Char production: what a character reference may name. */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}
