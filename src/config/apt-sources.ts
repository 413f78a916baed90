/**
 * The host's apt sources: one-line `.list` files and deb822 `.sources` files, as sources.list(5)
 * describes them, into one typed entry per (type, URI, suite). Pure parsers plus a loader that
 * reads them under a root directory (so tests and containers can point it elsewhere).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type ErrorLocation } from '../errors.js';
import { configStanzas, lastField, lastFirstLine, lastFolded, readIfExists } from './config-files.js';

export type AptSourceType = 'deb' | 'deb-src';

export type SignedBy =
  /** Keyring files and/or key fingerprints (a trailing `!` pins a subkey). */
  | { kind: 'keyring'; paths: string[]; fingerprints: string[] }
  /** An ASCII-armoured public key block embedded in a .sources file. */
  | { kind: 'inline'; armored: string };

export interface AptSourceEntry {
  /** `deb-src` entries are kept (typed) but carry no binary packages: see binaryEntries(). */
  type: AptSourceType;
  uri: string;
  /** The suite/codename, or for a flat repository the path below the URI (`./`, `subdir/`). */
  suite: string;
  /** Empty for a flat repository. */
  components: string[];
  /** `deb URI ./`: Release and Packages sit directly in URI/suite, no dists/ tree. */
  flat: boolean;
  enabled: boolean;
  /** `arch=` / `Architectures:`; null means apt's configured architectures. */
  architectures: string[] | null;
  signedBy: SignedBy | null;
  /** `trusted=yes|no`; null when not given. */
  trusted: boolean | null;
  /** `check-valid-until=no` lets an expired Release through; null when not given. */
  checkValidUntil: boolean | null;
  /**
   * Every option as given, keyed by its deb822 name in lower case (`architectures`, `signed-by`,
   * `check-valid-until`, …); one-line `arch=`/`lang=`/`target=` are stored under `architectures`/
   * `languages`/`targets`. `+=`/`-=` forms are stored as `name+` / `name-`.
   */
  options: Record<string, string>;
  file: string;
  line: number;
}

/** One-line option names that differ from their deb822 field names. */
const ONE_LINE_ALIASES: Record<string, string> = { arch: 'architectures', lang: 'languages', target: 'targets' };
/** Fields of a .sources stanza that are the entry itself rather than options. */
const STRUCTURAL = new Set(['types', 'uris', 'suites', 'components', 'enabled']);

/** apt's StringToBool. */
function toBool(text: string, name: string, where: ErrorLocation): boolean {
  const t = text.trim().toLowerCase();
  if (['yes', 'true', 'with', 'on', 'enable', '1'].includes(t)) return true;
  if (['no', 'false', 'without', 'off', 'disable', '0'].includes(t)) return false;
  throw new ConfigError(`${name}: expected yes or no, got ${JSON.stringify(text)}`, where);
}

function list(text: string): string[] {
  return text.split(/[\s,]+/).filter((w) => w !== '');
}

function parseSignedBy(text: string, where: ErrorLocation): SignedBy {
  if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
    // deb822 multiline: continuation lines are indented, and " ." stands for an empty line.
    const lines = text.split('\n').map((l, k) => {
      const t = k === 0 ? l.trim() : l.replace(/^[ \t]/, '').trimEnd();
      return t === '.' ? '' : t.trim();
    });
    const armored = lines.join('\n').trim() + '\n';
    if (!armored.includes('-----END PGP PUBLIC KEY BLOCK-----')) {
      throw new ConfigError('Signed-By: inline key block has no END line', where);
    }
    return { kind: 'inline', armored };
  }
  const paths: string[] = [];
  const fingerprints: string[] = [];
  for (const item of list(text)) {
    if (/^[0-9A-Fa-f]{16,40}!?$/.test(item)) fingerprints.push(item);
    else if (item.startsWith('/')) paths.push(item);
    else throw new ConfigError(`Signed-By: ${JSON.stringify(item)} is neither an absolute keyring path nor a fingerprint`, where);
  }
  if (paths.length === 0 && fingerprints.length === 0) throw new ConfigError('Signed-By: empty', where);
  return { kind: 'keyring', paths, fingerprints };
}

