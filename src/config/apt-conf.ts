/**
 * apt.conf(5) under a root: etc/apt/apt.conf, then etc/apt/apt.conf.d/* in name order (apt's
 * order; a later value wins), for the few options repoclash models (APT::Default-Release).
 *
 * The syntax, as apt reads it: `Scope::Name "value";`, scopes as blocks (`APT { Default-Release
 * "x"; };`), `//` and `#` line comments, C `/* … *\/` comments, and `#clear` / `#include` lines
 * (the first is honoured for the names we read, the second is not followed). Names are
 * case-insensitive. apt skips parts whose names have characters other than letters, digits, `_`,
 * `-` and `.`, and files ending in `.disabled` etc.; so do we.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Every `name → value` an apt.conf text sets, names lower-cased and fully scoped. */
export function parseAptConf(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const noBlockComments = text.replace(/\/\*[\s\S]*?\*\//g, ' ');
  const lines = noBlockComments.split('\n').map((line) => {
    const t = line.trim();
    if (t.startsWith('#clear')) return `\u0000clear ${t.slice('#clear'.length).trim().replace(/;$/, '')};`;
    if (t.startsWith('#') || t.startsWith('//')) return '';
    // A `//` after a value ends the line (outside quotes).
    return line.replace(/("[^"]*")|\/\/.*$/g, (m, quoted: string | undefined) => quoted ?? '');
  });
  const source = lines.join('\n');
  const scopes: string[] = [];
  const token = /\u0000clear ([^;]*);|("[^"]*")|([{};])|([^\s{};"]+)/g;
  let pendingName: string | null = null;
  let m: RegExpExecArray | null;
  while ((m = token.exec(source)) !== null) {
    if (m[1] !== undefined) {
      const cleared = [...scopes, m[1]].join('::').toLowerCase();
      for (const k of [...values.keys()]) if (k === cleared || k.startsWith(`${cleared}::`)) values.delete(k);
      continue;
    }
    if (m[2] !== undefined) {
      const value = m[2].slice(1, -1);
      if (pendingName !== null) values.set([...scopes, pendingName].join('::').toLowerCase(), value);
      pendingName = null;
      continue;
    }
    if (m[3] === '{') {
      if (pendingName !== null) scopes.push(pendingName);
      pendingName = null;
    } else if (m[3] === '}') {
      scopes.pop();
      pendingName = null;
    } else if (m[3] === ';') {
      pendingName = null;
    } else if (m[4] !== undefined) {
      pendingName = m[4];
    }
  }
  return values;
}

const VALID_PART = /^[A-Za-z0-9_.-]+$/;
const IGNORED_SUFFIX = /\.(disabled|bak|dpkg-[a-z]+|ucf-[a-z]+|save|orig|distUpgrade)$|~$/;

/** The options of the root's apt.conf and apt.conf.d, later files winning. */
export async function loadAptConf(root = '/'): Promise<Map<string, string>> {
  const files = [path.join(root, 'etc/apt/apt.conf')];
  const dir = path.join(root, 'etc/apt/apt.conf.d');
  try {
    for (const name of (await readdir(dir)).sort()) if (VALID_PART.test(name) && !IGNORED_SUFFIX.test(name)) files.push(path.join(dir, name));
  } catch {
    // No apt.conf.d: apt's defaults.
  }
  const merged = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const [k, v] of parseAptConf(text)) merged.set(k, v);
  }
  return merged;
}

/** APT::Default-Release, when the root sets one. */
export async function aptDefaultRelease(root = '/'): Promise<string | undefined> {
  const value = (await loadAptConf(root)).get('apt::default-release');
  return value === undefined || value === '' ? undefined : value;
}
