/**
 * `repoclash upstream`'s results, rendered: the summary (JSON and text) of how the selected
 * profiles' distro packages map to release feeds and how far behind they are, and `--explain`.
 */
import type { LagFinding } from '../analysis/findings.js';
import type { Candidate } from '../analysis/types.js';
import type { FeedCheck } from '../store/index.js';
import type { UpstreamMapping } from '../upstream/mapping.js';
import { feedKey, type SourceKind } from '../upstream/types.js';

/** One distro package of a profile and how it maps to a release feed. */
export interface PackageMapping {
  profile: string;
  pkg: Candidate;
  mapping: UpstreamMapping;
}

export interface UpstreamSummary {
  schemaVersion: 1;
  generatedAt: string;
  profiles: string[];
  /** Distinct distro package names of the profiles. */
  names: number;
  mapped: number;
  bySource: Partial<Record<SourceKind, number>>;
  byRule: Record<string, number>;
  /** Names whose every candidate project turned out not to exist. */
  unresolved: string[];
  /** With --source: names whose candidates of those sources were passed over for another source's feed. */
  mappedElsewhere: Array<{ name: string; feed: string; homepage: string | null }>;
  /** Feeds in use (total: ok, failed, unchecked); notFound counts every candidate feed that does not exist. */
  feeds: { total: number; ok: number; notFound: number; failed: number; unchecked: number };
  /** Mapped names whose feed has releases stored. */
  compared: number;
  behind: { total: number; major: number; minor: number; patch: number; unknown: number; abandonedSeries: number };
  furthestBehind: LagFinding[];
  /** Every mapped name: its feed, how, its homepage, what the feed says its project URLs are. */
  mappings: Array<{ name: string; profile: string; version: string; feed: string; rule: string; detail: string; homepage: string | null; feedStatus: string; projectUrls: string[] }>;
}


