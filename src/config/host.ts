/**
 * What this host says about itself: the variables repos.yaml may use ($debian_mirror and
 * $debian_security_mirror, read from the apt sources so no file ever names a mirror), and the
 * host's own repositories as a `system` profile.
 */
import path from 'node:path';
import { binaryEntries, isCdromSource, loadAptSources, type AptSourceEntry } from './apt-sources.js';
import { aptDefaultRelease, aptPhasing, loadAptConfEntries } from './apt-conf.js';
import { aptProxySettings } from './apt-proxy.js';
import { aptTlsFor, loadAptAuthFiles } from './apt-auth.js';
import { readOsRelease } from './os-release.js';
import { readIfExists } from './config-files.js';
import { loadAptPreferences } from './apt-preferences.js';
import { debianMirrors, type DebianMirrors } from './debian-archive.js';
import { compatibleArches } from './repos-yaml.js';
import { withoutCredentials } from '../sanitize.js';
import type { DebRepoConfig, ProfileConfig, RepoAccess, RepoConfig } from './types.js';

export async function hostVariables(root = '/'): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  let mirrors: DebianMirrors;
  try {
    mirrors = await debianMirrors(root);
  } catch {
    return vars; // unreadable sources: the variables stay unset and the repos needing them are skipped
  }
  if (mirrors.main) vars.debian_mirror = mirrors.main;
  if (mirrors.security) vars.debian_security_mirror = mirrors.security;
  return vars;
}

export interface SystemRepos {
  repos: RepoConfig[];
  profile: ProfileConfig;
  warnings: string[];
}

/** The host's apt sources as repos plus a `system` profile (its preferences included). */
export async function aptSystemRepos(root = '/', arch = debianArch()): Promise<SystemRepos | null> {
  const all = binaryEntries(await loadAptSources(root));
  // apt reads a cdrom: source from the disc apt-cdrom added, never over the network: nothing to
  // crawl, and no missing data either (its own `apt-get update` just says it has no Release).
  const entries = all.filter((e) => !isCdromSource(e));
  const warnings = all.filter(isCdromSource).map((e) => `${e.file}:${e.line}: ${e.uri} ${e.suite}: a cdrom source (apt reads it from the disc): skipped`);
  if (entries.length === 0) return null;
  // apt fetches every architecture dpkg knows (native and foreign) from a source without `arch=`.
  const hostArches = [arch, ...(await dpkgForeignArches(root, arch))];
  const repos: DebRepoConfig[] = [];
  const seen = new Map<string, DebRepoConfig>();
  const distroId = (await readOsRelease(root))?.id ?? null;
  // apt's proxies (apt.conf with the environment, by apt's rules) for every source.
  // apt.conf and its parts, read once for the proxies, logins, TLS, Default-Release and phasing.
  const aptConfEntries = await loadAptConfEntries(root);
  const aptConf = new Map([...aptConfEntries].map(([k, e]) => [k, e.value]));
  const proxy = await aptProxySettings(root, aptConfEntries);
  // auth.conf and auth.conf.d: every source's requests are matched against them, as apt's are.
  const auth = await loadAptAuthFiles(root, aptConf);
  warnings.push(...auth.warnings);
  for (const e of entries) {
    const id = aptRepoId(e);
    const earlier = seen.get(id);
    if (earlier) {
      // apt reads every entry's components and architectures of one URI and suite (one Release,
      // one index per component and architecture): `deb U bookworm main` plus `deb U bookworm
      // contrib` in another file is one repo with both.
      earlier.components = union(earlier.components, e.components);
      earlier.architectures = union(earlier.architectures, e.architectures ?? hostArches);
      continue;
    }
    const signedBy = e.signedBy?.kind === 'keyring' ? e.signedBy : null;
    // An inline key block is the only key apt trusts for this source (Ubuntu 24.04's PPAs).
    const inlineKey = e.signedBy?.kind === 'inline' ? e.signedBy.armored : null;
    const repo: DebRepoConfig = {
      id,
      // Placeholders: the vendor is the Release's Origin, read when the repo is crawled.
      vendor: hostOf(e.uri) || 'local',
      role: 'third-party',
      vendorFromRelease: { distroId },
      format: 'deb',
      enabled: true,
      signingKey: inlineKey
        ? { armored: inlineKey }
        : signedBy && signedBy.paths.length > 0
          ? { file: path.join(root, signedBy.paths[0]!), ...(signedBy.fingerprints.length ? { fingerprints: signedBy.fingerprints } : {}) }
          : signedBy && signedBy.fingerprints.length
            ? { fingerprints: signedBy.fingerprints }
            : null,
      checkValidUntil: e.checkValidUntil ?? true,
      definedAt: { file: e.file, line: e.line },
      uri: e.uri.endsWith('/') ? e.uri : `${e.uri}/`,
      suite: e.suite,
      components: e.components,
      architectures: e.architectures ?? hostArches,
      flat: e.flat,
      trusted: e.trusted ?? false,
      proxy,
    };
    const tls = aptTlsFor(repo.uri, aptConf, root);
    const access: RepoAccess = { ...(auth.files.length > 0 ? { netrc: auth.files } : {}), ...(tls ? { tls } : {}) };
    if (access.netrc || access.tls) repo.access = access;
    seen.set(id, repo);
    repos.push(repo);
  }
  const defaultRelease = aptDefaultRelease(aptConf);
  const phasing = await aptPhasing(root, aptConf);
  const profile: ProfileConfig = {
    name: 'system',
    repos: repos.map((r) => r.id),
    format: 'deb',
    // Native first (who wins a name: winnersFromResolutions prefers the earlier arch), then foreign.
    arches: union(compatibleArches('deb', arch), hostArches),
    allowVendorChange: true,
    vendorSticky: false,
    aptPreferences: await loadAptPreferences(root),
    // APT::Default-Release from the root's apt.conf / apt.conf.d (pin 990 for that release).
    ...(defaultRelease !== undefined ? { defaultRelease } : {}),
    aptPhasing: phasing,
    definedAt: { file: path.join(root, 'etc/apt') },
  };
  return { repos, profile, warnings };
}

/**
 * The foreign architectures dpkg keeps in ROOT/var/lib/dpkg/arch (`dpkg --add-architecture`; one
 * per line, the native one among them), what `dpkg --print-foreign-architectures` prints.
 */
async function dpkgForeignArches(root: string, native: string): Promise<string[]> {
  const text = await readIfExists(path.join(root, 'var/lib/dpkg/arch'));
  if (text === null) return [];
  const arches = text.split('\n').map((l) => l.trim()).filter((a) => /^[a-z0-9][a-z0-9-]*$/.test(a) && a !== native && a !== 'all');
  return [...new Set(arches)];
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** A readable, stable id: `apt:<host>/<path>:<suite>`. */
export function aptRepoId(e: Pick<AptSourceEntry, 'uri' | 'suite'>): string {
  // A name is shown and stored as the repo's label: never with the URI's user and password.
  const where = withoutCredentials(e.uri).replace(/^[a-z+]+:\/\//, '').replace(/\/+$/, '');
  return `apt:${where}:${e.suite.replace(/\/+$/, '') || '.'}`.replace(/[^A-Za-z0-9._:/-]/g, '_');
}

function hostOf(uri: string): string {
  try {
    return new URL(uri).hostname;
  } catch {
    return '';
  }
}

/** dpkg's architecture name for this machine. */
export function debianArch(machine: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', ppc64: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' };
  return map[machine] ?? machine;
}
