/**
 * Upstream release feeds: where a project publishes its releases (a registry, a forge, Anitya) and
 * the releases one feed lists. Every source module turns its service's JSON into FeedRelease[].
 */

export const SOURCE_KINDS = ['npm', 'github', 'gitlab', 'pypi', 'crates', 'cpan', 'anitya'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * One project at one source. `project` is the source's own name for it: an npm package
 * (`@babel/core`), `owner/repo` on GitHub, `host/group/project` on GitLab, a PyPI project, a crate,
 * a CPAN distribution, or for Anitya a numeric project id or `Distribution/package-name`.
 */
export interface FeedRef {
  source: SourceKind;
  project: string;
}

/** One release as the source lists it. */
export interface FeedRelease {
  /** The version, tag prefixes removed (v1.2.3 → 1.2.3). */
  version: string;
  /** The tag it came from, when the source is a forge. */
  tag: string | null;
  /** Publication time (ms), null when the source gives none (tags, Anitya). */
  publishedAt: number | null;
  /** A pre-release (alpha, beta, rc, dev, or marked so by the source). */
  prerelease: boolean;
  /** Where a person reads about it. */
  url: string | null;
}

/** What one fetch of a feed found. */
export type FeedOutcome =
  | {
      found: true;
      releases: FeedRelease[];
      /** The project's own homepage / repository URL as the source states it (mapping checks). */
      projectUrls: string[];
    }
  | { found: false };

/** Feed keys as stored and shown: `github:prometheus/prometheus`, `npm:@babel/core`. */
export function feedKey(ref: FeedRef): string {
  return `${ref.source}:${ref.project}`;
}

export function parseFeedKey(text: string): FeedRef | null {
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  const source = text.slice(0, colon) as SourceKind;
  const project = text.slice(colon + 1).trim();
  if (!(SOURCE_KINDS as readonly string[]).includes(source) || project === '') return null;
  if ((source === 'github' && !/^[^/\s]+\/[^/\s]+$/.test(project)) || (source === 'gitlab' && !/^[^/\s]+(?:\/[^/\s]+){2,}$/.test(project))) return null;
  return { source, project };
}
