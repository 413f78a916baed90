/** `repoclash report`'s work (registered in report.ts): audit, compare with last week, write the files, mail them, exit code. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runAudit } from '../analysis/audit.js';
import { UsageError } from '../errors.js';
import { buildFleetReport } from '../fleet/analysis.js';
import { DEFAULT_STALE_DAYS, type FleetReport } from '../fleet/types.js';
import { MailSendError, renderEml, resolveSmtpSecrets, sendReportMail } from '../report/email.js';
import { isoWeekOf, parseIsoWeek } from '../report/iso-week.js';
import { buildWeeklyReport, fromStored, reportHeadline, storedWithin, toStored, type ReportScope } from '../report/weekly.js';
import { weeklyCharts } from '../report/weekly-html.js';
import { renderWeeklyFiles, weeklyMailContent, writeWeeklyFiles } from '../report/weekly-output.js';
import { loadAuditData } from '../run/analysis-input.js';
import { startRun, type RunContext } from '../run/context.js';
import { refreshIfAsked } from '../run/refresh.js';
import { crawlFirst, queryStore } from '../run/store-access.js';
import { safeLine } from '../sanitize.js';
import type { Store } from '../store/index.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { warnPartialData } from './partial-data.js';
import type { ReportOptions } from './report.js';

export async function runReportCommand(options: ReportOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const now = Date.now();
  const thisWeek = isoWeekOf(now);
  const week = options.week ?? thisWeek;
  parseIsoWeek(week);
  // ISO weeks sort as text. A future week would become the "previous week" of every real one.
  if (week > thisWeek) throw new UsageError(`--week ${week} is in the future (this week is ${thisWeek})`);
  if (options.dryRun && !options.email) throw new UsageError('--dry-run only applies with --email');
  const run = await startRun(options);
  // Settle the mail settings before doing any work: a config error means nothing was done.
  const email = options.email ? run.config.email : undefined;
  if (options.email && !email) throw new UsageError(`--email needs a report.email section in ${run.configFile}`);
  const secrets = email && !options.dryRun ? resolveSmtpSecrets(email, run.configDir, env) : {};

  const crawled = await refreshIfAsked(run, options);
  const scope = partialScope(run);
  const built = await queryStore(run, crawlFirst('report'), (store) => {
    const data = loadAuditData(store, run.config, run.selectedProfiles, now);
    const audit = runAudit(data.input, { profiles: run.selectedProfiles.map((p) => p.name), windowDays: options.windowDays });
    const stored = store.latestReport(week);
    const full = stored ? fromStored(stored.findings) : null;
    if (stored && !full && !options.quiet) process.stderr.write(`repoclash: the stored report of ${stored.week} has an unknown shape; comparing with nothing\n`);
    const previous = full && scope ? storedWithin(full, scope) : full;
    const report = buildWeeklyReport({ week, now, audit, previous, health: data.health, events: store.repoEvents(), fleet: fleetView(store, now) });
    // Only a report over every profile joins the weekly series the next report compares with.
    if (!scope) store.saveReport(week, toStored(report), now);
    return { report, health: data.health };
  });
  if (!built) return ExitCode.partial;
  const { report, health } = built;

  const outDir = path.resolve(options.out);
  const charts = weeklyCharts(report);
  const written = await writeWeeklyFiles(outDir, week, renderWeeklyFiles(report, charts));
  const say = (line: string) => {
    if (!options.quiet) process.stdout.write(line + '\n');
  };
  say(`${week}: ${reportHeadline(report)}`);
  if (scope) say(`profiles ${run.selectedProfiles.map((p) => p.name).join(', ')} only: compared with the full report of ${report.previousWeek ?? 'no week'}, not stored in the weekly series`);
  for (const f of written) say(`wrote ${f}`);

  if (email && options.dryRun) {
    const file = path.join(outDir, `${week}.eml`);
    await writeFile(file, await renderEml(email, weeklyMailContent(report, charts)));
    say(`wrote ${file} (not sent: --dry-run)`);
  } else if (email) {
    try {
      const sent = await sendReportMail(email, weeklyMailContent(report, charts), secrets);
      say(`mailed to ${sent.accepted.join(', ')}${sent.rejected.length ? ` (rejected: ${sent.rejected.join(', ')})` : ''}`);
    } catch (err) {
      if (!(err instanceof MailSendError)) throw err;
      process.stderr.write(`repoclash: report written to ${outDir} but not mailed: ${safeLine(err.message)}\n`);
      // The unsent mail decides the exit code; what the report lacks is still said.
      if (report.partial) warnPartialData(health, crawled?.failedRepos);
      return exitCodeFor(err);
    }
  }
  if (!report.partial) return ExitCode.ok;
  warnPartialData(health, crawled?.failedRepos);
  return ExitCode.partial;
}

/** The fleet section's data: the view `repoclash fleet` prints with its defaults, or null when no host has reported. */
function fleetView(store: Store, now: number): FleetReport | null {
  const hosts = store.fleetHosts();
  return hosts.length === 0 ? null : buildFleetReport({ hosts, risks: store.fleetRisks(), now, staleDays: DEFAULT_STALE_DAYS });
}

/**
 * With --profile naming fewer than all profiles the report is partial: it must neither replace nor
 * join the weekly series (the next full report would call everything else new). Null for a full one.
 */
function partialScope(run: RunContext): ReportScope | null {
  if (run.selectedProfiles.length === run.config.profiles.size) return null;
  const names = new Set(run.selectedProfiles.map((p) => p.name));
  const paths = run.config.upgradePaths.filter((p) => p.profiles.some((n) => names.has(n))).map((p) => p.name);
  return { scopes: new Set([...names, ...paths]), repos: new Set(run.selectedProfiles.flatMap((p) => p.repos)) };
}
