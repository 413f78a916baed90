/**
 * PyPI's JSON API: `GET {base}/pypi/{project}/json` → `releases: { version: [files…] }`, each file
 * with `upload_time_iso_8601` and `yanked`. A version's date is its first upload; a version whose
 * files are all yanked is left out; PEP 440 pre-releases (a/b/rc/dev) are marked.
 */
import { expectObject, isObject, optString, optTime } from '../json-shape.js';
import { looksLikePrerelease } from '../tag-version.js';
import type { FeedRelease } from '../types.js';
import type { ReleaseSource } from './source.js';

export const pypiSource: ReleaseSource = {
  kind: 'pypi',
  async releases(ref, ctx) {
    const url = `${ctx.baseUrl}/pypi/${encodeURIComponent(ref.project)}/json`;
    const result = await ctx.json.get(url);
    if (result.status === 'not-found') return { found: false };
    const doc = expectObject(result.json, url, 'the project document');
    const info = isObject(doc.info) ? doc.info : {};
    const releases: FeedRelease[] = [];
    for (const [version, files] of Object.entries(isObject(doc.releases) ? doc.releases : {})) {
      const list = Array.isArray(files) ? files.filter(isObject) : [];
      if (list.length > 0 && list.every((f) => f.yanked === true)) continue;
      const times = list.map((f) => optTime(f.upload_time_iso_8601) ?? optTime(f.upload_time)).filter((t): t is number => t !== null);
      releases.push({
        version,
        tag: null,
        publishedAt: times.length ? Math.min(...times) : null,
        prerelease: looksLikePrerelease(version),
        url: `${ctx.baseUrl}/project/${encodeURIComponent(ref.project)}/${encodeURIComponent(version)}/`,
      });
    }
    const projectUrls = [optString(info.home_page), ...Object.values(isObject(info.project_urls) ? info.project_urls : {}).map(optString)].filter(
      (u): u is string => u !== null,
    );
    return { found: true, releases, projectUrls };
  },
};