/** Fill the typed option fields of an entry from its options map. */
function typedOptions(options: Record<string, string>, where: ErrorLocation): Pick<AptSourceEntry, 'architectures' | 'signedBy' | 'trusted' | 'checkValidUntil'> {
  const arch = options['architectures'];
  return {
    architectures: arch === undefined ? null : list(arch),
    signedBy: options['signed-by'] === undefined ? null : parseSignedBy(options['signed-by'], where),
    trusted: options['trusted'] === undefined ? null : toBool(options['trusted'], 'trusted', where),
    checkValidUntil: options['check-valid-until'] === undefined ? null : toBool(options['check-valid-until'], 'check-valid-until', where),
  };
}

function isFlatSuite(suite: string): boolean {
  return suite.endsWith('/');
}

function checkType(type: string, where: ErrorLocation): AptSourceType {
  if (type === 'deb' || type === 'deb-src') return type;
  throw new ConfigError(`unknown source type ${JSON.stringify(type)} (expected deb or deb-src)`, where);
}

function makeEntry(
  type: AptSourceType,
  uri: string,
  suite: string,
  components: string[],
  enabled: boolean,
  options: Record<string, string>,
  where: { file: string; line: number },
): AptSourceEntry {
  const flat = isFlatSuite(suite);
  if (flat && components.length > 0) {
    throw new ConfigError(`suite ${JSON.stringify(suite)} is an exact path (ends in "/"), so it takes no components`, where);
  }
  if (!flat && components.length === 0) {
    throw new ConfigError(`suite ${JSON.stringify(suite)} needs at least one component (or end in "/" for a flat repository)`, where);
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(uri)) throw new ConfigError(`${JSON.stringify(uri)} is not a URI`, where);
  return { type, uri, suite, components, flat, enabled, ...typedOptions(options, where), options, file: where.file, line: where.line };
}

/**
 * Parse a one-line-style file (sources.list, *.list):
 * `deb [ opt=value … ] URI suite [component…]`, `#` comments, blank lines.
 */
export function parseSourcesList(text: string, file: string): AptSourceEntry[] {
  const out: AptSourceEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const where = { file, line: index + 1 };
    const hash = raw.indexOf('#');
    let line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line === '') return;

    const typeMatch = /^(\S+)\s*/.exec(line)!;
    const type = checkType(typeMatch[1]!, where);
    line = line.slice(typeMatch[0].length);

    const options: Record<string, string> = {};
    if (line.startsWith('[')) {
      const close = line.indexOf(']');
      if (close < 0) throw new ConfigError('option list "[" is not closed with "]"', where);
      for (const item of line.slice(1, close).trim().split(/\s+/).filter((w) => w !== '')) {
        const m = /^([A-Za-z][A-Za-z0-9-]*)([+-]?)=(.*)$/.exec(item);
        if (m === null || m[3] === '') throw new ConfigError(`malformed option ${JSON.stringify(item)} (expected key=value)`, where);
        const key = (ONE_LINE_ALIASES[m[1]!.toLowerCase()] ?? m[1]!.toLowerCase()) + m[2]!;
        options[key] = m[3]!;
      }
      line = line.slice(close + 1).trim();
    }

    // As apt's ParseQuoteWord: `[…]` keeps its spaces inside one word (a DVD's
    // `cdrom:[Debian GNU/Linux 12.5.0 …]/`).
    const words = line.match(/(?:[^\s[]+|\[[^\]]*\]?)+/g) ?? [];
    if (words.length < 2) throw new ConfigError(`${type} line needs a URI and a suite`, where);
    const [uri, suite, ...components] = words as [string, string, ...string[]];
    out.push(makeEntry(type, uri, suite, components, true, options, where));
  });
  return out;
}

/** A `cdrom:` source: apt reads it from the disc apt-cdrom added, never over the network. */
export function isCdromSource(e: Pick<AptSourceEntry, 'uri'>): boolean {
  return e.uri.startsWith('cdrom:');
}

