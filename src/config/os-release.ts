/**
 * os-release(5) under an install root: who the distro is and its release, which is where repoclash
 * takes $releasever from when it is not given (dnf 4 asks the rpmdb for the package providing
 * `system-release(releasever)`; that package's version and os-release's VERSION_ID agree on
 * Fedora, and on the EL family the package carries only the major release, see `releaseverFrom`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface OsRelease {
  id?: string;
  idLike: string[];
  name?: string;
  versionId?: string;
  /** PLATFORM_ID (EL 8/9: "platform:el9"), which dnf's modularity resolves module requires against. */
  platformId?: string;
}

/** Parse `KEY=value` lines; values may be single- or double-quoted with backslash escapes. */
export function parseOsRelease(text: string): OsRelease {
  const fields = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2] as string;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    fields.set(m[1] as string, value);
  }
  const result: OsRelease = { idLike: (fields.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean) };
  const id = fields.get('ID');
  const name = fields.get('NAME');
  const versionId = fields.get('VERSION_ID');
  if (id) result.id = id;
  if (name) result.name = name;
  if (versionId) result.versionId = versionId;
  const platformId = fields.get('PLATFORM_ID');
  if (platformId) result.platformId = platformId;
  return result;
}

/** /etc/os-release, else /usr/lib/os-release, under root; null when neither exists. */
export async function readOsRelease(root: string): Promise<OsRelease | null> {
  for (const rel of ['etc/os-release', 'usr/lib/os-release']) {
    try {
      return parseOsRelease(await readFile(path.join(root, rel), 'utf8'));
    } catch {
      // Try the next location.
    }
  }
  return null;
}

const EL_IDS = new Set(['rhel', 'centos', 'rocky', 'almalinux', 'ol', 'circle', 'eurolinux', 'navy', 'virtuozzo']);

/** True for RHEL and its rebuilds (ID or ID_LIKE says rhel/centos), false for Fedora itself. */
export function isEnterpriseLinux(os: OsRelease): boolean {
  if (os.id === 'fedora') return false;
  return (os.id !== undefined && EL_IDS.has(os.id)) || os.idLike.some((like) => like === 'rhel' || like === 'centos');
}

/**
 * $releasever as the distro's release package would provide it: VERSION_ID, except that on
 * RHEL-like systems only the major part (`9.4` → `9`), because redhat-release & co. provide
 * `system-release(releasever) = 9` and their repo URLs are written for that.
 */
export function releaseverFrom(os: OsRelease): string | undefined {
  if (os.versionId === undefined) return undefined;
  return isEnterpriseLinux(os) ? (os.versionId.split('.')[0] as string) : os.versionId;
}
