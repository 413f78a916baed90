/**
 * apt's login and TLS settings for a repo, read as apt 2.x reads them (apt_auth.conf(5), apt.conf(5)):
 *
 * - `Dir::Etc::netrc` (default `auth.conf` in etc/apt) first, then the files of
 *   `Dir::Etc::netrcparts` (default `auth.conf.d`) in name order: those named `*.conf` and, as for
 *   apt.conf.d, those without any dot (apt's code lists both; its manual names only `*.conf`). apt opens them as root before its
 *   download methods drop privileges and silently skips one it cannot open; repoclash cannot read
 *   what its user may not, so an unreadable file is skipped with a warning saying so.
 * - The netrc-like format: tokens separated by spaces or tabs (or newlines); `machine NAME` starts a
 *   stanza, `login X` and `password Y` fill it, other tokens are ignored. Keywords are
 *   case-sensitive, there are no comments and no `default` stanza (apt knows neither). Which stanza
 *   a request URL gets is fetch/credentials.ts's job; this module only reads the files.
 * - TLS for an https source: `Acquire::https::CaInfo`, `Verify-Peer`, `Verify-Host`, `SslCert`,
 *   `SslKey`, looked up as apt's https method does: `Acquire::https::HOST::X`, then
 *   `Acquire::http::HOST::X`, then `Acquire::https::X`, then `Acquire::http::X`.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { aptBool, isAptConfPart } from './apt-conf.js';
import type { NetrcFile, NetrcStanza, RepoTls } from './types.js';

/** The stanzas of one auth.conf text, in file order. */
export function parseNetrc(text: string): NetrcStanza[] {
  const stanzas: NetrcStanza[] = [];
  let expecting: 'machine' | 'login' | 'password' | null = null;
  let current: NetrcStanza | null = null;
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    for (const token of line.split(/[ \t]+/)) {
      if (token === '') continue;
      if (expecting === 'machine') {
        current = { machine: token, line: index + 1 };
        stanzas.push(current);
      } else if (expecting !== null) {
        if (current !== null) current[expecting] = token;
      } else if (token === 'machine' || token === 'login' || token === 'password') {
        expecting = token;
        continue;
      }
      expecting = null;
    }
  }
  return stanzas;
}

/** A file name as apt.conf gives it: absolute as is, else below etc/apt; both read under root. */
function underRoot(root: string, value: string): string {
  return value.startsWith('/') ? path.join(root, value) : path.join(root, 'etc/apt', value);
}

/**
 * The root's auth.conf files in apt's order, each with its stanzas, and a warning per file that
 * exists but cannot be read. `aptConf` is the root's merged apt.conf (names lower-cased).
 */
export async function loadAptAuthFiles(root: string, aptConf: ReadonlyMap<string, string>): Promise<{ files: NetrcFile[]; warnings: string[] }> {
  const candidates: string[] = [];
  const main = aptConf.get('dir::etc::netrc') ?? 'auth.conf';
  if (main !== '') candidates.push(underRoot(root, main));
  const partsValue = aptConf.get('dir::etc::netrcparts') ?? 'auth.conf.d';
  if (partsValue !== '') {
    const dir = underRoot(root, partsValue);
    let names: string[] = [];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      // No auth.conf.d: nothing to read, as for apt.
    }
    for (const name of names) if (isAptConfPart(name)) candidates.push(path.join(dir, name));
  }
  const files: NetrcFile[] = [];
  const warnings: string[] = [];
  for (const file of candidates) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') continue;
      warnings.push(`${file}: cannot read (${code ?? (err as Error).message}); apt reads it as root, repoclash as this user: its logins are not used`);
      continue;
    }
    const stanzas = parseNetrc(text);
    if (stanzas.length > 0) files.push({ file, stanzas });
  }
  return { files, warnings };
}

/**
 * The TLS settings apt's https method uses for `uri`, or undefined when the source is not https or
 * apt.conf sets none of them (the system's trust, verification on). Paths are read under root.
 */
export function aptTlsFor(uri: string, aptConf: ReadonlyMap<string, string>, root: string): RepoTls | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:') return undefined;
  const host = url.hostname.toLowerCase();
  const find = (option: string): string | undefined => {
    for (const scope of [`https::${host}`, `http::${host}`, 'https', 'http']) {
      const value = aptConf.get(`acquire::${scope}::${option}`);
      if (value !== undefined && value !== '') return value;
    }
    return undefined;
  };
  const caInfo = find('cainfo');
  const verifyPeer = find('verify-peer');
  const verifyHost = find('verify-host');
  const sslCert = find('sslcert');
  const sslKey = find('sslkey');
  if ([caInfo, verifyPeer, verifyHost, sslCert, sslKey].every((v) => v === undefined)) return undefined;
  return {
    ...(caInfo !== undefined ? { caFile: path.join(root, caInfo) } : {}),
    verifyPeer: aptBool(verifyPeer) ?? true,
    verifyHost: aptBool(verifyHost) ?? true,
    ...(sslCert !== undefined ? { clientCert: path.join(root, sslCert) } : {}),
    ...(sslKey !== undefined ? { clientKey: path.join(root, sslKey) } : {}),
    definedAt: { file: path.join(root, 'etc/apt/apt.conf.d') },
  };
}
