/**
 * The npm registry: `GET {registry}/{name}` (scoped names as `@scope%2fname`) returns the packument,
 * whose `versions` object lists every published version and `time` their publication dates. The
 * registry's address comes from this machine's npm configuration (see settings.ts).
 */
import semver from 'semver';
import { expectObject, isObject, optString, optTime } from '../json-shape.js';
import { looksLikePrerelease } from '../tag-version.js';
import type { FeedRelease } from '../types.js';
import type { ReleaseSource } from './source.js';

export function npmPackageUrl(baseUrl: string, name: string): string {
  return `${baseUrl}/${name.startsWith('@') ? name.replace('/', '%2f') : encodeURIComponent(name)}`;
}

export const npmSource: ReleaseSource = {
  kind: 'npm',
  async releases(ref, ctx) {
    const url = npmPackageUrl(ctx.baseUrl, ref.project);
    const result = await ctx.json.get(url);
    if (result.status === 'not-found') return { found: false };
    const doc = expectObject(result.json, url, 'the packument');
    const versions = isObject(doc.versions) ? doc.versions : {};
    const times = isObject(doc.time) ? doc.time : {};
    const releases: FeedRelease[] = [];
    for (const [version, meta] of Object.entries(versions)) {
      // A deprecated version is still a release the distribution may be behind; keep it.
      releases.push({
        version,
        tag: null,
        publishedAt: optTime(times[version]),
        prerelease: semver.prerelease(version) !== null || looksLikePrerelease(version),
        url: `${url}/${encodeURIComponent(version)}`,
      });
      void meta;
    }
    const projectUrls: string[] = [];
    const homepage = optString(doc.homepage);
    if (homepage) projectUrls.push(homepage);
    const repository = doc.repository;
    const repoUrl = typeof repository === 'string' ? repository : isObject(repository) ? optString(repository.url) : null;
    if (repoUrl) projectUrls.push(repoUrl);
    return { found: true, releases, projectUrls };
  },
};
