/**
 * `repoclash upstream`: map the selected profiles' distro packages to their upstream release feeds
 * (npm, GitHub, GitLab, PyPI, crates.io, MetaCPAN, Anitya), fetch those feeds with --refresh, and
 * say how far behind the packages are. `--explain NAME` shows how NAME was mapped.
 */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { candidatesFor } from '../analysis/audit.js';
import { findFeedLag } from '../analysis/feed-lag.js';
import type { LagFinding } from '../analysis/findings.js';
import { bestByName } from '../analysis/order.js';
import type { Candidate } from '../analysis/types.js';
import { UsageError } from '../errors.js';
import { DEFAULT_FETCH_POLICY, HttpClient } from '../fetch/http-client.js';
import { acquireCrawlLock, Store } from '../store/index.js';
import type { FeedCheck } from '../store/types.js';
import { mapPackage, type UpstreamMapping } from '../upstream/mapping.js';
import { refreshFeeds, type RefreshResult } from '../upstream/refresh.js';
import { sourceSettings } from '../upstream/settings.js';
import { feedKey, SOURCE_KINDS, type SourceKind } from '../upstream/types.js';
import { feedMappingOptions, loadAnalysisData } from '../run/analysis-input.js';
import { addCommonOptions, timeoutOption } from './crawl.js';
import { numberOption, RETRIES, type NumberRule } from '../run/numeric-options.js';
import { ExitCode } from './exit-codes.js';
import { buildRunContext, collect, type CommonOptions } from '../run/context.js';

export interface UpstreamOptions extends CommonOptions {
  refresh?: boolean;
  source?: string[];
  explain?: string;
  prereleases?: boolean;
  format?: 'text' | 'json';
  concurrency?: number;
  timeout?: number;
  retries?: number;
  top?: number;
  maxAge?: number;
}

/** Requests at once per API host: the release APIs are shared public services. */
const FEED_CONCURRENCY: NumberRule = { integer: true, min: 1, max: 8, what: 'a whole number from 1 to 8 (be polite to the release APIs)' };
const TOP: NumberRule = { integer: true, min: 1, max: 100_000, what: 'a positive whole number' };
const HOURS: NumberRule = { integer: false, min: 0, max: 8760, what: 'a number of hours from 0 to 8760' };

export function registerUpstream(program: Command): void {
  addCommonOptions(program.command('upstream').description("map distro packages to their upstreams' own release feeds and show how far behind they are"))
    .option('--refresh', 'fetch the mapped release feeds first (conditional requests; cached)')
    .option('--source <kinds>', `only feeds of these sources (comma-separated: ${SOURCE_KINDS.join(', ')})`, collect)
    .option('--explain <name>', 'show how NAME was mapped to its feed, and what the feed says')
    .option('--prereleases', 'compare against upstream pre-releases too')
    .addOption(numberOption('--concurrency <n>', 'requests at once per API host (at most 8)', FEED_CONCURRENCY, 4))
    .addOption(timeoutOption())
    .addOption(numberOption('--retries <n>', 'retries per request on 5xx, 429, resets and timeouts', RETRIES, DEFAULT_FETCH_POLICY.retries))
    .addOption(numberOption('--top <n>', 'how many of the furthest behind to list', TOP, 10))
    .addOption(numberOption('--max-age <hours>', 'reuse a feed fetched less than this long ago without asking (0: always ask)', HOURS, 6))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (options: UpstreamOptions) => {
      process.exitCode = await runUpstreamCommand(options);
    });
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

/** The distro packages of a profile, best version per name. */
function distroPackages(candidates: readonly Candidate[], format: 'rpm' | 'deb'): Candidate[] {
  return [...bestByName(format, candidates.filter((c) => c.role === 'distro')).values()];
}