/**
 * Parse a deb822 `.sources` file. Each stanza expands to one entry per (type, URI, suite), all with
 * the stanza's line. `Enabled: no` stanzas are returned with `enabled: false`. A field given twice
 * in a stanza counts once, the last, as apt's tag reader has it.
 */
export function parseSourcesDeb822(text: string, file: string): AptSourceEntry[] {
  const stanzas = configStanzas(text, file);
  const out: AptSourceEntry[] = [];
  for (const s of stanzas) {
    const where = { file, line: s.line };
    const need = (name: string): string[] => {
      const value = list(lastFolded(s, name) ?? '');
      if (value.length === 0) throw new ConfigError(`stanza has no ${name} field`, where);
      return value;
    };
    const enabledText = lastFirstLine(s, 'Enabled');
    const enabled = enabledText === undefined ? true : toBool(enabledText, 'Enabled', { file, line: s.lineOf('Enabled') });
    const types = need('Types').map((t) => checkType(t, where));
    const uris = need('URIs');
    const suites = need('Suites');
    const components = list(lastFolded(s, 'Components') ?? '');

    const options: Record<string, string> = {};
    for (const name of s.names()) {
      const key = name.toLowerCase();
      if (STRUCTURAL.has(key) || key in options) continue;
      // Signed-By may hold a whole key block: keep its lines; everything else is one line.
      options[key] = key === 'signed-by' ? lastField(s, name)! : lastFolded(s, name)!;
    }
    for (const type of types) {
      for (const uri of uris) {
        for (const suite of suites) out.push(makeEntry(type, uri, suite, components, enabled, options, where));
      }
    }
  }
  return out;
}

/** apt ignores files in sources.list.d whose names use other characters (with a notice). */
const VALID_PART_NAME = /^[A-Za-z0-9_.-]+$/;

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`cannot list: ${(err as Error).message}`, { file: dir }, { cause: err });
  }
}

/**
 * All entries of the host's apt configuration under `root`: etc/apt/sources.list, then
 * etc/apt/sources.list.d/*.list and *.sources in name order (apt's order). Files with other
 * suffixes (`.disabled`, `.save`, …) are ignored, as apt does. Entries carry the path they came from
 * as seen from `root` (e.g. `/etc/apt/sources.list.d/debian.sources`) and their line.
 */
export async function loadAptSources(root = '/'): Promise<AptSourceEntry[]> {
  const shown = (rel: string): string => (root === '/' ? '/' + rel : path.join(root, rel));
  const out: AptSourceEntry[] = [];
  const main = await readIfExists(path.join(root, 'etc/apt/sources.list'));
  if (main !== null) out.push(...parseSourcesList(main, shown('etc/apt/sources.list')));
  const partsDir = path.join(root, 'etc/apt/sources.list.d');
  for (const name of await listDir(partsDir)) {
    if (!VALID_PART_NAME.test(name)) continue;
    const isList = name.endsWith('.list');
    if (!isList && !name.endsWith('.sources')) continue;
    const text = await readIfExists(path.join(partsDir, name));
    if (text === null) continue;
    const file = shown(`etc/apt/sources.list.d/${name}`);
    out.push(...(isList ? parseSourcesList(text, file) : parseSourcesDeb822(text, file)));
  }
  return out;
}

/** Enabled `deb` entries: the ones that carry binary packages. */
export function binaryEntries(entries: readonly AptSourceEntry[]): AptSourceEntry[] {
  return entries.filter((e) => e.type === 'deb' && e.enabled);
}

/** Debian's own release names, with the suffixes its archive uses for companion suites. */
const DEBIAN_SUITE =
  /^(?:sid|unstable|experimental|rc-buggy|testing|stable|oldstable|oldoldstable|buzz|rex|bo|hamm|slink|potato|woody|sarge|etch|lenny|squeeze|wheezy|jessie|stretch|buster|bullseye|bookworm|trixie|forky|duke)(?:-(?:updates|backports|backports-sloppy|proposed-updates|security))?$/;

/** Whether a suite name is one of Debian's (bookworm, sid, stable-updates, trixie-backports, …). */
export function isDebianSuite(suite: string): boolean {
  return DEBIAN_SUITE.test(suite);
}
