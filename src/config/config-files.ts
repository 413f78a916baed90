/**
 * Reading the host's package-manager configuration files, the way apt and dnf treat a file or
 * directory that is not there: used by the apt sources / preferences and dnf repo / vars readers.
 */
import { readdir, readFile } from 'node:fs/promises';
import { ConfigError, FormatError } from '../errors.js';
import { parseStanzasText, type Stanza } from '../formats/deb/deb822.js';

/** The file's text, or null when it does not exist; any other failure is a ConfigError naming it. */
export async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(`cannot read: ${(err as Error).message}`, { file }, { cause: err });
  }
}

/** The names in a dnf config directory; none when it cannot be listed (dnf skips such a directory). */
export async function dnfDirEntries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** A field as apt's pkgTagSection reads it: given twice in one stanza, the last one counts. */
export function lastField(s: Stanza, name: string): string | undefined {
  return s.getAll(name).at(-1);
}

/** The first line of lastField(), trimmed: a one-line field's value (Pin, Pin-Priority, Enabled). */
export function lastFirstLine(s: Stanza, name: string): string | undefined {
  return lastField(s, name)?.split('\n')[0]!.trim();
}

/** lastField() of a folded field (line breaks not significant): its words joined by single spaces. */
export function lastFolded(s: Stanza, name: string): string | undefined {
  return lastField(s, name)?.replace(/\s+/g, ' ').trim();
}

/** The paragraphs of an apt deb822 config file (`#` comments allowed); bad syntax is a ConfigError at file:line. */
export function configStanzas(text: string, file: string): Stanza[] {
  try {
    return parseStanzasText(text, { file }, { comments: true });
  } catch (err) {
    if (err instanceof FormatError) throw new ConfigError(err.message, { file, line: err.line }, { cause: err });
    throw err;
  }
}
