/**
 * Where a repo's files may come from. Repository metadata is untrusted input: an absolute
 * `href`, an `xml:base`, a path with `..`, or a mirror listed by a metalink could otherwise point
 * a crawl at another host, or (from an http document) at `file:///etc/passwd`. Every URL a crawl
 * derives from a downloaded document is checked against the repo's own locations: the configured
 * baseurl / URI, and the mirrors its configured metalink or mirrorlist lists. A remote document
 * never changes the scheme (no `file:`, no https→http), so `file://` is only ever what the user
 * configured. Credentials stay with the location they were configured for.
 */
import { FetchError, type ErrorLocation } from '../errors.js';
import { redactCredentials } from '../sanitize.js';

/** Parse a URL; null when it is not one. */
function parse(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** `http://h/x/os` → `http://h/x/os/`: a location is a directory. */
export function asDirectory(url: URL): URL {
  const copy = new URL(url.href);
  copy.search = '';
  copy.hash = '';
  if (!copy.pathname.endsWith('/')) copy.pathname += '/';
  return copy;
}

export class RepoLocations {
  private readonly locations: URL[] = [];

  /** Locations the user configured (repos.yaml, .repo files, apt sources): trusted as given. */
  constructor(configured: readonly string[]) {
    for (const text of configured) {
      const url = parse(text);
      if (url) this.locations.push(asDirectory(url));
    }
  }

  get urls(): readonly string[] {
    return this.locations.map((u) => u.href);
  }

  /**
   * Add the mirrors a configured metalink/mirrorlist (at `documentUrl`) lists. A mirror with
   * another scheme than the document itself is dropped (a `file://` mirror from an http metalink
   * would read local files); so is one carrying credentials of its own. Returns the kept mirrors
   * and a note on what was dropped.
   */
  addMirrors(documentUrl: string, mirrors: readonly string[]): { kept: string[]; note: string | null } {
    const document = parse(documentUrl);
    const kept: string[] = [];
    const dropped = new Map<string, number>();
    for (const text of mirrors) {
      const url = parse(text);
      let reason: string | null = null;
      if (!url || !document) reason = 'not a URL';
      else if (url.protocol !== document.protocol) reason = `scheme ${url.protocol.replace(/:$/, '')}`;
      else if (url.username || url.password) reason = 'credentials in the URL';
      if (reason) {
        dropped.set(reason, (dropped.get(reason) ?? 0) + 1);
        continue;
      }
      const dir = asDirectory(url!);
      this.locations.push(dir);
      kept.push(dir.href);
    }
    const note =
      dropped.size === 0
        ? null
        : `ignored ${[...dropped].map(([why, n]) => `${n} mirror${n === 1 ? '' : 's'} (${why})`).join(', ')} listed by ${redactCredentials(documentUrl)}: a mirror must use the document's own scheme`;
    return { kept, note };
  }

  /**
   * Resolve `href` (relative, path-absolute or absolute) against `base`, and allow the result only
   * when it lies within one of the repo's locations. `base` itself must be one of them or below.
   * The result carries the credentials of the location it falls in, and no others.
   */
  resolve(base: string, href: string, where: ErrorLocation): string {
    const baseUrl = parse(base);
    if (!baseUrl) throw new FetchError(`not a URL: ${redactCredentials(base)}`, where);
    const absolute = /^[a-z][a-z0-9+.-]*:/i.test(href);
    // A relative href (even one starting with "/") is taken below the base, as dnf and apt do.
    const target = absolute ? parse(href) : parse(asDirectory(baseUrl).href + href.replace(/^\/+/, ''));
    if (!target) throw new FetchError(`not a URL: ${redactCredentials(href)}`, where);
    return this.confine(target, where);
  }

  /** The URL itself when it lies within one of the repo's locations; a FetchError otherwise. */
  confine(target: URL | string, where: ErrorLocation): string {
    const url = typeof target === 'string' ? parse(target) : target;
    if (!url) throw new FetchError(`not a URL: ${redactCredentials(String(target))}`, where);
    const inside = this.locations.find((loc) => within(url, loc));
    if (!inside) {
      throw new FetchError(
        `refused ${redactCredentials(url.href)}: outside the repo's configured locations (${this.locations.map((l) => redactCredentials(l.href)).join(', ') || 'none'})`,
        where,
      );
    }
    const out = new URL(url.href);
    out.username = inside.username;
    out.password = inside.password;
    return out.href;
  }
}

/** Same scheme, host and port, and a path at or below the location's directory. */
export function within(url: URL, location: URL): boolean {
  if (url.protocol !== location.protocol || url.host !== location.host) return false;
  // WHATWG URL parsing already resolved "." / ".." (also percent-encoded) segments.
  return url.pathname.startsWith(location.pathname) || `${url.pathname}/` === location.pathname;
}
