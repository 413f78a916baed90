/**
 * Debian submissions: a source tree's debian/control + debian/changelog, or a built .deb
 * (`dpkg-deb -f`). Both are deb822 text read with the project's own parser.
 *
 * debian/control: the first paragraph is the source's (Source, Homepage), each further one a
 * binary package (Package, Architecture, Provides, Description, an optional Homepage of its own).
 * Substitution variables (`${misc:Provides}`) are only known at build time and are left out.
 * debian/changelog: the first entry's header `source (version) dists; urgency=…` gives the version.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { FormatError, UsageError } from '../errors.js';
import { parseStanzasText, type Stanza } from '../formats/deb/deb822.js';
import { parseProvides } from '../formats/deb/relations.js';
import { parseDebVersion } from '../formats/deb/version.js';
import { runTool } from './run-tool.js';
import type { Submission, SubmittedName } from './submission.js';

/** The first changelog entry's source name and version. */
export function parseChangelogHead(text: string, file: string): { source: string; version: string } {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.trim() !== '');
  const head = index === -1 ? undefined : lines[index];
  // dpkg's changelog format: "package (version) distribution(s); urgency=urgency [, key=value…]".
  const m = head === undefined ? null : /^(\w[-+.\w]*) \(([^()\s]+)\)((?:\s+[-+.\w]+)+)\s*;/.exec(head);
  if (!m) throw new FormatError(`not a Debian changelog header: ${JSON.stringify(head ?? '')}`, { file, line: index + 1 });
  parseDebVersion(m[2]!, { file, line: index + 1 });
  return { source: m[1]!, version: m[2]! };
}

/** Provides entries without build-time substitution variables. */
function providesOf(stanza: Stanza, file: string): string[] {
  const text = stanza.folded('Provides');
  if (text === undefined) return [];
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && !e.includes('${'));
  if (entries.length === 0) return [];
  return [...new Set(parseProvides(entries.join(', '), { file, line: stanza.lineOf('Provides') }).map((r) => r.name))];
}

/** Source name of a binary stanza's `Source: name (version)` field. */
function sourceFieldName(value: string | undefined): string | null {
  const name = value?.trim().split(/\s+/)[0];
  return name ? name : null;
}

/** debian/control text + the changelog head → Submission (pure, for tests). */
export function debianSourceSubmission(controlText: string, changelog: { source: string; version: string }, dir: string, controlFile: string): Submission {
  const stanzas = parseStanzasText(controlText, { file: controlFile }, { comments: true });
  const source = stanzas[0];
  if (!source || source.get('Source') === undefined) throw new FormatError('the first paragraph has no Source field', { file: controlFile, line: source?.line ?? 1 });
  const sourceName = source.firstLine('Source')!.trim();
  if (sourceName !== changelog.source) {
    throw new FormatError(`debian/control names source "${sourceName}" but debian/changelog "${changelog.source}"`, { file: controlFile, line: source.lineOf('Source') });
  }
  const homepage = source.firstLine('Homepage')?.trim() || null;
  const names: SubmittedName[] = [];
  for (const binary of stanzas.slice(1)) {
    const name = binary.firstLine('Package')?.trim();
    if (!name) throw new FormatError('a binary paragraph without Package', { file: controlFile, line: binary.line });
    names.push({
      name,
      provides: providesOf(binary, controlFile),
      url: binary.firstLine('Homepage')?.trim() || homepage,
      summary: binary.firstLine('Description')?.trim() || null,
      sourceName,
      arch: binary.firstLine('Architecture')?.trim() || null,
    });
  }
  if (names.length === 0) throw new FormatError('no binary package paragraph', { file: controlFile });
  return { kind: 'debian', path: path.resolve(dir), format: 'deb', sourceName, names, version: changelog.version, vendor: null };
}

/** A debian/ directory, or the path of its control file (the changelog is read next to it). */
export async function readDebianDir(target: string): Promise<Submission> {
  const dir = (await stat(target)).isDirectory() ? target : path.dirname(target);
  const controlFile = path.join(dir, 'control');
  const changelogFile = path.join(dir, 'changelog');
  const read = async (file: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch {
      throw new UsageError(`cannot read ${file}`);
    }
  };
  const changelog = parseChangelogHead(await read(changelogFile), changelogFile);
  return debianSourceSubmission(await read(controlFile), changelog, dir, controlFile);
}

/** A built .deb: its control paragraph via `dpkg-deb -f`. */
export async function readDebPackage(file: string): Promise<Submission> {
  const text = await runTool('dpkg-deb', ['-f', file], file);
  const stanza = parseStanzasText(text, { file })[0];
  const name = stanza?.firstLine('Package')?.trim();
  const version = stanza?.firstLine('Version')?.trim();
  if (!stanza || !name || !version) throw new FormatError('control data without Package or Version', { file });
  parseDebVersion(version, { file });
  const sourceName = sourceFieldName(stanza.firstLine('Source')) ?? name;
  return {
    kind: 'deb',
    path: path.resolve(file),
    format: 'deb',
    sourceName,
    names: [
      {
        name,
        provides: providesOf(stanza, file),
        url: stanza.firstLine('Homepage')?.trim() || null,
        summary: stanza.firstLine('Description')?.trim() || null,
        sourceName,
        arch: stanza.firstLine('Architecture')?.trim() || null,
      },
    ],
    version,
    vendor: null,
  };
}
