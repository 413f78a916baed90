/** `repoclash host`'s work (registered in host.ts): installed packages, the host's repos, risks, render, exit code. */
import { runAudit } from '../analysis/audit.js';
import { readInstalledDatabase, readInstalledFile } from '../host/installed.js';
import { repoLabel } from '../config/repo-identity.js';
import { ConfigError, UsageError } from '../errors.js';
import { aptDefaultReleaseAvailable } from '../analysis/resolve/apt.js';
import type { AptReleaseFacts } from '../analysis/types.js';
import type { ProfileConfig } from '../config/types.js';
import { buildHostReport } from '../host/risks.js';
import { DEFAULT_FAIL_ON, HOST_RISK_KINDS, type HostReport } from '../host/types.js';
import { renderHostOneline, renderHostText } from '../report/host-render.js';
import { safeJson, safeLine } from '../sanitize.js';
import { loadHostData } from '../run/analysis-input.js';
import { buildRunContext } from '../run/context.js';
import { reportToFleet } from '../run/fleet-report.js';
import { hostRun } from '../run/host-context.js';
import { refreshIfAsked } from '../run/refresh.js';
import { queryStore } from '../run/store-access.js';
import { ExitCode, verdict } from './exit-codes.js';
import { failOnKinds } from './fail-on.js';
import { warnPartialData } from './partial-data.js';
import type { HostOptions } from './host.js';

const CRAWL_FIRST = 'run without --no-refresh (or `repoclash crawl --system`)';

export async function runHostCommand(options: HostOptions): Promise<number> {
  if (options.profile?.length || options.repo?.length) throw new UsageError('host audits the system profile: --profile and --repo do not apply');
  const failOn = failOnKinds(options.failOn, HOST_RISK_KINDS, DEFAULT_FAIL_ON);
  if (options.reportTo === undefined && (options.hostName !== undefined || options.hostGroup !== undefined)) throw new UsageError('--host-name and --host-group apply only with --report-to');
  // The configuration's warnings go into the report (cron mails it), not to stderr.
  const full = await buildRunContext({ ...options, system: true });
  const { run, profile, host } = await hostRun(full, options.installed);
  const warnings = full.warnings.filter((w) => w !== full.skippedReposNote);
  const installed = options.installed ? await readInstalledFile(options.installed) : await readInstalledDatabase(run.root, profile.format);
  warnings.push(...installed.warnings);

  const crawled = await refreshIfAsked(run, options, process.stderr.isTTY === true && !options.quiet && !options.oneline);
  // What the crawl had to say (a key imported, a stale mirror skipped), under the repo's own name.
  const crawlNotes = (crawled?.outcomes ?? []).flatMap((o) => o.notes.map((n) => `repo ${repoLabel(run.config.repos, o.repoId)}: ${n}`));
  const now = Date.now();
  const checked = await queryStore(run, CRAWL_FIRST, (store) => {
    const data = loadHostData(store, run.config, profile, installed.packages, now);
    refuseUnavailableDefaultRelease(profile, data.input.releases);
    const report = buildHostReport({
      profile,
      repos: data.repos,
      releases: data.input.releases,
      installed: installed.packages,
      installedSource: installed.source,
      resolutions: data.resolutions,
      findings: runAudit(data.input, { kinds: ['clash', 'pingpong'], profiles: [profile.name], windowDays: options.windowDays }).findings,
      partialData: data.health.filter((h) => h.missing || h.lastFailure).map((h) => ({ repoId: h.repoId, missing: h.missing, lastFailure: h.lastFailure?.message ?? null })),
      failOn,
      previousState: store.previousHostState(host),
      now,
      skippedRepos: (full.config.skippedRepos ?? []).map((r) => ({ id: r.id, variable: r.variable, file: r.definedAt.file, line: r.definedAt.line ?? null })),
      notes: [...(full.skippedReposNote ? [full.skippedReposNote] : []), ...data.notes],
      crawlNotes,
      warnings,
      dnfFacts: data.dnfFacts,
    });
    // Remembered for the next run: which packages are stranded now (see HostRisk.becameStranded).
    const stranded = new Set(report.packages.filter((p) => p.action === 'stranded').map((p) => `${p.name}\t${p.arch}`));
    store.saveHostState(host, installed.packages.map((p) => ({ name: p.name, arch: p.arch, stranded: stranded.has(`${p.name}\t${p.arch}`) })), now);
    return { report, health: data.health };
  });
  if (!checked) return ExitCode.partial;
  const { report, health } = checked;

  if (report.repoCount > 0 && report.partialData.filter((p) => p.missing).length === report.repoCount) {
    // Without any repo data every package would look stranded: say what is missing instead.
    process.stderr.write(`repoclash: no data for any of the host's ${report.repoCount} repos in ${run.dbPath}: ${CRAWL_FIRST} first\n`);
    return ExitCode.partial;
  }
  if (options.reportTo !== undefined) {
    const reported = await reportToFleet(run, profile, installed.packages, report, { reportTo: options.reportTo, hostName: options.hostName, hostGroup: options.hostGroup }, now);
    if (!options.quiet && process.stderr.isTTY) process.stderr.write(`repoclash: reported ${safeLine(reported.host)} (group ${safeLine(reported.group)}) to ${safeLine(reported.store)}\n`);
  }
  const code = verdict(report.riskyCount > 0, report.partialData.length > 0);
  if (report.partialData.length > 0) warnPartialData(health, crawled?.failedRepos);
  // --quiet: silent when clean, the full story otherwise (cron mails whatever is printed).
  if (!options.quiet || code !== ExitCode.ok) process.stdout.write(renderHost(report, options));
  return code;
}

/**
 * apt refuses every command on a host whose APT::Default-Release names no release of its sources;
 * so does `host`, rather than predict an upgrade apt will not run. Decided only when every repo of
 * the host has Release facts (a repo without data could be the one it names).
 */
function refuseUnavailableDefaultRelease(profile: ProfileConfig, releases: ReadonlyMap<string, AptReleaseFacts>): void {
  const wanted = profile.defaultRelease;
  if (profile.format !== 'deb' || wanted === undefined || wanted === '') return;
  const facts = profile.repos.map((id) => releases.get(id));
  if (!facts.every((f): f is AptReleaseFacts => f !== undefined)) return;
  if (aptDefaultReleaseAvailable(wanted, facts)) return;
  throw new ConfigError(`APT::Default-Release "${wanted}" names no release of this host's sources (archive, codename or version), so apt refuses to run: "The value '${wanted}' is invalid for APT::Default-Release as such a release is not available in the sources"`);
}

function renderHost(report: HostReport, options: HostOptions): string {
  if (options.format === 'json') return safeJson(report);
  if (options.oneline) return renderHostOneline(report);
  return renderHostText(report, { all: options.all === true });
}
