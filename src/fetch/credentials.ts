/**
 * Which login goes with which request URL. Two kinds of source:
 *
 * - apt's auth.conf files, matched per URL as apt 2.x's MaybeAddAuth does (apt_auth.conf(5)):
 *   `machine [scheme://]host[:port][/path]`. A scheme, when given, must be the URL's. Without a
 *   path, the machine is the host (any port) or `host:port` (that port only; a URL without an
 *   explicit port matches only the bare host). With a path, `host[:port]/path` must be a plain
 *   text prefix of the URL's `host[:port]/path` (`host/deb` matches `host/debian/…`). A machine
 *   written without a scheme matches https (and tor+https) only: for http it is skipped with a
 *   warning, as apt warns. In each file the first matching stanza counts; the first file whose
 *   match has a login or password wins (auth.conf before auth.conf.d). A URL that carries its own
 *   `user:password@` uses those, never auth.conf's.
 * - a login given for the repo itself (dnf `username=`, repos.yaml `username`): sent only to the
 *   repo's configured locations (same scheme, host and port, at or below the configured path),
 *   never to a mirror a metalink lists elsewhere nor to a redirect target outside them.
 *
 * Credentials travel as an Authorization header only, never in a URL, so no URL a crawl logs,
 * caches, stores or prints can carry them. `from` names the file (and line) for messages; the
 * secret itself is never part of any message.
 */
import { asDirectory, within } from './origin.js';

export interface Credentials {
  username: string;
  password: string;
  /** Where they were configured (`/etc/apt/auth.conf.d/x.conf:3`): named when a server refuses them. */
  from: string;
}

/** One `machine` stanza of an auth.conf file (structurally config/types.ts's NetrcStanza). */
export interface NetrcMachine {
  machine: string;
  login?: string;
  password?: string;
  line: number;
}

export interface NetrcSource {
  file: string;
  stanzas: readonly NetrcMachine[];
}

export interface CredentialsMatch {
  credentials: Credentials | null;
  /** apt's "credentials match, but the protocol is not encrypted" warnings for this URL. */
  warnings: string[];
}

/** Whether one apt `machine` token matches the URL (and the warning apt gives when it would but for the scheme). */
function aptMachineMatches(token: string, url: URL, file: string): { matches: boolean; warning?: string } {
  const access = url.protocol.replace(/:$/, '');
  const port = url.port === '' ? 0 : Number(url.port);
  const hostPart = port !== 0 ? `${url.hostname}:${port}` : url.hostname;
  const lookfor = hostPart + url.pathname;
  let machine = token;
  const schemeGiven = machine.includes('://');
  if (schemeGiven) {
    if (!machine.startsWith(`${access}://`)) return { matches: false };
    machine = machine.slice(access.length + 3);
  }
  const matches = machine.includes('/') ? lookfor.startsWith(machine) : (port !== 0 && url.hostname === machine) || hostPart === machine;
  if (matches && !schemeGiven && access !== 'https' && access !== 'tor+https') {
    return { matches: false, warning: `${file}: credentials for ${machine} match ${access}:// but apt sends them only over https unless the machine says ${access}://; not used` };
  }
  return { matches };
}

/** The login apt would add to a request for `url` from its auth.conf files (see the file comment). */
export function aptNetrcCredentials(url: string, files: readonly NetrcSource[]): CredentialsMatch {
  const warnings: string[] = [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { credentials: null, warnings };
  }
  if (parsed.username !== '' || parsed.password !== '') return { credentials: null, warnings };
  for (const { file, stanzas } of files) {
    for (const stanza of stanzas) {
      const { matches, warning } = aptMachineMatches(stanza.machine, parsed, file);
      if (warning) warnings.push(warning);
      if (!matches) continue;
      if ((stanza.login ?? '') !== '' || (stanza.password ?? '') !== '') {
        return { credentials: { username: stanza.login ?? '', password: stanza.password ?? '', from: `${file}:${stanza.line}` }, warnings };
      }
      break; // apt stops reading this file at its first match, and tries the next file
    }
  }
  return { credentials: null, warnings };
}

/** A login that belongs to a set of locations (URL directories). */
export interface ScopedLogin {
  username: string;
  password: string;
  from: string;
  locations: readonly string[];
}

/** The scoped login for `url` when it lies within one of its locations; null otherwise. */
export function scopedLoginFor(url: string, login: ScopedLogin): Credentials | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.username !== '' || parsed.password !== '') return null; // the URL's own win, as in curl
  const inside = login.locations.some((loc) => {
    try {
      return within(parsed, asDirectory(new URL(loc)));
    } catch {
      return false;
    }
  });
  return inside ? { username: login.username, password: login.password, from: login.from } : null;
}

/** The Authorization header value for HTTP Basic authentication (RFC 7617, UTF-8). */
export function basicAuthorization(credentials: Pick<Credentials, 'username' | 'password'>): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}
