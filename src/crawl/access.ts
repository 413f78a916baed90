/**
 * A repo's credentials and TLS trust turned into what its HTTP requests carry (fetch/credentials.ts
 * says which login goes with which URL, fetch/tls.ts how a CA is trusted). A repos.yaml password is
 * read here, at crawl time, from its environment variable or file. Nothing of it reaches the store,
 * the cache or a message: notes name files and lines only.
 */
import path from 'node:path';
import type { RepoAccess, RepoConfig, SourcePosition } from '../config/types.js';
import { effectiveMetalink } from '../config/repo-identity.js';
import { aptNetrcCredentials, scopedLoginFor, type Credentials, type ScopedLogin } from '../fetch/credentials.js';
import type { AccessFor, HttpClient } from '../fetch/http-client.js';
import { httpsTrustFor, verificationOffNote } from '../fetch/tls.js';
import { readPassword } from '../secrets.js';

function at(p: SourcePosition): string {
  return p.line !== undefined ? `${p.file}:${p.line}` : p.file;
}

/** The locations a repo's own login belongs to: what its config names, never what a metalink lists. */
function configuredLocations(repo: RepoConfig): string[] {
  if (repo.format === 'deb') return [repo.uri];
  const metalink = effectiveMetalink(repo);
  return [...repo.baseurl, ...(metalink ? [metalink] : []), ...(repo.mirrorlist && repo.mirrorlist !== metalink ? [repo.mirrorlist] : [])];
}

function scopedLogin(repo: RepoConfig, access: RepoAccess, configDir: string): ScopedLogin | null {
  const login = access.login;
  if (!login) return null;
  const p = login.password;
  const password =
    'value' in p
      ? p.value
      : (readPassword('env' in p ? { passwordEnv: p.env } : { passwordFile: path.resolve(configDir, p.file) }, 'login') ?? '');
  return { username: login.username, password, from: at(login.definedAt), locations: configuredLocations(repo) };
}

/**
 * The client a repo's crawl uses: `http` itself when the repo has no access settings, else a view of
 * it with the repo's logins and trust. `notes` gets what the user should see once per run (TLS
 * checks switched off, apt's "not encrypted" warnings).
 */
export async function httpForRepo(http: HttpClient, repo: RepoConfig, configDir: string, notes: string[]): Promise<HttpClient> {
  const access = repo.access;
  if (!access) return http;
  const where = { repo: repo.id };
  const login = scopedLogin(repo, access, configDir);
  // A repos.yaml ca-file is relative to repos.yaml (host config paths are absolute already).
  const tls = access.tls && access.tls.caFile !== undefined ? { ...access.tls, caFile: path.resolve(configDir, access.tls.caFile) } : access.tls;
  // Read only for a repo that speaks https: dnf and apt never open a CA file for an http repo
  // (grafana's own .repo names one that a minimal root may not have).
  const speaksHttps = configuredLocations(repo).some((u) => u.startsWith('https:'));
  const https = tls && speaksHttps ? await httpsTrustFor(tls, where) : undefined;
  if (access.tls && speaksHttps) {
    const note = verificationOffNote(access.tls, at(access.tls.definedAt));
    if (note) notes.push(note);
  }
  const warned = new Set<string>();
  const accessFor: AccessFor = (url) => {
    let credentials: Credentials | null = login ? scopedLoginFor(url, login) : null;
    if (credentials === null && access.netrc) {
      const match = aptNetrcCredentials(url, access.netrc);
      credentials = match.credentials;
      for (const w of match.warnings) {
        if (!warned.has(w)) notes.push(w);
        warned.add(w);
      }
    }
    return { credentials, ...(https ? { https } : {}) };
  };
  return http.forRepo({ access: accessFor });
}
