/** `repoclash upstream`'s work (registered in upstream.ts): map packages to feeds, refresh them, lag, render, exit code. */
import { candidatesFor } from '../analysis/candidates.js';
import { findFeedLag } from '../analysis/feed-lag.js';
import { bestByName } from '../analysis/order.js';
import type { Candidate } from '../analysis/types.js';
import { UsageError } from '../errors.js';
import { renderExplainJson, renderExplainText, renderUpstreamSummary, summarizeUpstream, type PackageMapping } from '../report/upstream-render.js';
import { feedMappingOptions, loadAnalysisData } from '../run/analysis-input.js';
import { startRun } from '../run/context.js';
import { refreshMappedFeeds } from '../run/feed-refresh.js';
import { crawlFirst, queryStore } from '../run/store-access.js';
import type { Store } from '../store/index.js';
import { mapPackage } from '../upstream/mapping.js';
import { feedKey, SOURCE_KINDS, type SourceKind } from '../upstream/types.js';
import { ExitCode } from './exit-codes.js';
import type { PackageFormat } from '../formats/types.js';
import type { UpstreamOptions } from './upstream.js';

/** The distro packages of a profile, best version per name. */
function distroPackages(candidates: readonly Candidate[], format: PackageFormat): Candidate[] {
  return [...bestByName(format, candidates.filter((c) => c.role === 'distro')).values()];
}

export async function runUpstreamCommand(options: UpstreamOptions): Promise<number> {
  const sources = (options.source ?? []) as SourceKind[];
  for (const s of sources) if (!SOURCE_KINDS.includes(s)) throw new UsageError(`unknown source "${s}" (known: ${SOURCE_KINDS.join(', ')})`);
  const run = await startRun(options);
  const code = await queryStore(run, crawlFirst(), async (store) => {
    const now = Date.now();
    const data = loadAnalysisData(store, run.config, run.selectedProfiles, now, { withHistory: false, withUpstreamFeeds: false });
    const perProfile = run.selectedProfiles.map((p) => ({ profile: p, packages: distroPackages(candidatesFor(p, data.input), p.format) }));
    const mapAll = (): PackageMapping[] => {
      const mapping = feedMappingOptions(store, run.config);
      return perProfile.flatMap(({ profile, packages }) =>
        packages.map((pkg) => ({ profile: profile.name, pkg, mapping: mapPackage({ name: pkg.name, sourceName: pkg.sourceName, url: pkg.url, format: profile.format }, mapping) })),
      );
    };
    let mappings = mapAll();
    if (options.explain !== undefined) return explain(options.explain, mappings, store, options);
    const refreshFailed = options.refresh ? await refreshMappedFeeds(run, store, mappings.map((m) => m.mapping), { ...options, sources, now }) : false;
    if (options.refresh) mappings = mapAll(); // projects found missing move the chains on

    const mapping = feedMappingOptions(store, run.config);
    const feeds = store.feedReleases();
    const findings = perProfile.flatMap(({ profile, packages }) =>
      findFeedLag({ profile: profile.name, format: profile.format, candidates: packages, feeds, mapping, now, includePrereleases: options.prereleases === true }).filter(
        (f) => sources.length === 0 || sources.includes(f.upstream.source as SourceKind),
      ),
    );
    const summary = summarizeUpstream(run.selectedProfiles.map((p) => p.name), mappings, sources, feeds, store.feedChecks(), findings, options.top, now);
    if (options.format === 'json') process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else if (!options.quiet) process.stdout.write(renderUpstreamSummary(summary));
    return (options.refresh ? refreshFailed : summary.feeds.failed > 0) ? ExitCode.partial : ExitCode.ok;
  });
  return code ?? ExitCode.partial;
}

/** --explain NAME: how each package of that name (or source name) was mapped, and what its feed says. */
function explain(name: string, mappings: readonly PackageMapping[], store: Store, options: UpstreamOptions): number {
  const hits = mappings.filter((m) => m.pkg.name === name || m.pkg.sourceName === name);
  if (hits.length === 0) {
    process.stderr.write(`repoclash: no distro package named ${name} in the selected profiles\n`);
    return ExitCode.usage;
  }
  const checks = store.feedChecks();
  const feeds = store.feedReleases(hits.flatMap((h) => h.mapping.steps.map((s) => feedKey(s.feed))));
  if (options.format === 'json') {
    process.stdout.write(renderExplainJson(hits, checks));
    return ExitCode.ok;
  }
  const lags = hits.map((h) =>
    h.mapping.feed
      ? findFeedLag({ profile: h.profile, format: h.pkg.format, candidates: [h.pkg], feeds, mapping: {}, now: Date.now(), includePrereleases: options.prereleases === true, explicit: h.mapping.feed })[0]
      : undefined,
  );
  process.stdout.write(renderExplainText(hits, lags, checks, feeds));
  return ExitCode.ok;
}
