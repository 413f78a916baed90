/**
 * What is installed on a host: read from the rpm database (`rpm -qa`) or dpkg's status database
 * (`dpkg-query -W`), under an install root, or parsed from a list exported on another host.
 *
 * Export formats (tab-separated, one package a line; `#` lines and blank lines are ignored):
 *
 *   rpm:   rpm -qa --qf '%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{VENDOR}\t%{INSTALLTIME}\n'
 *   dpkg:  dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${db-fsys:Last-Modified}\n'
 *
 * (RPM_QUERYFORMAT and DPKG_SHOWFORMAT below are exactly these.) Also accepted, with less
 * information: plain `rpm -qa` output (one NEVRA a line: no vendor, so vendor changes cannot be
 * told from upgrades) and plain `dpkg-query -W` output (`name[:arch]<TAB>version`).
 * Which format a file is in is decided from its first package line; every line must then match.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { InstalledPackage } from '../analysis/types.js';
import { ConfigError, VersionSyntaxError } from '../errors.js';
import { parseDebVersion } from '../formats/deb/version.js';
import { formatEvr, parseNevra } from '../formats/rpm/version.js';
import type { PackageFormat } from '../formats/types.js';

const run = promisify(execFile);

/** The `rpm -qa --qf` format repoclash reads and asks users to export with. */
export const RPM_QUERYFORMAT = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{VENDOR}\\t%{INSTALLTIME}\\n';
/** The `dpkg-query -W -f` format repoclash reads and asks users to export with. */
export const DPKG_SHOWFORMAT = '${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\t${db-fsys:Last-Modified}\\n';

export type InstalledFormat = 'rpm' | 'dpkg' | 'rpm-nevra' | 'dpkg-plain';

export interface InstalledList {
  format: InstalledFormat;
  packages: InstalledPackage[];
  /** Where the list came from (a file, or "rpm database under ROOT"). */
  source: string;
  /** Facts the list lacks (e.g. vendors), for the report. */
  warnings: string[];
}

/** Pseudo-packages in the rpm database that no repository ships (imported signing keys). */
const RPM_PSEUDO_NAMES = new Set(['gpg-pubkey', 'gpg-pubkey-release']);

/** rpm prints "(none)" for a tag the header lacks. */
function rpmTag(value: string): string | null {
  return value === '(none)' || value === '' ? null : value;
}

function rpmInstalled(name: string, epoch: number, version: string, release: string, arch: string, vendor: string | null, installTime: number | null): InstalledPackage {
  return { name, arch, epoch, version, release, evr: formatEvr({ epoch, version, release }), vendor, installTime };
}

function debInstalled(name: string, versionText: string, arch: string, installTime: number | null, where: { file: string; line: number }, held = false): InstalledPackage {
  const v = parseDebVersion(versionText, where);
  return { name, arch, epoch: v.epoch, version: v.upstream, release: v.revision, evr: versionText.trim(), vendor: null, installTime, ...(held ? { held: true } : {}) };
}

/** dpkg's selection `hold` (`apt-mark hold`): the abbreviation's first letter, want = h. */
function dpkgHeld(abbrev: string): boolean {
  return abbrev.startsWith('h');
}

/**
 * dpkg states with an installed version (apt's CurrentVer): everything but not-installed (n) and
 * config-files (c). The abbreviation is want/status/error, e.g. "ii ", "rc ", "iU ", "hi ".
 */
function dpkgHasVersion(abbrev: string): boolean {
  const status = abbrev[1];
  return status !== undefined && status !== 'n' && status !== 'c';
}

const DPKG_ABBREV = /^[uihrp][ncHUFWti][ R]?$/;
const INTEGER = /^\d+$/;

function detectFormat(fields: string[]): InstalledFormat | null {
  if (fields.length === 7 && (INTEGER.test(fields[1]!) || fields[1] === '(none)')) return 'rpm';
  if ((fields.length === 4 || fields.length === 5) && DPKG_ABBREV.test(fields[3]!)) return 'dpkg';
  if (fields.length === 2) return 'dpkg-plain';
  if (fields.length === 1 && /\S-\S+-\S+\.\S+$/.test(fields[0]!)) return 'rpm-nevra';
  return null;
}

const FORMAT_HELP =
  `expected one package a line as exported by\n` +
  `  rpm -qa --qf '${RPM_QUERYFORMAT}'\n` +
  `or\n` +
  `  dpkg-query -W -f='${DPKG_SHOWFORMAT}'`;

