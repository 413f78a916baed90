/** `repoclash check`'s work (registered in check.ts): read the submission, choose the target, run the checks, render, exit code. */
import { checkFails, runCheck } from '../check/check.js';
import { distroRepoOf } from '../check/context.js';
import { readSubmission } from '../check/inputs.js';
import type { Submission } from '../check/submission.js';
import type { Config, ProfileConfig } from '../config/types.js';
import type { PackageFormat } from '../formats/types.js';
import { UsageError } from '../errors.js';
import { renderCheckJson, renderCheckJunit, renderCheckText } from '../report/check-render.js';
import { healthOf, loadAnalysisData } from '../run/analysis-input.js';
import { startRun } from '../run/context.js';
import { refreshIfAsked } from '../run/refresh.js';
import { crawlFirst, queryStore } from '../run/store-access.js';
import { ExitCode, verdict } from './exit-codes.js';
import { warnPartialData } from './partial-data.js';
import type { CheckOptions } from './check.js';

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
function reposRelied(config: Config, format: PackageFormat): string[] {
  return [...config.repos.values()].filter((r) => r.enabled && r.format === format).map((r) => r.id);
}

export async function runCheckCommand(arg: string, options: CheckOptions): Promise<number> {
  const submission = await readSubmission(arg, { ...(options.version !== undefined ? { version: options.version } : {}), ...(options.define ? { defines: options.define } : {}) });
  const run = await startRun(options);
  const target = chooseTarget(run.config, submission, options.target);
  if (submission.format !== null && submission.format !== target.format) {
    throw new UsageError(`a ${submission.format} submission cannot be checked against the ${target.format} profile "${target.name}"`);
  }
  const crawled = await refreshIfAsked(run, options);
  const checked = await queryStore(run, crawlFirst('check'), (store) => {
    const { health, partial } = healthOf(store, reposRelied(run.config, target.format));
    const result = runCheck({
      submission: { ...submission, format: submission.format ?? target.format },
      analysis: loadAnalysisData(store, run.config, [], Date.now()).input,
      target: target.name,
      reposWithoutData: new Set(health.filter((h) => h.missing).map((h) => h.repoId)),
    });
    return { result, health, partial };
  }, { readonly: true });
  if (!checked) return ExitCode.partial;
  const { result, health, partial } = checked;
  const fails = checkFails(result, options.failOn);
  if (options.format === 'json') process.stdout.write(renderCheckJson(result, health));
  else if (options.format === 'junit') process.stdout.write(renderCheckJunit(result, health, { failOn: options.failOn }));
  else if (!options.quiet || fails) process.stdout.write(renderCheckText(result, health, { failOn: options.failOn }));
  if (partial) warnPartialData(health, crawled?.failedRepos);
  return verdict(fails, partial);
}