export async function runUpstreamCommand(options: UpstreamOptions): Promise<number> {
  const sources = (options.source ?? []) as SourceKind[];
  for (const s of sources) if (!SOURCE_KINDS.includes(s)) throw new UsageError(`unknown source "${s}" (known: ${SOURCE_KINDS.join(', ')})`);
  const concurrency = options.concurrency ?? 4;
  const top = options.top ?? 10;
  const seconds = options.timeout ?? DEFAULT_FETCH_POLICY.responseTimeoutMs / 1000;
  const maxAgeMs = (options.maxAge ?? 6) * 3600_000;
  const retries = options.retries ?? DEFAULT_FETCH_POLICY.retries;

  const run = await buildRunContext(options);
  for (const w of run.warnings) if (!options.quiet) process.stderr.write(`repoclash: ${w}\n`);
  if (!existsSync(run.dbPath)) {
    process.stderr.write(`repoclash: no store at ${run.dbPath} yet: run \`repoclash crawl\` first\n`);
    return ExitCode.partial;
  }
  const now = Date.now();
  const store = Store.open({ path: run.dbPath });
  let partial = false;
  try {
    const data = loadAnalysisData(store, run.config, run.selectedProfiles, now, { withHistory: false, withUpstreamFeeds: false });
    const perProfile = run.selectedProfiles.map((p) => ({ profile: p, packages: distroPackages(candidatesFor(p, data.input), p.format) }));
    const mapAll = (): Array<{ profile: string; pkg: Candidate; mapping: UpstreamMapping }> => {
      const options = feedMappingOptions(store, run.config);
      return perProfile.flatMap(({ profile, packages }) =>
        packages.map((pkg) => ({ profile: profile.name, pkg, mapping: mapPackage({ name: pkg.name, sourceName: pkg.sourceName, url: pkg.url, format: profile.format }, options) })),
      );
    };
    let mappings = mapAll();

    if (options.explain !== undefined) return explain(options.explain, mappings, store, data.input.includePrereleases === true, options);

    if (options.refresh) {
      const settings = await sourceSettings(run.config.upstreamSources, concurrency);
      const http = new HttpClient({ ...DEFAULT_FETCH_POLICY, retries, connectTimeoutMs: Math.min(seconds, 15) * 1000, responseTimeoutMs: seconds * 1000, idleTimeoutMs: seconds * 1000 });
      const checks = store.feedChecks();
      const release = await acquireCrawlLock(run.dbPath, { wait: true, onWait: (h) => process.stderr.write(`repoclash: waiting for the crawl of pid ${h.pid} to finish…\n`) });
      let results: RefreshResult;
      try {
        results = await refreshFeeds(
          mappings.map((m) => m.mapping),
          {
            http,
            cacheDir: run.cacheDir,
            settings,
            sink: store,
            maxAgeMs,
            skip: (key) => {
              const check = checks.get(key);
              return check?.status === 'not-found' && now - check.checkedAt < maxAgeMs;
            },
            ...(sources.length ? { sources } : {}),
          },
        );
      } finally {
        release();
      }
      partial = reportFeedResults(results, options.quiet === true);
      mappings = mapAll(); // projects found missing move the chains on
    }
    const mapping = feedMappingOptions(store, run.config);

    const feeds = store.feedReleases();
    const checks = store.feedChecks();
    const findings = perProfile.flatMap(({ profile, packages }) =>
      findFeedLag({ profile: profile.name, format: profile.format, candidates: packages, feeds, mapping, now, includePrereleases: options.prereleases === true }).filter(
        (f) => sources.length === 0 || sources.includes(f.upstream.source as SourceKind),
      ),
    );
    const summary = summarize(run.selectedProfiles.map((p) => p.name), mappings, sources, feeds, checks, findings, top, now);
    if (options.format === 'json') process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else if (!options.quiet) process.stdout.write(renderSummary(summary));
    if (!options.refresh) partial = summary.feeds.failed > 0;
  } finally {
    store.close();
  }
  return partial ? ExitCode.partial : ExitCode.ok;
}

/**
 * One line per failed feed, one per package none of whose candidate projects exists, one per
 * unconfigured source; true when some feed failed (partial data).
 */