/** Parse one line of a known format; null for a package the host does not really have installed. */
function parseLine(format: InstalledFormat, fields: string[], where: { file: string; line: number }): InstalledPackage | null {
  const bad = (why: string): never => {
    throw new ConfigError(`not a ${format} package line (${why}); ${FORMAT_HELP}`, where);
  };
  switch (format) {
    case 'rpm': {
      if (fields.length !== 7) bad(`${fields.length} fields, expected 7`);
      const [name, epochText, version, release, arch, vendor, time] = fields as [string, string, string, string, string, string, string];
      if (RPM_PSEUDO_NAMES.has(name)) return null;
      if (name === '' || version === '' || arch === '') bad('empty name, version or arch');
      const epoch = epochText === '(none)' ? 0 : Number(epochText);
      if (!Number.isSafeInteger(epoch)) bad(`epoch "${epochText}"`);
      const installTime = rpmTag(time);
      if (installTime !== null && !INTEGER.test(installTime)) bad(`install time "${time}"`);
      return rpmInstalled(name, epoch, version, release === '(none)' ? '' : release, arch, rpmTag(vendor), installTime === null ? null : Number(installTime));
    }
    case 'rpm-nevra': {
      if (fields.length !== 1) bad(`${fields.length} fields, expected a NEVRA`);
      const n = parseNevra(fields[0]!, where);
      if (RPM_PSEUDO_NAMES.has(n.name)) return null;
      return rpmInstalled(n.name, n.epoch, n.version, n.release, n.arch, null, null);
    }
    case 'dpkg': {
      if (fields.length !== 4 && fields.length !== 5) bad(`${fields.length} fields, expected 4 or 5`);
      const [name, version, arch, abbrev, modified] = fields as [string, string, string, string, string | undefined];
      if (!DPKG_ABBREV.test(abbrev)) bad(`status "${abbrev}"`);
      if (!dpkgHasVersion(abbrev) || version === '') return null;
      if (name === '') bad('empty package name');
      const time = modified !== undefined && INTEGER.test(modified) ? Number(modified) : null;
      return debInstalled(name, version, arch === '' ? 'all' : arch, time, where, dpkgHeld(abbrev));
    }
    case 'dpkg-plain': {
      if (fields.length !== 2) bad(`${fields.length} fields, expected 2`);
      const [qualified, version] = fields as [string, string];
      // Packages known only by their config files have no version.
      if (version === '') return null;
      const colon = qualified.indexOf(':');
      const name = colon === -1 ? qualified : qualified.slice(0, colon);
      if (name === '') bad('empty package name');
      return debInstalled(name, version, colon === -1 ? 'all' : qualified.slice(colon + 1), null, where);
    }
  }
}

/**
 * Parse an exported list (any of the four formats, auto-detected). Bad lines throw ConfigError
 * with file:line; a version dpkg or rpm would reject counts as a bad line.
 */
export function parseInstalledList(text: string, file: string): InstalledList {
  let format: InstalledFormat | null = null;
  const packages: InstalledPackage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    // Tab-separated fields; dpkg's status abbreviation ends in a blank ("ii "), so trim each.
    const fields = raw.split('\t').map((f) => f.trim());
    const where = { file, line: i + 1 };
    if (format === null) {
      format = detectFormat(fields);
      if (format === null) throw new ConfigError(`cannot tell the list's format from this line; ${FORMAT_HELP}`, where);
    }
    try {
      const pkg = parseLine(format, fields, where);
      if (pkg) packages.push(pkg);
    } catch (err) {
      if (err instanceof VersionSyntaxError) throw new ConfigError(err.message, where, { cause: err });
      throw err;
    }
  }
  if (format === null) throw new ConfigError(`no packages in the list; ${FORMAT_HELP}`, { file });
  const warnings: string[] = [];
  if (format === 'rpm-nevra') warnings.push(`${file}: plain NEVRA list: vendors unknown, so vendor changes look like upgrades (export with rpm -qa --qf '${RPM_QUERYFORMAT}')`);
  return { format, packages, source: file, warnings };
}

