/**
 * apt.conf(5) under a root: etc/apt/apt.conf.d/* in name order, then etc/apt/apt.conf (apt's
 * pkgInitConfig reads the parts first and the main file last; a later value wins), for the few
 * options repoclash models (APT::Default-Release, the proxies of apt-proxy.ts).
 *
 * The syntax, as apt reads it: `Scope::Name "value";` (or a bare word: `Scope::Name value;`),
 * scopes as blocks (`APT { Default-Release "x"; };`), `//` and `#` comments to the end of the line, C `/* … *\/` comments, and `#clear` / `#include` lines
 * (the first is honoured for the names we read, the second is not followed). Names are
 * case-insensitive. apt reads only the parts named `NAME` or `NAME.conf` (NAME of letters, digits,
 * `_`, `-`, `:` and `.`): `99local.disabled`, `50x.txt` or `20foo~` are skipped; so do we.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AptPhasing } from './types.js';

/** Every `name → value` an apt.conf text sets, names lower-cased and fully scoped. */
export function parseAptConf(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const noBlockComments = text.replace(/\/\*[\s\S]*?\*\//g, ' ');
  // Outside quotes, as in apt's reader: `#clear NAME;` is a directive wherever it stands (also
  // after a statement on the same line); any other `#`, and `//`, ends the line.
  const lines = noBlockComments
    .split('\n')
    .map((line) =>
      line.replace(/("[^"]*")|#clear\b([^;]*);?|(?:\/\/|#).*$/g, (m, quoted: string | undefined, cleared: string | undefined) =>
        quoted !== undefined ? quoted : cleared !== undefined ? `\u0000clear ${cleared.trim()};` : '',
      ),
    );
  const source = lines.join('\n');
  const scopes: string[] = [];
  const token = /\u0000clear ([^;]*);|("[^"]*")|([{};])|([^\s{};"]+)/g;
  let pendingName: string | null = null;
  // The value read so far for pendingName: apt takes a bare word after a name as its value
  // (`APT::Default-Release stable;`) and joins several with a space (`"sta" "ble"` is "sta ble").
  let pendingValue: string | null = null;
  const addValue = (value: string): void => {
    if (pendingName === null) return; // a list item (`Dpkg::Options { "--force-confold"; }`)
    pendingValue = pendingValue === null ? value : `${pendingValue} ${value}`;
    values.set([...scopes, pendingName].join('::').toLowerCase(), pendingValue);
  };
  let m: RegExpExecArray | null;
  while ((m = token.exec(source)) !== null) {
    if (m[1] !== undefined) {
      const cleared = [...scopes, m[1]].join('::').toLowerCase();
      for (const k of [...values.keys()]) if (k === cleared || k.startsWith(`${cleared}::`)) values.delete(k);
      continue;
    }
    if (m[2] !== undefined) {
      addValue(m[2].slice(1, -1));
      continue;
    }
    if (m[3] === '{') {
      if (pendingName !== null) scopes.push(pendingName);
      pendingName = null;
      pendingValue = null;
    } else if (m[3] === '}' || m[3] === ';') {
      if (m[3] === '}') scopes.pop();
      pendingName = null;
      pendingValue = null;
    } else if (m[4] !== undefined) {
      if (pendingName === null) pendingName = m[4];
      else addValue(m[4]);
    }
  }
  return values;
}

/**
 * apt's GetListOfFilesInDir(dir, "conf", …, AllowNoExt), how it lists apt.conf.d and auth.conf.d:
 * no dot at all, or `.conf` after the last one, in a name of letters, digits, `_`, `:`, `-`, `.`.
 */
export function isAptConfPart(name: string): boolean {
  if (!/^[A-Za-z0-9_:.-]+$/.test(name) || name.startsWith('.') || name.endsWith('.')) return false;
  const dot = name.lastIndexOf('.');
  return dot < 0 || name.slice(dot + 1) === 'conf';
}

/** The options of the root's apt.conf.d and apt.conf, later files winning. */
export async function loadAptConf(root = '/'): Promise<Map<string, string>> {
  return new Map([...(await loadAptConfEntries(root))].map(([k, e]) => [k, e.value]));
}

/** As loadAptConf, each value with the file that set it (for messages that send the user there). */
export async function loadAptConfEntries(root = '/'): Promise<Map<string, { value: string; file: string }>> {
  const files: string[] = [];
  const dir = path.join(root, 'etc/apt/apt.conf.d');
  try {
    for (const name of (await readdir(dir)).sort()) if (isAptConfPart(name)) files.push(path.join(dir, name));
  } catch {
    // No apt.conf.d: apt's defaults.
  }
  // Read last, so its values win over every part's.
  files.push(path.join(root, 'etc/apt/apt.conf'));
  const merged = new Map<string, { value: string; file: string }>();
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const [k, value] of parseAptConf(text)) merged.set(k, { value, file });
  }
  return merged;
}

/** apt's StringToBool: the words apt takes for true and false; anything else is the default. */
export function aptBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (['yes', 'true', 'with', 'on', 'enable', '1'].includes(v)) return true;
  if (['no', 'false', 'without', 'off', 'disable', '0'].includes(v)) return false;
  return undefined;
}

/**
 * How apt on this root treats phased updates (apt_preferences(5), "Phased Updates"):
 * APT::Get::Phase-Policy or Always-Include-Phased-Updates take them all, Never-Include leaves them
 * all (each falling back to its Update-Manager:: twin, as apt does); the machine is APT::Machine-ID,
 * else the first line of the root's etc/machine-id (Dir::Etc::machine-id).
 */
export async function aptPhasing(root = '/', conf?: ReadonlyMap<string, string>): Promise<AptPhasing> {
  const values = conf ?? (await loadAptConf(root));
  const flag = (name: string) => aptBool(values.get(`apt::get::${name}`)) ?? aptBool(values.get(`update-manager::${name}`)) ?? false;
  const policy = aptBool(values.get('apt::get::phase-policy')) || flag('always-include-phased-updates') ? 'always' : flag('never-include-phased-updates') ? 'never' : 'draw';
  let machineId = values.get('apt::machine-id')?.trim() || null;
  if (machineId === null) {
    const file = values.get('dir::etc::machine-id') || '/etc/machine-id';
    try {
      machineId = (await readFile(path.join(root, file), 'utf8')).split('\n')[0]!.trim() || null;
    } catch {
      machineId = null; // no machine-id: apt takes every phased update
    }
  }
  return { machineId, policy };
}

/** APT::Default-Release, when the root's apt.conf (loadAptConf) sets one. */
export function aptDefaultRelease(aptConf: ReadonlyMap<string, string>): string | undefined {
  const value = aptConf.get('apt::default-release');
  return value === undefined || value === '' ? undefined : value;
}