function reportFeedResults(results: RefreshResult, quiet: boolean): boolean {
  const unconfigured = new Map<SourceKind, number>();
  for (const r of results.feeds) {
    if (r.status === 'failed') process.stderr.write(`repoclash: ${r.message}\n`);
    else if (r.status === 'not-configured') unconfigured.set(r.source, (unconfigured.get(r.source) ?? 0) + 1);
  }
  if (!quiet) for (const u of results.unresolved) process.stderr.write(`repoclash: upstream of ${u.name}: no such project (tried ${u.tried.join(', ')})\n`);
  for (const [source, n] of unconfigured) {
    if (!quiet) process.stderr.write(`repoclash: upstream source ${source} has no address (set upstream-sources.${source} in repos.yaml): ${n} feed${n === 1 ? '' : 's'} skipped\n`);
  }
  return results.feeds.some((r) => r.status === 'failed');
}

function summarize(
  profiles: string[],
  mappings: ReadonlyArray<{ profile: string; pkg: Candidate; mapping: UpstreamMapping }>,
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

function renderSummary(s: UpstreamSummary): string {
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

function explain(
  name: string,
  mappings: ReadonlyArray<{ profile: string; pkg: Candidate; mapping: UpstreamMapping }>,
  store: Store,
  includePrereleases: boolean,
  options: UpstreamOptions,
): number {
  const hits = mappings.filter((m) => m.pkg.name === name || m.pkg.sourceName === name);
  if (hits.length === 0) {
    process.stderr.write(`repoclash: no distro package named ${name} in the selected profiles\n`);
    return ExitCode.usage;
  }
  const checks = store.feedChecks();
  const feeds = store.feedReleases(hits.flatMap((h) => h.mapping.steps.map((s) => feedKey(s.feed))));
  if (options.format === 'json') {
    process.stdout.write(JSON.stringify(hits.map((h) => ({ profile: h.profile, name: h.pkg.name, version: h.pkg.evr, sourceName: h.pkg.sourceName, homepage: h.pkg.url, feed: h.mapping.feed ? feedKey(h.mapping.feed) : null, steps: h.mapping.steps.map((s) => ({ ...s, feed: feedKey(s.feed), check: checks.get(feedKey(s.feed)) ?? null })) })), null, 2) + '\n');
    return ExitCode.ok;
  }
  const out: string[] = [];
  for (const h of hits) {
    out.push(`${h.pkg.name} ${h.pkg.evr} (${h.pkg.repoId}, profile ${h.profile})${h.pkg.sourceName && h.pkg.sourceName !== h.pkg.name ? `, source ${h.pkg.sourceName}` : ''}`);
    out.push(`  ${h.pkg.format === 'deb' ? 'Homepage' : 'URL'}: ${h.pkg.url ?? '(none)'}`);
    if (h.mapping.steps.length === 0) out.push('  no release feed found: add one under `upstreams:` in repos.yaml');
    h.mapping.steps.forEach((step) => {
      const key = feedKey(step.feed);
      const check = checks.get(key);
      const stored = feeds.get(key) ?? [];
      const state = check
        ? `${check.status} at ${new Date(check.checkedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC${check.message ? ` (${check.message})` : ''}, ${stored.length} releases stored`
        : 'not fetched yet';
      out.push(`  ${step === h.mapping.step ? '→' : ' '} ${step.rule.padEnd(8)} ${key}  — ${step.detail}`);
      out.push(`             ${state}${check?.projectUrls.length ? `; the source names ${check.projectUrls.join(', ')}` : ''}`);
    });
    const lag = h.mapping.feed
      ? findFeedLag({ profile: h.profile, format: h.pkg.format, candidates: [h.pkg], feeds, mapping: {}, now: Date.now(), includePrereleases: includePrereleases || options.prereleases === true, explicit: h.mapping.feed })
      : [];
    out.push(lag[0] ? `  lag: ${lag[0].title}` : h.mapping.feed && feeds.has(feedKey(h.mapping.feed)) ? '  lag: not behind' : '  lag: nothing to compare yet');
  }
  process.stdout.write(out.join('\n') + '\n');
  return ExitCode.ok;
}