export async function readInstalledFile(file: string): Promise<InstalledList> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the installed-package list: ${(err as Error).message}`, { file }, { cause: err });
  }
  return parseInstalledList(text, file);
}

/** Files that mark a directory as an rpm database (sqlite, BerkeleyDB, ndb). */
const RPMDB_FILES = ['rpmdb.sqlite', 'Packages', 'Packages.db'];

/**
 * Where the rpm database of `root` is, as a path inside the root. rpm's own %_dbpath first (on
 * Debian's rpm that is ~/.rpmdb, which is where `rpm --root R --initdb` puts it), then the places
 * Fedora/RHEL (/usr/lib/sysimage/rpm) and older systems (/var/lib/rpm) use.
 */
export async function rpmDbPath(root: string): Promise<string | null> {
  let configured: string | null = null;
  try {
    configured = (await run('rpm', ['--eval', '%{_dbpath}'])).stdout.trim() || null;
  } catch {
    configured = null;
  }
  const candidates = [configured, '/usr/lib/sysimage/rpm', '/var/lib/rpm'].filter((p): p is string => p !== null && p.startsWith('/'));
  for (const dir of candidates) if (RPMDB_FILES.some((f) => existsSync(path.join(root, dir, f)))) return dir;
  return null;
}

async function tool(command: string, args: string[], what: string, file: string): Promise<string> {
  try {
    return (await run(command, args, { maxBuffer: 256 * 1024 * 1024 })).stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    const why = e.code === 'ENOENT' ? `${command} is not installed` : (e.stderr ?? e.message).trim().split('\n')[0];
    throw new ConfigError(`cannot read ${what}: ${why}`, { file }, { cause: err });
  }
}

/** `rpm --root ROOT --dbpath DB -qa --qf RPM_QUERYFORMAT`. */
export async function readRpmDatabase(root: string): Promise<InstalledList> {
  const dbpath = await rpmDbPath(root);
  if (dbpath === null) throw new ConfigError('no rpm database found (looked for rpm\'s %_dbpath, /usr/lib/sysimage/rpm, /var/lib/rpm)', { file: root });
  const source = `rpm database ${path.join(root, dbpath)}`;
  const text = await tool('rpm', ['--root', root, '--dbpath', dbpath, '-qa', '--qf', RPM_QUERYFORMAT.replaceAll('\\t', '\t').replaceAll('\\n', '\n')], 'the rpm database', path.join(root, dbpath));
  if (text.trim() === '') return { format: 'rpm', packages: [], source, warnings: [] };
  return { ...parseInstalledList(text, source), source };
}

/** `dpkg-query --admindir=ROOT/var/lib/dpkg -W -f=DPKG_SHOWFORMAT`. */
export async function readDpkgStatus(root: string): Promise<InstalledList> {
  const admindir = path.join(root, 'var/lib/dpkg');
  if (!existsSync(path.join(admindir, 'status'))) throw new ConfigError('no dpkg status database', { file: path.join(admindir, 'status') });
  const source = `dpkg status ${path.join(admindir, 'status')}`;
  const text = await tool('dpkg-query', [`--admindir=${admindir}`, '-W', `-f=${DPKG_SHOWFORMAT.replaceAll('\\t', '\t').replaceAll('\\n', '\n')}`], 'the dpkg status', path.join(admindir, 'status'));
  if (text.trim() === '') return { format: 'dpkg', packages: [], source, warnings: [] };
  const list = { ...parseInstalledList(text, source), source };
  const relations = await tool('dpkg-query', [`--admindir=${admindir}`, '-W', `-f=${DPKG_RELATIONS_FORMAT}`], 'the dpkg status', path.join(admindir, 'status'));
  attachRelations(list.packages, relations);
  return list;
}

/**
 * The installed versions' relationship fields (what apt-get upgrade checks an upgrade against).
 * dpkg writes each on one line, so tabs separate them safely.
 */
const DPKG_RELATIONS_FIELDS = ['Provides', 'Depends', 'Pre-Depends', 'Conflicts', 'Breaks'] as const;
const DPKG_RELATIONS_FORMAT = ['${Package}', '${Architecture}', '${Version}', ...DPKG_RELATIONS_FIELDS.map((f) => `\${${f}}`)].join('\t') + '\n';

function attachRelations(packages: InstalledPackage[], text: string): void {
  const byKey = new Map(packages.map((p) => [`${p.name}\t${p.arch}\t${p.evr}`, p]));
  for (const line of text.split('\n')) {
    const [name, arch, version, provides, depends, preDepends, conflicts, breaks] = line.split('\t');
    if (breaks === undefined) continue;
    const pkg = byKey.get(`${name}\t${arch === '' ? 'all' : arch}\t${version!.trim()}`);
    if (!pkg) continue;
    const field = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim());
    pkg.relations = { provides: field(provides), depends: field(depends), preDepends: field(preDepends), conflicts: field(conflicts), breaks: field(breaks) };
  }
}

/** The root's own package database, of the kind its repositories use. */
export function readInstalledDatabase(root: string, format: PackageFormat): Promise<InstalledList> {
  return format === 'rpm' ? readRpmDatabase(root) : readDpkgStatus(root);
}
