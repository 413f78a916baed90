/**
 * Anitya (release-monitoring.org), API v2. A project is either its numeric id (`anitya:1234`) or a
 * distribution mapping (`anitya:Fedora/python-requests`), resolved through
 * `GET /api/v2/packages/?distribution=…&name=…` to the project's name and ecosystem, then
 * `GET /api/v2/projects/?name=…&ecosystem=…` to its id. Versions come from
 * `GET /api/v2/versions/?project_id=…`: `versions` (newest first) and `stable_versions`; Anitya
 * gives no dates, so first seen counts.
 */
import { FormatError } from '../../errors.js';
import { expectArray, expectObject, isObject, optString } from '../json-shape.js';
import { looksLikePrerelease } from '../tag-version.js';
import type { FeedRelease } from '../types.js';
import type { ReleaseSource, SourceContext } from './source.js';

async function firstItem(url: string, ctx: SourceContext): Promise<Record<string, unknown> | null> {
  const result = await ctx.json.get(url);
  if (result.status === 'not-found') return null;
  const items = expectArray(expectObject(result.json, url, 'the result page').items, url, '"items"');
  const first = items[0];
  return isObject(first) ? { ...first } : null;
}

async function projectId(project: string, ctx: SourceContext): Promise<string | null> {
  if (/^\d+$/.test(project)) return project;
  const slash = project.indexOf('/');
  if (slash <= 0) throw new FormatError(`"${project}" is neither a project id nor Distribution/name`, { file: 'upstreams' });
  const q = new URLSearchParams({ distribution: project.slice(0, slash), name: project.slice(slash + 1) });
  const pkg = await firstItem(`${ctx.baseUrl}/api/v2/packages/?${q}`, ctx);
  const name = pkg ? optString(pkg.project) : null;
  if (!pkg || !name) return null;
  const pq = new URLSearchParams({ name });
  const ecosystem = optString(pkg.ecosystem);
  if (ecosystem) pq.set('ecosystem', ecosystem);
  const proj = await firstItem(`${ctx.baseUrl}/api/v2/projects/?${pq}`, ctx);
  return proj && (typeof proj.id === 'number' || typeof proj.id === 'string') ? String(proj.id) : null;
}

export const anityaSource: ReleaseSource = {
  kind: 'anitya',
  async releases(ref, ctx) {
    const id = await projectId(ref.project, ctx);
    if (id === null) return { found: false };
    const url = `${ctx.baseUrl}/api/v2/versions/?project_id=${encodeURIComponent(id)}`;
    const result = await ctx.json.get(url);
    if (result.status === 'not-found') return { found: false };
    const doc = expectObject(result.json, url, 'the versions document');
    // Without stable_versions (older Anitya), fall back to reading the version itself.
    const stable = Array.isArray(doc.stable_versions) ? new Set(doc.stable_versions.map(optString)) : null;
    const releases: FeedRelease[] = [];
    for (const v of expectArray(doc.versions, url, '"versions"')) {
      const version = optString(v);
      if (!version) continue;
      releases.push({ version, tag: null, publishedAt: null, prerelease: stable ? !stable.has(version) : looksLikePrerelease(version), url: `${ctx.baseUrl}/project/${encodeURIComponent(id)}` });
    }
    return { found: true, releases, projectUrls: [] };
  },
};
