/**
 * `repoclash check <NAME|FILE>`: the packager's pre-submission check — is the name someone else's,
 * is the version behind upstream, would it break the upgrade path — from what the store holds.
 */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { checkFails, distroRepoOf, runCheck, type CheckResult } from '../check/check.js';
import type { Severity } from '../analysis/types.js';
import { readSubmission } from '../check/inputs.js';
import type { Submission } from '../check/submission.js';
import type { Config, ProfileConfig, RepoFormat } from '../config/types.js';
import { UsageError } from '../errors.js';
import { renderCheckJson, renderCheckJunit, renderCheckText } from '../report/check-render.js';
import { repoHealth } from '../store/health.js';
import { Store } from '../store/index.js';
import { loadAnalysisData } from '../run/analysis-input.js';
import { addCommonOptions, crawlWithLock, type CrawlOptions } from './crawl.js';
import { ExitCode } from './exit-codes.js';
import { warnPartialData } from './partial-data.js';
import { buildRunContext } from '../run/context.js';

export interface CheckOptions extends CrawlOptions {
  version?: string;
  target?: string;
  output?: 'text' | 'json' | 'junit';
  failOn?: Severity;
  refresh?: boolean;
  define?: string[];
}

export function registerCheck(program: Command): void {
  addCommonOptions(
    program
      .command('check')
      .description('before submitting a package: is the name taken by another vendor, is the version behind upstream, does it break the upgrade path')
      .argument('<name-or-file>', 'a package name, a .spec, a built .rpm or .deb, or a debian/ directory (or its control file)'),
  )
    .option('--version <version>', 'the version to check (for a name; overrides a file\'s)')
    .option('--target <profile>', 'the profile the package is submitted to (default: the only profile with a distro repo of its format)')
    .option('--define <macro>', '.spec: an rpm macro definition, e.g. "dist .fc29" (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'junit']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['info', 'warning', 'error']).default('warning'))
    .option('--refresh', 'crawl the configured repos first')
    .action(async (arg: string, options: CheckOptions & { format?: string }) => {
      process.exitCode = await runCheckCommand(arg, { ...options, output: (options.format ?? 'text') as 'text' | 'json' | 'junit', format: 'text' });
    });
}

/** --target, else the single profile with a distro repo of the submission's format. */
export function chooseTarget(config: Config, submission: Submission, explicit: string | undefined): ProfileConfig {
  if (explicit !== undefined) {
    const profile = config.profiles.get(explicit);
    if (!profile) throw new UsageError(`unknown profile "${explicit}" (known: ${[...config.profiles.keys()].join(', ') || 'none'})`);
    return profile;
  }
  const fitting = [...config.profiles.values()].filter((p) => {
    if (submission.format !== null && p.format !== submission.format) return false;
    try {
      distroRepoOf(p, config.repos);
      return true;
    } catch {
      return false;
    }
  });
  if (fitting.length === 1) return fitting[0]!;
  throw new UsageError(
    fitting.length === 0
      ? `no profile has a distro repo${submission.format ? ` of format ${submission.format}` : ''}: add one to the configuration`
      : `several profiles could be the target (${fitting.map((p) => p.name).join(', ')}): choose one with --target`,
  );
}

/**
 * The repos whose data the check relies on: every enabled repo of the submission's format (a name
 * is checked against all of them). Another format's repos are another package manager's names.
 */
function reposRelied(config: Config, format: RepoFormat): string[] {
  return [...config.repos.values()].filter((r) => r.enabled && r.format === format).map((r) => r.id);
}

export async function runCheckCommand(arg: string, options: CheckOptions): Promise<number> {
  const submission = await readSubmission(arg, {
    ...(options.version !== undefined ? { version: options.version } : {}),
    ...(options.define ? { defines: options.define } : {}),
  });
  const run = await buildRunContext(options);
  for (const w of run.warnings) if (!options.quiet) process.stderr.write(`repoclash: ${w}\n`);
  const target = chooseTarget(run.config, submission, options.target);
  if (submission.format !== null && submission.format !== target.format) {
    throw new UsageError(`a ${submission.format} submission cannot be checked against the ${target.format} profile "${target.name}"`);
  }
  const crawled = options.refresh ? await crawlWithLock(run, options, false) : null;
  if (!existsSync(run.dbPath)) {
    process.stderr.write(`repoclash: no store at ${run.dbPath} yet: run \`repoclash crawl\` (or check --refresh) first\n`);
    return ExitCode.partial;
  }
  const store = Store.open({ path: run.dbPath, readonly: true });
  let result: CheckResult;
  let health;
  try {
    const data = loadAnalysisData(store, run.config, [], Date.now());
    health = repoHealth(store, reposRelied(run.config, target.format));
    result = runCheck({
      submission: { ...submission, format: submission.format ?? target.format },
      analysis: data.input,
      target: target.name,
      reposWithoutData: new Set(health.filter((h) => h.missing).map((h) => h.repoId)),
    });
  } finally {
    store.close();
  }
  const failOn = options.failOn ?? 'warning';
  const output = options.output ?? 'text';
  const fails = checkFails(result, failOn);
  if (output === 'json') process.stdout.write(renderCheckJson(result, health));
  else if (output === 'junit') process.stdout.write(renderCheckJunit(result, health, { failOn }));
  else if (!options.quiet || fails) process.stdout.write(renderCheckText(result, health, { failOn }));
  const partial = health.some((h) => h.missing || h.lastFailure !== null);
  if (partial) warnPartialData(health, crawled?.failedRepos);
  if (fails) return ExitCode.findings;
  return partial ? ExitCode.partial : ExitCode.ok;
}

