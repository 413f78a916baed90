/**
 * apt pinning (apt_preferences(5)): /etc/apt/preferences and preferences.d/* into typed pins.
 * Parsing only; applying pins to versions is the resolver's job.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { Stanza } from '../formats/deb/deb822.js';
import { configStanzas, lastFirstLine, lastFolded } from './config-files.js';

/** Which packages a pin applies to. */
export type PackagePattern =
  /** `*`: every package (a "general" pin in apt's terms). */
  | { kind: 'any' }
  /** A plain name, possibly `name:arch`; `src:` marks a source package name (its binaries match). */
  | { kind: 'name'; name: string; source: boolean }
  /** A shell glob such as `gnome*`. */
  | { kind: 'glob'; pattern: string; source: boolean }
  /** `/regex/`: an extended regular expression, without the slashes. */
  | { kind: 'regex'; pattern: string; source: boolean };

/** `Pin: release …` conditions; every one given must hold. Values may be globs or /regex/. */
export interface ReleaseConditions {
  /** a= archive / suite (e.g. `stable`, `bookworm-backports`). */
  archive?: string;
  /** n= codename. */
  codename?: string;
  /** o= origin (the Release's Origin field, not a host). */
  origin?: string;
  /** l= label. */
  label?: string;
  /** c= component. */
  component?: string;
  /** v= release version. */
  version?: string;
  /** b= architecture. */
  architecture?: string;
  /** The old bare form `Pin: release stable` (not starting with a digit): archive or codename. */
  release?: string;
}

export type PinTarget =
  | { kind: 'release'; conditions: ReleaseConditions }
  /** `Pin: origin host` — the host name of the archive; "" is local (file:) repositories. */
  | { kind: 'origin'; host: string }
  /** `Pin: version 1.2*` — a version glob (or /regex/). */
  | { kind: 'version'; pattern: string };

export interface AptPin {
  packages: PackagePattern[];
  pin: PinTarget;
  priority: number;
  /** Text of the Explanation: lines (comments for humans). */
  explanation: string[];
  file: string;
  line: number;
}

const RELEASE_KEYS: Record<string, keyof ReleaseConditions> = {
  a: 'archive',
  n: 'codename',
  o: 'origin',
  l: 'label',
  c: 'component',
  v: 'version',
  b: 'architecture',
};