export function summarizeUpstream(
  profiles: string[],
  mappings: readonly PackageMapping[],
  sources: readonly SourceKind[],
  feeds: ReadonlyMap<string, readonly unknown[]>,
  checks: ReadonlyMap<string, FeedCheck>,
  findings: readonly LagFinding[],
  top: number,
  now: number,
): UpstreamSummary {
  const mapped = mappings.filter((m) => m.mapping.feed && (sources.length === 0 || sources.includes(m.mapping.feed.source)));
  const bySource: Partial<Record<SourceKind, number>> = {};
  const byRule: Record<string, number> = {};
  for (const m of mapped) {
    bySource[m.mapping.feed!.source] = (bySource[m.mapping.feed!.source] ?? 0) + 1;
    const rule = m.mapping.step!.rule;
    byRule[rule] = (byRule[rule] ?? 0) + 1;
  }
  const feedKeys = new Set(mapped.map((m) => feedKey(m.mapping.feed!)));
  const statusOf = (key: string) => checks.get(key)?.status;
  const wanted = (m: UpstreamMapping) => m.steps.filter((st) => sources.length === 0 || sources.includes(st.feed.source));
  const triedKeys = new Set(mappings.flatMap((m) => wanted(m.mapping).map((st) => feedKey(st.feed))));
  const unresolved = mappings.filter((m) => m.mapping.feed === null && wanted(m.mapping).length > 0);
  // Candidates of the wanted sources exist but were passed over (missing, or another project than
  // the Homepage says) for a feed of another source.
  const elsewhere = mappings.filter((m) => m.mapping.feed !== null && sources.length > 0 && !sources.includes(m.mapping.feed.source) && wanted(m.mapping).length > 0);
  const behind = { total: findings.length, major: 0, minor: 0, patch: 0, unknown: 0, abandonedSeries: 0 };
  for (const f of findings) {
    if (f.gap === 'major' || f.gap === 'minor' || f.gap === 'patch' || f.gap === 'unknown') behind[f.gap]++;
    if (f.abandonedSeries) behind.abandonedSeries++;
  }
  return {
    schemaVersion: 1,
    generatedAt: new Date(now).toISOString(),
    profiles,
    names: new Set(mappings.map((m) => m.pkg.name)).size,
    mapped: new Set(mapped.map((m) => m.pkg.name)).size,
    bySource,
    byRule,
    unresolved: unresolved.map((m) => m.pkg.name).sort(),
    mappedElsewhere: elsewhere.map((m) => ({ name: m.pkg.name, feed: feedKey(m.mapping.feed!), homepage: m.pkg.url })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    feeds: {
      total: feedKeys.size,
      ok: [...feedKeys].filter((k) => statusOf(k) === 'ok').length,
      notFound: [...triedKeys].filter((k) => statusOf(k) === 'not-found').length,
      failed: [...feedKeys].filter((k) => statusOf(k) === 'failed').length,
      unchecked: [...feedKeys].filter((k) => statusOf(k) === undefined).length,
    },
    compared: mapped.filter((m) => feeds.has(feedKey(m.mapping.feed!))).length,
    behind,
    furthestBehind: [...findings].sort((a, b) => b.daysBehind - a.daysBehind || (a.name < b.name ? -1 : 1)).slice(0, top),
    mappings: mapped.map((m) => {
      const key = feedKey(m.mapping.feed!);
      const check = checks.get(key);
      return {
        name: m.pkg.name,
        profile: m.profile,
        version: m.pkg.evr,
        feed: key,
        rule: m.mapping.step!.rule,
        detail: m.mapping.step!.detail,
        homepage: m.pkg.url,
        feedStatus: check?.status ?? 'unchecked',
        projectUrls: check?.projectUrls ?? [],
      };
    }),
  };
}

export function renderUpstreamSummary(s: UpstreamSummary): string {
  const list = (o: Record<string, number | undefined>) =>
    Object.entries(o)
      .filter(([, n]) => n)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const out = [
    `repoclash upstream — ${s.generatedAt.slice(0, 16).replace('T', ' ')} UTC — profiles: ${s.profiles.join(', ')}`,
    `${s.names} distro names; ${s.mapped} mapped to a release feed (${list(s.bySource) || 'none'}; by ${list(s.byRule) || '-'})`,
    `${s.feeds.total} feeds in use: ${s.feeds.ok} ok, ${s.feeds.failed} failed, ${s.feeds.unchecked} not fetched yet (--refresh); ${s.feeds.notFound} candidate projects do not exist${s.unresolved.length ? ` (${s.unresolved.length} names with none that does)` : ''}`,
    `${s.compared} compared; ${s.behind.total} behind: ${s.behind.major} major, ${s.behind.minor} minor, ${s.behind.patch} patch${s.behind.unknown ? `, ${s.behind.unknown} unknown` : ''}; ${s.behind.abandonedSeries} on an abandoned series`,
  ];
  if (s.furthestBehind.length) {
    out.push('', `Furthest behind (top ${s.furthestBehind.length})`);
    for (const f of s.furthestBehind) {
      out.push(`  ${f.severity.toUpperCase().padEnd(7)} ${f.name} ${f.distro.upstreamVersion} → ${f.upstream.evr}  ${f.upstream.repoId}  ${f.gap}, ${f.daysBehind} days${f.abandonedSeries ? ', abandoned series' : ''}`);
      if (f.upstream.url) out.push(`          ${f.upstream.url}`);
    }
  }
  return out.join('\n') + '\n';
}

/** `--explain NAME --format json`: each mapping of NAME with its chain of candidate feeds and what each feed check said. */
export function renderExplainJson(hits: readonly PackageMapping[], checks: ReadonlyMap<string, FeedCheck>): string {
  const json = hits.map((h) => ({
    profile: h.profile,
    name: h.pkg.name,
    version: h.pkg.evr,
    sourceName: h.pkg.sourceName,
    homepage: h.pkg.url,
    feed: h.mapping.feed ? feedKey(h.mapping.feed) : null,
    steps: h.mapping.steps.map((s) => ({ ...s, feed: feedKey(s.feed), check: checks.get(feedKey(s.feed)) ?? null })),
  }));
  return JSON.stringify(json, null, 2) + '\n';
}

/** `--explain NAME`: per mapping the chain of candidate feeds (→ the one used), each feed's state, and the lag found (`lags`, one per hit). */
export function renderExplainText(
  hits: readonly PackageMapping[],
  lags: ReadonlyArray<LagFinding | undefined>,
  checks: ReadonlyMap<string, FeedCheck>,
  feeds: ReadonlyMap<string, readonly unknown[]>,
): string {
  const out: string[] = [];
  hits.forEach((h, i) => {
    out.push(`${h.pkg.name} ${h.pkg.evr} (${h.pkg.repoId}, profile ${h.profile})${h.pkg.sourceName && h.pkg.sourceName !== h.pkg.name ? `, source ${h.pkg.sourceName}` : ''}`);
    out.push(`  ${h.pkg.format === 'deb' ? 'Homepage' : 'URL'}: ${h.pkg.url ?? '(none)'}`);
    if (h.mapping.steps.length === 0) out.push('  no release feed found: add one under `upstreams:` in repos.yaml');
    for (const step of h.mapping.steps) {
      const key = feedKey(step.feed);
      const check = checks.get(key);
      const stored = feeds.get(key) ?? [];
      const state = check
        ? `${check.status} at ${new Date(check.checkedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC${check.message ? ` (${check.message})` : ''}, ${stored.length} releases stored`
        : 'not fetched yet';
      out.push(`  ${step === h.mapping.step ? '→' : ' '} ${step.rule.padEnd(8)} ${key}  — ${step.detail}`);
      out.push(`             ${state}${check?.projectUrls.length ? `; the source names ${check.projectUrls.join(', ')}` : ''}`);
    }
    const lag = lags[i];
    out.push(lag ? `  lag: ${lag.title}` : h.mapping.feed && feeds.has(feedKey(h.mapping.feed)) ? '  lag: not behind' : '  lag: nothing to compare yet');
  });
  return out.join('\n') + '\n';
}
