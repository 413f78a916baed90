/**
 * The INI dialect dnf reads .repo files and dnf.conf in, following libdnf's IniParser and
 * ConfigParser (checked against libdnf 0.69 as shipped with dnf 4.14) so that a file dnf accepts
 * parses the same here, and a file dnf refuses fails here on the same line:
 *
 * - `[id]` starts a section; trailing text after `]` is refused unless it is a `#`/`;` comment.
 *   (libdnf's check skips the very last character of the line; we do the same so no file dnf
 *   reads is refused here.) The name is not trimmed: `[ a ]` is the section " a ".
 * - `key=value`, `key = value`: key and value are trimmed of blanks; the key ends at the first `=`
 *   (so values may contain `=`); keys are case-sensitive, as dnf matches option names exactly.
 * - A comment is a line whose *first* character is `#` or `;`. There are no inline comments:
 *   `baseurl=http://x # y` keeps ` # y`. An indented `  # x` is a continuation, not a comment.
 * - A line starting with a blank continues the previous value (joined with "\n"); a whitespace-only
 *   line inside a value adds an empty line; an empty line or a comment ends the value. A
 *   continuation with no value to continue is an error.
 * - A value wholly wrapped in matching `"…"` or `'…'` loses the quotes.
 * - A section that appears twice is one section; a key that appears twice keeps its first position
 *   and its last value (libdnf stores both in an order-preserving map).
 * - A UTF-8 BOM on line 1 is dropped; CR before LF is dropped.
 *
 * Comments are kept (with their lines) because repoclash reads `# repoclash-…:` hints from them.
 */
import { ConfigError } from '../errors.js';

export interface IniEntry {
  key: string;
  value: string;
  /** 1-based line of the `key=` line that set this value (the last one, if repeated). */
  line: number;
}

export interface IniComment {
  /** The line without its leading `#`/`;` and surrounding blanks. */
  text: string;
  line: number;
}

export interface IniSection {
  name: string;
  /** Line of the first `[name]` header. */
  line: number;
  /** Lines of every `[name]` header (a section may be opened more than once). */
  headerLines: number[];
  /** In first-seen key order; see `iniGet` for lookup. */
  entries: IniEntry[];
  /** Comment lines between this section's header(s) and the next header. */
  comments: IniComment[];
}

export interface IniDocument {
  file: string;
  /** Comment lines before the first section. */
  headerComments: IniComment[];
  /** In first-seen order. */
  sections: IniSection[];
}

interface PendingValue {
  key: string;
  value: string;
  line: number;
}

const BLANKS = ' \t\r';

function firstNonBlank(line: string, blanks: string): number {
  let i = 0;
  while (i < line.length && blanks.includes(line[i] as string)) i++;
  return i < line.length ? i : -1;
}

function lastNonBlank(line: string, blanks: string): number {
  let i = line.length - 1;
  while (i >= 0 && blanks.includes(line[i] as string)) i--;
  return i;
}

function unquote(value: string): string {
  if (value.length > 1 && value[0] === value[value.length - 1] && (value[0] === '"' || value[0] === "'")) {
    return value.slice(1, -1);
  }
  return value;
}

/** Parse INI text the way libdnf does; throws ConfigError carrying file, line and column. */
export function parseIni(text: string, file: string): IniDocument {
  const doc: IniDocument = { file, headerComments: [], sections: [] };
  const byName = new Map<string, { section: IniSection; index: Map<string, number> }>();
  let current: { section: IniSection; index: Map<string, number> } | undefined;
  let pending: PendingValue | undefined;

  const fail = (message: string, line: number, column?: number): never => {
    throw new ConfigError(message, column === undefined ? { file, line } : { file, line, column });
  };

  const flush = (): void => {
    if (!pending || !current) return;
    const entry: IniEntry = { key: pending.key, value: unquote(pending.value), line: pending.line };
    const at = current.index.get(entry.key);
    if (at === undefined) {
      current.index.set(entry.key, current.section.entries.length);
      current.section.entries.push(entry);
    } else {
      current.section.entries[at] = entry;
    }
    pending = undefined;
  };

  const lines = text.split('\n');
  // A trailing newline does not make one more (empty) line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i] as string;
    if (i === 0 && line.startsWith('\uFEFF')) line = line.slice(1);

    if (line.length === 0 || line[0] === '#' || line[0] === ';') {
      flush();
      if (line.length > 0) {
        const comment = { text: line.slice(1).trim(), line: lineNo };
        (current ? current.section.comments : doc.headerComments).push(comment);
      }
      continue;
    }
    const start = firstNonBlank(line, BLANKS);
    if (start < 0) {
      // Whitespace only: inside a value it adds an empty line, elsewhere it is nothing.
      if (pending) pending.value += '\n';
      continue;
    }
    const end = lastNonBlank(line, BLANKS);
    if (pending && (start === 0 || line[start] === '[')) flush();

    if (line[start] === '[') {
      const close = line.indexOf(']', start + 1);
      if (close < 0) fail("missing ']' in section header", lineNo, start + 1);
      if (close === start + 1) fail('empty section name', lineNo, start + 1);
      // libdnf stops one short of the last non-blank character; mirror it (see the file comment).
      for (let j = close + 1; j < end; j++) {
        const ch = line[j] as string;
        if (ch === '#' || ch === ';') break;
        if (!BLANKS.includes(ch)) fail('text after section header', lineNo, j + 1);
      }
      const name = line.slice(start + 1, close);
      let known = byName.get(name);
      if (!known) {
        known = { section: { name, line: lineNo, headerLines: [], entries: [], comments: [] }, index: new Map() };
        byName.set(name, known);
        doc.sections.push(known.section);
      }
      known.section.headerLines.push(lineNo);
      current = known;
      continue;
    }

    if (!current) fail('key outside any [section]', lineNo, start + 1);

    if (start > 0) {
      if (!pending) fail('continuation line (starts with a blank) with no value to continue', lineNo, 1);
      pending!.value += '\n' + line.slice(start, end + 1);
      continue;
    }
    if (line[0] === '=') fail("missing key before '='", lineNo, 1);
    const eq = line.indexOf('=');
    if (eq < 0) fail("neither [section] nor key=value: missing '='", lineNo, 1);
    const key = line.slice(0, lastNonBlank(line.slice(0, eq), ' \t') + 1);
    const valueStart = firstNonBlank(line.slice(eq + 1), ' \t');
    const value = valueStart < 0 ? '' : line.slice(eq + 1 + valueStart, end + 1);
    pending = { key, value, line: lineNo };
  }
  flush();
  return doc;
}

/** The entry for `key` in a section, or undefined. */
export function iniGet(section: IniSection, key: string): IniEntry | undefined {
  return section.entries.find((e) => e.key === key);
}
