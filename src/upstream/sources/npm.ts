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

/**
 * package.json's repository shorthands as URLs: `owner/repo` and `github:owner/repo` are GitHub,
 * `gitlab:` and `bitbucket:` their hosts; anything else is returned as written.
 */
export function repositoryUrl(text: string): string {
  const m = /^(?:(github|gitlab|bitbucket):)?([\w.-]+\/[\w.-]+)$/.exec(text.trim());
  if (!m) return text;
  const host = m[1] === 'gitlab' ? 'gitlab.com' : m[1] === 'bitbucket' ? 'bitbucket.org' : 'github.com';
  return `https://${host}/${m[2]}`;
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
    for (const version of Object.keys(versions)) {
      // A deprecated version is still a release the distribution may be behind; keep it.
      releases.push({
        version,
        tag: null,
        publishedAt: optTime(times[version]),
        prerelease: semver.prerelease(version) !== null || looksLikePrerelease(version),
        url: `${url}/${encodeURIComponent(version)}`,
      });
    }
    // The project's homepage and repository: top level in the registry's full packument, but some
    // registries (and mirrors) keep them only in each version's document — read the latest's too.
    const tags = isObject(doc['dist-tags']) ? doc['dist-tags'] : {};
    const latestTag = optString(tags.latest);
    const latestDoc = latestTag ? versions[latestTag] : undefined;
    const latest = isObject(latestDoc) ? latestDoc : {};
    const projectUrls: string[] = [];
    for (const source of [doc, latest]) {
      const homepage = optString(source.homepage);
      const repository = source.repository;
      const written = typeof repository === 'string' ? repository : isObject(repository) ? optString(repository.url) : null;
      const repoUrl = written ? repositoryUrl(written) : null;
      for (const u of [homepage, repoUrl]) if (u && !projectUrls.includes(u)) projectUrls.push(u);
    }
    return { found: true, releases, projectUrls };
  },
};
