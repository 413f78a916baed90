/**
 * crates.io: `GET {base}/api/v1/crates/{name}/versions?per_page=100`, following `meta.next_page`
 * (a query string), with `num`, `created_at` and `yanked` per version. crates.io's crawler policy
 * asks for at most one request per second, which settings.ts sets for its host.
 */
import semver from 'semver';
import { expectArray, expectObject, isObject, optString, optTime } from '../json-shape.js';
import type { FeedRelease } from '../types.js';
import type { ReleaseSource } from './source.js';

export const cratesSource: ReleaseSource = {
  kind: 'crates',
  async releases(ref, ctx) {
    const first = `${ctx.baseUrl}/api/v1/crates/${encodeURIComponent(ref.project)}/versions?per_page=100`;
    const releases: FeedRelease[] = [];
    const projectUrls: string[] = [];
    let url: string | null = first;
    for (let page = 0; url !== null && page < ctx.maxPages; page++) {
      const result = await ctx.json.get(url);
      if (result.status === 'not-found') {
        if (page === 0) return { found: false };
        break;
      }
      const doc = expectObject(result.json, url, 'the versions document');
      for (const v of expectArray(doc.versions, url, '"versions"')) {
        if (!isObject(v) || v.yanked === true) continue;
        const num = optString(v.num);
        if (!num) continue;
        releases.push({
          version: num,
          tag: null,
          publishedAt: optTime(v.created_at),
          prerelease: semver.prerelease(num) !== null,
          url: `${ctx.baseUrl}/crates/${encodeURIComponent(ref.project)}/${encodeURIComponent(num)}`,
        });
        const repo = optString(v.repository) ?? optString(v.homepage);
        if (repo && !projectUrls.includes(repo)) projectUrls.push(repo);
      }
      const meta = isObject(doc.meta) ? doc.meta : {};
      const next = optString(meta.next_page);
      url = next ? new URL(next, first).toString() : null;
    }
    return { found: true, releases, projectUrls };
  },
};
