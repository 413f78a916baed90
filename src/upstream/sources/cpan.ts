/**
 * MetaCPAN: `GET {base}/v1/release/versions/{distribution}` → `releases: [{ version, date, maturity,
 * status, download_url }]`. `maturity: developer` (and `1.23_01` versions) are pre-releases;
 * `status: backpan` releases were deleted from CPAN but still count as history.
 */
import { expectArray, expectObject, isObject, optString, optTime } from '../json-shape.js';
import { looksLikePrerelease } from '../tag-version.js';
import type { FeedRelease } from '../types.js';
import type { ReleaseSource } from './source.js';

export const cpanSource: ReleaseSource = {
  kind: 'cpan',
  async releases(ref, ctx) {
    const url = `${ctx.baseUrl}/v1/release/versions/${encodeURIComponent(ref.project)}`;
    const result = await ctx.json.get(url);
    if (result.status === 'not-found') return { found: false };
    const doc = expectObject(result.json, url, 'the versions document');
    const releases: FeedRelease[] = [];
    for (const r of expectArray(doc.releases, url, '"releases"')) {
      if (!isObject(r)) continue;
      const raw = typeof r.version === 'number' ? String(r.version) : optString(r.version);
      if (!raw) continue;
      const version = raw.replace(/^v(?=\d)/i, '');
      releases.push({
        version,
        tag: null,
        publishedAt: optTime(r.date),
        prerelease: r.maturity === 'developer' || looksLikePrerelease(version),
        url: optString(r.download_url),
      });
    }
    return { found: true, releases, projectUrls: [] };
  },
};
