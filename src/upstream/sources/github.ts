/**
 * GitHub: `GET /repos/{owner}/{repo}/releases?per_page=100` (drafts skipped, `prerelease` as the
 * project marked it, `published_at`), following the `Link: rel="next"` header; a project that
 * publishes no releases is read from its tags (`/tags`, no dates: first seen counts). A token from
 * the environment (GITHUB_TOKEN) raises the rate limit from 60 to 5,000 requests an hour.
 */
import { expectArray, isObject, nextLink, optString, optTime } from '../json-shape.js';
import { looksLikePrerelease, versionFromTag } from '../tag-version.js';
import type { FeedRelease } from '../types.js';
import type { ReleaseSource, SourceContext } from './source.js';

const PER_PAGE = 100;

/** Every element of a paginated array endpoint, up to ctx.maxPages pages. */
export async function paginatedArray(firstUrl: string, ctx: SourceContext, nextOf: (headers: Readonly<Record<string, string>>, url: string, count: number) => string | null): Promise<unknown[] | null> {
  const items: unknown[] = [];
  let url: string | null = firstUrl;
  for (let page = 0; url !== null && page < ctx.maxPages; page++) {
    const result = await ctx.json.get(url, ctx.authHeaders);
    if (result.status === 'not-found') {
      if (page === 0) return null;
      break;
    }
    const list = expectArray(result.json, url, 'a page of results');
    items.push(...list);
    url = nextOf(result.headers, url, list.length);
  }
  return items;
}

/** Link rel=next when the server sent one; after a 304 (no Link) a full page means "there is more". */
function githubNext(headers: Readonly<Record<string, string>>, url: string, count: number): string | null {
  const link = nextLink(headers.link);
  if (link) return link;
  if (headers.link !== undefined || count < PER_PAGE) return null;
  const u = new URL(url);
  u.searchParams.set('page', String(Number(u.searchParams.get('page') ?? '1') + 1));
  return u.toString();
}

export const githubSource: ReleaseSource = {
  kind: 'github',
  async releases(ref, ctx) {
    const api = `${ctx.baseUrl}/repos/${ref.project}`;
    const list = await paginatedArray(`${api}/releases?per_page=${PER_PAGE}`, ctx, githubNext);
    if (list === null) return { found: false };
    const releases: FeedRelease[] = [];
    for (const item of list) {
      if (!isObject(item) || item.draft === true) continue;
      const tag = optString(item.tag_name);
      const version = tag ? versionFromTag(tag, ref.project) : null;
      if (!tag || !version) continue;
      releases.push({
        version,
        tag,
        publishedAt: optTime(item.published_at) ?? optTime(item.created_at),
        prerelease: item.prerelease === true || looksLikePrerelease(version),
        url: optString(item.html_url),
      });
    }
    if (releases.length === 0) {
      const tags = (await paginatedArray(`${api}/tags?per_page=${PER_PAGE}`, ctx, githubNext)) ?? [];
      for (const item of tags) {
        const tag = isObject(item) ? optString(item.name) : null;
        const version = tag ? versionFromTag(tag, ref.project) : null;
        if (!tag || !version) continue;
        releases.push({ version, tag, publishedAt: null, prerelease: looksLikePrerelease(version), url: tagPage(ctx.baseUrl, ref.project, tag) });
      }
    }
    return { found: true, releases, projectUrls: [`https://github.com/${ref.project}`] };
  },
};

/** The tag's page on github.com; for another API root (a GitHub Enterprise, a test) its API URL. */
function tagPage(baseUrl: string, project: string, tag: string): string {
  return baseUrl === 'https://api.github.com'
    ? `https://github.com/${project}/releases/tag/${encodeURIComponent(tag)}`
    : `${baseUrl}/repos/${project}/git/refs/tags/${encodeURIComponent(tag)}`;
}
