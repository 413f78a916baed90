/**
 * Which of the host's apt sources is the Debian archive, for the host variables `$debian_mirror`
 * and `$debian_security_mirror`. Never "the first source": a vendor repo whose suite is `stable`
 * (apt.grafana.com) or `bookworm` (Docker's layout), or a local `file:` source, is not Debian.
 *
 * A source is the Debian archive when
 * - apt's own copy of its Release file (under var/lib/apt/lists of the root, written by the last
 *   `apt update`) says `Origin: Debian`, or
 * - it uses Debian's suite names under a URI whose path ends in `/debian` (the main archive) or
 *   `/debian-security` (the security archive): the layout every Debian mirror serves.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { binaryEntries, isCdromSource, isDebianSuite, loadAptSources, type AptSourceEntry } from './apt-sources.js';

/** apt's URItoFileName: the scheme and any user:password@ dropped, `/` → `_`. */
export function aptListsPrefix(uri: string): string {
  const noScheme = uri.replace(/^[a-z][a-z0-9+.-]*:\/+/i, '').replace(/^[^/@]*@/, '');
  return noScheme.replace(/\/+$/, '').replace(/\//g, '_');
}

/** `Origin:` of apt's cached Release for this source, or null when apt has none under `root`. */
export async function cachedReleaseOrigin(root: string, e: Pick<AptSourceEntry, 'uri' | 'suite'>): Promise<string | null> {
  const lists = path.join(root, 'var/lib/apt/lists');
  const stem = `${aptListsPrefix(e.uri)}_dists_${aptListsPrefix(e.suite)}_`;
  for (const name of ['InRelease', 'Release']) {
    let text: string;
    try {
      text = await readFile(path.join(lists, stem + name), 'utf8');
    } catch {
      continue;
    }
    const m = /^Origin:[ \t]*(.*?)[ \t]*$/m.exec(text);
    return m ? m[1]! : null;
  }
  return null;
}

function uriPathTail(uri: string): string {
  try {
    return new URL(uri).pathname.replace(/\/+$/, '').split('/').pop() ?? '';
  } catch {
    return '';
  }
}

/** Whether a source is served by Debian's archive (see the file comment). */
export async function isDebianArchive(root: string, e: AptSourceEntry): Promise<boolean> {
  // A DVD's cdrom: source may say Debian and bookworm, but it is no mirror to fetch from.
  if (e.flat || isCdromSource(e)) return false;
  const origin = await cachedReleaseOrigin(root, e);
  if (origin !== null) return origin === 'Debian';
  const tail = uriPathTail(e.uri);
  return isDebianSuite(e.suite) && (tail === 'debian' || tail === 'debian-security');
}

export interface DebianMirrors {
  /** The main archive's URI without trailing slashes. */
  main?: string;
  /** The security archive's URI without trailing slashes. */
  security?: string;
}

/** The host's Debian archive URIs (enabled `deb` entries only), or {} when it uses none. */
export async function debianMirrors(root = '/'): Promise<DebianMirrors> {
  const debian: AptSourceEntry[] = [];
  for (const e of binaryEntries(await loadAptSources(root))) if (await isDebianArchive(root, e)) debian.push(e);
  const main = debian.find((e) => !e.suite.endsWith('-security'));
  const security = debian.find((e) => e.suite.endsWith('-security'));
  const bare = (uri: string) => uri.replace(/\/+$/, '');
  return { ...(main ? { main: bare(main.uri) } : {}), ...(security ? { security: bare(security.uri) } : {}) };
}

/**
 * The URI of the host's Debian archive, preferring the main archive over the security one.
 * Benchmarks and smoke tests use it to find the live archive instead of naming a host. null when
 * the host has none.
 */
export async function debianMirrorFromHost(root = '/'): Promise<string | null> {
  const m = await debianMirrors(root);
  return m.main ?? m.security ?? null;
}
