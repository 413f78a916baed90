/**
 * `repoclash host`: before `dnf upgrade` / `apt upgrade`, which installed packages would move to
 * another vendor, be downgraded, or are stranded — from this host's own repo configuration (the
 * `system` profile) and its package database, or a list exported from another host.
 */
import { existsSync, readFileSync } from 'node:fs';
import { safeJson } from '../report/sanitize.js';
import path from 'node:path';
import { Command, Option } from 'commander';
import { runAudit } from '../analysis/audit.js';
import { readInstalledDatabase, readInstalledFile, type InstalledList } from '../host/installed.js';
import { repoLabel } from '../config/repo-identity.js';
import type { Config, ProfileConfig, RepoConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import { loadHostData } from '../host/load.js';
import { buildHostReport } from '../host/risks.js';
import { DEFAULT_FAIL_ON, HOST_RISK_KINDS, type HostReport, type HostRiskKind } from '../host/types.js';
import { renderHostOneline, renderHostText } from '../report/host-render.js';
import type { RepoHealth } from '../store/health.js';
import { Store } from '../store/index.js';
import { addCommonOptions, crawlWithLock, timeoutOption, type CrawlOptions } from './crawl.js';
import { ExitCode } from './exit-codes.js';
import { warnPartialData } from './partial-data.js';
import { windowDaysOption } from '../run/numeric-options.js';
import { buildRunContext, collect, type RunContext } from '../run/context.js';

export interface HostOptions extends CrawlOptions {
  installed?: string;
  /** commander's --no-refresh sets refresh=false. */
  refresh?: boolean;
  output?: 'text' | 'json';
  oneline?: boolean;
  failOn?: string[];
  all?: boolean;
  windowDays?: number;
}

export function registerHost(program: Command): void {
  addCommonOptions(program.command('host').description("before an upgrade: installed packages that would change vendor, be downgraded, or are stranded"))
    .option('--installed <file>', 'read the installed packages from this exported list instead of the local rpm/dpkg database')
    .option('--no-refresh', "don't crawl the host's repos first; use what the store holds")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--oneline', 'one summary line (for motd)')
    .option('--fail-on <kinds>', `exit 1 when a package has one of these (comma-separated: ${HOST_RISK_KINDS.join(', ')}; default ${DEFAULT_FAIL_ON.join(',')})`, collect)
    .option('--all', 'text: list same-vendor upgrades too')
    .addOption(windowDaysOption())
    .addOption(timeoutOption())
    .option('--no-wait', 'exit with code 4 instead of waiting when a crawl holds the store')
    .action(async (options: HostOptions & { format?: string }) => {
      process.exitCode = await runHostCommand({ ...options, output: (options.format ?? 'text') as 'text' | 'json', format: 'text' });
    });
}

function failOnKinds(given: string[] | undefined): HostRiskKind[] {
  if (!given || given.length === 0) return [...DEFAULT_FAIL_ON];
  for (const k of given) if (!HOST_RISK_KINDS.includes(k as HostRiskKind)) throw new UsageError(`--fail-on: unknown kind "${k}" (known: ${HOST_RISK_KINDS.join(', ')})`);
  return given as HostRiskKind[];
}

/** The configuration narrowed to the host's profile: analysis and winner recording stay small. */
function systemOnly(run: RunContext, host: string): { config: Config; profile: ProfileConfig } {
  const system = run.config.profiles.get('system');
  if (!system) throw new UsageError(`no repositories configured under ${run.root} (${run.warnings.join('; ') || 'no system profile'})`);
  // Winners are recorded per host: hosts sharing a store must not see each other's as flips.
  const profile = { ...system, name: `system@${host}` };
  const repos = new Map(profile.repos.map((id) => [id, run.config.repos.get(id)!]));
  return { config: { ...run.config, repos, profiles: new Map([[profile.name, profile]]), upgradePaths: [] }, profile };
}

export async function runHostCommand(options: HostOptions): Promise<number> {
  if (options.profile?.length || options.repo?.length) throw new UsageError('host audits the system profile: --profile and --repo do not apply');
  const failOn = failOnKinds(options.failOn);
  const run = await buildRunContext({ ...options, system: true });
  const host = hostKey(run.root, options.installed);
  const { config, profile } = systemOnly(run, host);
  adoptLegacyRepoIds(run.dbPath, [...config.repos.values()], run.config);
  const warnings = run.warnings.filter((w) => w !== run.skippedReposNote);
  const skippedRepos = (run.config.skippedRepos ?? []).map((r) => ({ id: r.id, variable: r.variable, file: r.definedAt.file, line: r.definedAt.line ?? null }));

  const installed: InstalledList = options.installed ? await readInstalledFile(options.installed) : await readInstalledDatabase(run.root, profile.format);
  warnings.push(...installed.warnings);

  let crawled: Set<string> | undefined;
  const crawlNotes: string[] = [];
  if (options.refresh !== false) {
    const selectedRepos = [...config.repos.values()].filter((r) => r.enabled);
    const showProgress = process.stderr.isTTY === true && !options.quiet && !options.oneline;
    const result = await crawlWithLock({ ...run, config, selectedRepos }, options, showProgress);
    crawled = result.failedRepos;
    // What the crawl had to say (a key imported, a stale mirror skipped), under the repo's own name.
    for (const o of result.outcomes) for (const n of o.notes) crawlNotes.push(`repo ${repoLabel(config.repos, o.repoId)}: ${n}`);
  }
  if (!existsSync(run.dbPath)) {
    process.stderr.write(`repoclash: no store at ${run.dbPath} yet: run without --no-refresh (or \`repoclash crawl --system\`) first\n`);
    return ExitCode.partial;
  }

  const now = Date.now();
  const store = Store.open({ path: run.dbPath });
  let report: HostReport;
  let health: RepoHealth[];
  try {
    const data = loadHostData(store, config, profile, installed.packages, now);
    health = data.health;
    const findings = runAudit(data.input, { kinds: ['clash', 'pingpong'], profiles: [profile.name], ...(options.windowDays !== undefined ? { windowDays: options.windowDays } : {}) }).findings;
    report = buildHostReport({
      profile,
      repos: data.repos,
      releases: data.input.releases,
      installed: installed.packages,
      installedSource: installed.source,
      resolutions: data.resolutions,
      findings,
      partialData: data.health.filter((h) => h.missing || h.lastFailure).map((h) => ({ repoId: h.repoId, missing: h.missing, lastFailure: h.lastFailure?.message ?? null })),
      failOn,
      previousState: store.previousHostState(host),
      now,
      skippedRepos,
      notes: run.skippedReposNote ? [run.skippedReposNote] : [],
      crawlNotes,
      warnings,
      dnfFacts: data.dnfFacts,
    });
    // Remembered for the next run: which packages are stranded now (see HostRisk.becameStranded).
    const stranded = new Set(report.packages.filter((p) => p.action === 'stranded').map((p) => `${p.name}\t${p.arch}`));
    store.saveHostState(host, installed.packages.map((p) => ({ name: p.name, arch: p.arch, stranded: stranded.has(`${p.name}\t${p.arch}`) })), now);
  } finally {
    store.close();
  }

  if (report.repoCount > 0 && report.partialData.filter((p) => p.missing).length === report.repoCount) {
    // Without any repo data every package would look stranded: say what is missing instead.
    process.stderr.write(`repoclash: no data for any of the host's ${report.repoCount} repos in ${run.dbPath}: run without --no-refresh (or \`repoclash crawl --system\`) first\n`);
    return ExitCode.partial;
  }
  const code = report.riskyCount > 0 ? ExitCode.findings : report.partialData.length > 0 ? ExitCode.partial : ExitCode.ok;
  if (report.partialData.length > 0) warnPartialData(health, crawled);
  // --quiet: silent when clean, the full story otherwise (cron mails whatever is printed).
  if (!options.quiet || code !== ExitCode.ok) process.stdout.write(renderHost(report, options));
  return code;
}

/**
 * Stores written before repos were identified by their location hold a host's repos under their
 * section names (apt: the derived `apt:…` id). The first run that meets such a repo under its new
 * id takes that history over, once; a repos.yaml repo of the same name is never taken.
 */
function adoptLegacyRepoIds(dbPath: string, repos: readonly RepoConfig[], full: Config): void {
  const legacy = repos.filter((r) => r.label !== undefined && r.label !== r.id && !full.repos.has(r.label));
  if (legacy.length === 0 || !existsSync(dbPath)) return;
  const store = Store.open({ path: dbPath });
  try {
    for (const r of legacy) if (!store.hasRepo(r.id) && store.hasRepo(r.label!)) store.renameRepo(r.label!, r.id);
  } finally {
    store.close();
  }
}

/**
 * Which host a run describes, for its state in a store many hosts may share: the root's
 * /etc/machine-id when it has one, else the root's path; an exported list is its own host.
 */
function hostKey(root: string, installedFile: string | undefined): string {
  if (installedFile) return `installed:${path.resolve(installedFile)}`;
  try {
    const id = readFileSync(path.join(root, 'etc/machine-id'), 'utf8').trim();
    if (/^[0-9a-f]{32}$/.test(id)) return `machine-id:${id}`;
  } catch {
    // No machine-id (a chroot, an installroot): the root's path names it.
  }
  return `root:${root}`;
}

function renderHost(report: HostReport, options: HostOptions): string {
  if (options.output === 'json') return safeJson(report);
  if (options.oneline) return renderHostOneline(report);
  return renderHostText(report, { all: options.all === true });
}