function packagePattern(word: string): PackagePattern {
  if (word === '*') return { kind: 'any' };
  const source = word.startsWith('src:');
  const name = source ? word.slice(4) : word;
  if (name.length > 1 && name.startsWith('/') && name.endsWith('/')) return { kind: 'regex', pattern: name.slice(1, -1), source };
  if (/[*?[]/.test(name)) return { kind: 'glob', pattern: name, source };
  return { kind: 'name', name, source };
}

function unquote(text: string): string {
  const t = text.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function parsePin(text: string, where: { file: string; line: number | undefined }): PinTarget {
  const m = /^(\S+)\s*(.*)$/.exec(text.trim());
  const type = m?.[1]?.toLowerCase();
  const rest = m?.[2]?.trim() ?? '';
  switch (type) {
    case 'release': {
      if (rest === '') throw new ConfigError('Pin: release needs conditions (e.g. a=stable)', where);
      const conditions: ReleaseConditions = {};
      if (!rest.includes('=')) {
        // Old form, as pkgVersionMatch reads it: `Pin: release 12` (a leading digit) a release
        // version, `Pin: release stable` an archive or codename (quotes are part of it, as in apt).
        if (/^\d/.test(rest)) conditions.version = rest;
        else conditions.release = rest;
        return { kind: 'release', conditions };
      }
      // pkgVersionMatch: comma-separated fragments, each trimmed, read only as `K=VALUE` (one
      // letter, `=` right after it, the value as written, quotes included). apt skips any other
      // fragment (`x=…`, `o =…`, an empty one after a trailing comma) without a word; a pin left
      // with no condition selects nothing.
      for (const part of rest.split(',')) {
        const kv = /^([A-Za-z])=(.+)$/.exec(part.trim());
        const key = kv ? RELEASE_KEYS[kv[1]!.toLowerCase()] : undefined;
        if (kv && key) conditions[key] = kv[2]!;
      }
      return { kind: 'release', conditions };
    }
    case 'origin':
      return { kind: 'origin', host: unquote(rest) };
    case 'version':
      if (rest === '') throw new ConfigError('Pin: version needs a version or pattern', where);
      return { kind: 'version', pattern: rest };
    default:
      throw new ConfigError(`did not understand pin type ${JSON.stringify(m?.[1] ?? '')} (expected release, origin or version)`, where);
  }
}

function pinFromStanza(s: Stanza, file: string): AptPin {
  const where = { file, line: s.line };
  const packagesText = lastFolded(s, 'Package');
  const pinText = lastFirstLine(s, 'Pin');
  const priorityText = lastFirstLine(s, 'Pin-Priority');
  if (packagesText === undefined || packagesText === '') throw new ConfigError('invalid record: no Package field', where);
  if (pinText === undefined || pinText === '') throw new ConfigError('invalid record: no Pin field', where);
  if (priorityText === undefined || priorityText === '') {
    throw new ConfigError('no priority (or zero) specified for pin', where);
  }
  const priorityWhere = { file, line: s.lineOf('Pin-Priority') };
  // apt reads the leading integer (strtol): `600 # why` is 600, `-1.5` is -1.
  const leading = /^[+-]?\d+/.exec(priorityText);
  if (leading === null) throw new ConfigError(`Pin-Priority ${JSON.stringify(priorityText)} is not an integer`, priorityWhere);
  const priority = Number(leading[0]);
  // apt reads 0 as "no priority given".
  if (priority === 0) throw new ConfigError('no priority (or zero) specified for pin', priorityWhere);

  const explanation = s.getAll('Explanation');
  return {
    packages: packagesText.split(/\s+/).filter((w) => w !== '').map(packagePattern),
    pin: parsePin(pinText, { file, line: s.lineOf('Pin') }),
    priority,
    explanation,
    file,
    line: s.line,
  };
}

/**
 * Parse one preferences file. A stanza holding only Explanation lines is a comment and is skipped.
 */
export function parsePreferences(text: string, file: string): AptPin[] {
  const stanzas = configStanzas(text, file);
  return stanzas.filter((s) => s.names().some((n) => n.toLowerCase() !== 'explanation')).map((s) => pinFromStanza(s, file));
}

/** apt reads preferences.d files with no suffix or `.pref`, named with these characters only. */
function isPreferencesPart(name: string): boolean {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return false;
  return name.endsWith('.pref') || !name.includes('.');
}

/**
 * Pins under `root`: etc/apt/preferences, then etc/apt/preferences.d/* (name order), in the order
 * apt reads them (for equal specificity, the first matching pin wins).
 */
export async function loadAptPreferences(root = '/'): Promise<AptPin[]> {
  const shown = (rel: string): string => (root === '/' ? '/' + rel : path.join(root, rel));
  const read = async (rel: string): Promise<string | null> => {
    try {
      return await readFile(path.join(root, rel), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') return null;
      throw new ConfigError(`cannot read: ${(err as Error).message}`, { file: shown(rel) }, { cause: err });
    }
  };
  const out: AptPin[] = [];
  const main = await read('etc/apt/preferences');
  if (main !== null) out.push(...parsePreferences(main, shown('etc/apt/preferences')));
  let names: string[] = [];
  try {
    names = (await readdir(path.join(root, 'etc/apt/preferences.d'))).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError(`cannot list: ${(err as Error).message}`, { file: shown('etc/apt/preferences.d') }, { cause: err });
    }
  }
  for (const name of names.filter(isPreferencesPart)) {
    const rel = `etc/apt/preferences.d/${name}`;
    const text = await read(rel);
    if (text !== null) out.push(...parsePreferences(text, shown(rel)));
  }
  return out;
}
