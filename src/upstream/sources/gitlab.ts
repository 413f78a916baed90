/**
 * GitLab (gitlab.com or any self-hosted instance): `GET /api/v4/projects/{url-encoded path}/releases`
 * (`released_at`, `upcoming_release`), paginated by the `x-next-page` header (or Link); a project
 * without releases is read from `/repository/tags` (the tagged commit's date). The project is
 * `host/group/…/name`; the API root is `https://host` unless upstream-sources sets `gitlab`.
 */
import { isObject, nextLink, optString, optTime } from '../json-shape.js';
import { looksLikePrerelease, versionFromTag } from '../tag-version.js';
import type { FeedRelease } from '../types.js';
import { paginatedArray } from './github.js';
import type { ReleaseSource, SourceContext } from './source.js';

const PER_PAGE = 100;

function gitlabNext(headers: Readonly<Record<string, string>>, url: string, count: number): string | null {
  const next = headers['x-next-page'];
  if (next !== undefined) {
    if (next === '') return null;
    const u = new URL(url);
    u.searchParams.set('page', next);
    return u.toString();
  }
  const link = nextLink(headers.link);
  if (link || headers.link !== undefined || count < PER_PAGE) return link;
  const u = new URL(url);
  u.searchParams.set('page', String(Number(u.searchParams.get('page') ?? '1') + 1));
  return u.toString();
}

/** `gitlab.gnome.org/GNOME/glib` → the API root and the URL-encoded project path. */
export function gitlabProject(project: string, ctx: SourceContext): { api: string; web: string } {
  const slash = project.indexOf('/');
  const host = project.slice(0, slash);
  const path = project.slice(slash + 1);
  const root = ctx.baseUrl !== '' ? ctx.baseUrl : `https://${host}`;
  return { api: `${root}/api/v4/projects/${encodeURIComponent(path)}`, web: `https://${host}/${path}` };
}

export const gitlabSource: ReleaseSource = {
  kind: 'gitlab',
  async releases(ref, ctx) {
    const { api, web } = gitlabProject(ref.project, ctx);
    const list = await paginatedArray(`${api}/releases?per_page=${PER_PAGE}`, ctx, gitlabNext);
    if (list === null) return { found: false };
    const releases: FeedRelease[] = [];
    for (const item of list) {
      if (!isObject(item) || item.upcoming_release === true) continue;
      const tag = optString(item.tag_name);
      const version = tag ? versionFromTag(tag, ref.project) : null;
      if (!tag || !version) continue;
      const links = isObject(item._links) ? item._links : {};
      releases.push({
        version,
        tag,
        publishedAt: optTime(item.released_at) ?? optTime(item.created_at),
        prerelease: looksLikePrerelease(version),
        url: optString(links.self) ?? `${web}/-/releases/${encodeURIComponent(tag)}`,
      });
    }
    if (releases.length === 0) {
      const tags = (await paginatedArray(`${api}/repository/tags?per_page=${PER_PAGE}`, ctx, gitlabNext)) ?? [];
      for (const item of tags) {
        if (!isObject(item)) continue;
        const tag = optString(item.name);
        const version = tag ? versionFromTag(tag, ref.project) : null;
        if (!tag || !version) continue;
        const commit = isObject(item.commit) ? item.commit : {};
        releases.push({ version, tag, publishedAt: optTime(commit.created_at), prerelease: looksLikePrerelease(version), url: `${web}/-/tags/${encodeURIComponent(tag)}` });
      }
    }
    return { found: true, releases, projectUrls: [web] };
  },
};
