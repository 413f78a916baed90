/**
 * `repoclash report`: the weekly report. Audits what the store holds, compares with the newest
 * stored report of an earlier week, writes reports/YYYY-Www.{md,html,json,txt}, keeps the report
 * in the store for next week, and with --email sends it (or with --dry-run writes the .eml).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { runAudit } from '../analysis/audit.js';
import type { EmailConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import { MailSendError, renderEml, resolveSmtpSecrets, sendReportMail, type SmtpSecrets } from '../report/email.js';
import { isoWeekOf, parseIsoWeek } from '../report/iso-week.js';
import { buildWeeklyReport, fromStored, reportHeadline, storedWithin, toStored, type ReportScope, type WeeklyReport } from '../report/weekly.js';
import { weeklyCharts } from '../report/weekly-html.js';
import { renderWeeklyFiles, weeklyMailContent, WEEKLY_EXTENSIONS } from '../report/weekly-output.js';
import type { RepoHealth } from '../store/health.js';
import { Store } from '../store/index.js';
import { loadAuditData } from '../run/analysis-input.js';
import { addCommonOptions, crawlWithLock, type CrawlOptions } from './crawl.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { warnPartialData } from './partial-data.js';
import { windowDaysOption } from '../run/numeric-options.js';
import { buildRunContext, reposToRefresh, type RunContext } from '../run/context.js';

export interface ReportOptions extends CrawlOptions {
  week?: string;
  out?: string;
  email?: boolean;
  dryRun?: boolean;
  refresh?: boolean;
  windowDays?: number;
}

export function registerReport(program: Command): void {
  addCommonOptions(program.command('report').description('write the weekly report (new / resolved / ongoing since the last one) and optionally e-mail it'))
    .option('--week <iso-week>', 'the week to report, e.g. 2026-W47 (default: the current one, UTC)')
    .option('--out <dir>', 'where the report files go', 'reports')
    .option('--email', 'send the report to report.email in repos.yaml')
    .option('--dry-run', 'with --email: write the message to OUT/WEEK.eml instead of sending it')
    .option('--refresh', "crawl the profiles' repos first")
    .option('--accept', 'with --refresh: store metadata even if it went backwards')
    .addOption(windowDaysOption())
    .action(async (options: ReportOptions) => {
      process.exitCode = await runReportCommand(options);
    });
}

export async function runReportCommand(options: ReportOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const now = Date.now();
  const thisWeek = isoWeekOf(now);
  const week = options.week ?? thisWeek;
  parseIsoWeek(week);
  // ISO weeks sort as text. A future week would become the "previous week" of every real one.
  if (week > thisWeek) throw new UsageError(`--week ${week} is in the future (this week is ${thisWeek})`);
  if (options.dryRun && !options.email) throw new UsageError('--dry-run only applies with --email');
  const run = await buildRunContext(options);
  for (const w of run.warnings) if (!options.quiet) process.stderr.write(`repoclash: ${w}\n`);

  // Settle the mail settings before doing any work: a config error means nothing was done.
  let email: EmailConfig | undefined;
  let secrets: SmtpSecrets = {};
  if (options.email) {
    email = run.config.email;
    if (!email) throw new UsageError(`--email needs a report.email section in ${run.configFile}`);
    if (!options.dryRun) secrets = resolveSmtpSecrets(email, run.configDir, env);
  }

  const crawled = options.refresh ? await crawlWithLock({ ...run, selectedRepos: reposToRefresh(run) }, options, false) : null;
  if (!existsSync(run.dbPath)) {
    process.stderr.write(`repoclash: no store at ${run.dbPath} yet: run \`repoclash crawl\` (or report --refresh) first\n`);
    return ExitCode.partial;
  }

  const scope = partialScope(run);
  const store = Store.open({ path: run.dbPath });
  let report: WeeklyReport;
  let health: RepoHealth[];
  try {
    const data = loadAuditData(store, run.config, run.selectedProfiles, now);
    health = data.health;
    const audit = runAudit(data.input, { profiles: run.selectedProfiles.map((p) => p.name), ...(options.windowDays !== undefined ? { windowDays: options.windowDays } : {}) });
    const stored = store.latestReport(week);
    const full = stored ? fromStored(stored.findings) : null;
    if (stored && !full && !options.quiet) process.stderr.write(`repoclash: the stored report of ${stored.week} has an unknown shape; comparing with nothing\n`);
    const previous = full && scope ? storedWithin(full, scope) : full;
    report = buildWeeklyReport({ week, now, audit, previous, health: data.health, events: store.repoEvents() });
    // Only a report over every profile joins the weekly series the next report compares with.
    if (!scope) store.saveReport(week, toStored(report), now);
  } finally {
    store.close();
  }

  const outDir = path.resolve(options.out ?? 'reports');
  await mkdir(outDir, { recursive: true });
  const charts = weeklyCharts(report);
  const files = renderWeeklyFiles(report, charts);
  const written: string[] = [];
  for (const ext of WEEKLY_EXTENSIONS) {
    const file = path.join(outDir, `${week}.${ext}`);
    await writeFile(file, files[ext]);
    written.push(file);
  }
  const say = (line: string) => {
    if (!options.quiet) process.stdout.write(line + '\n');
  };
  say(`${week}: ${reportHeadline(report)}`);
  if (scope) say(`profiles ${run.selectedProfiles.map((p) => p.name).join(', ')} only: compared with the full report of ${report.previousWeek ?? 'no week'}, not stored in the weekly series`);
  for (const f of written) say(`wrote ${f}`);

  if (email) {
    const content = weeklyMailContent(report, charts);
    if (options.dryRun) {
      const file = path.join(outDir, `${week}.eml`);
      await writeFile(file, await renderEml(email, content));
      say(`wrote ${file} (not sent: --dry-run)`);
    } else {
      try {
        const sent = await sendReportMail(email, content, secrets);
        say(`mailed to ${sent.accepted.join(', ')}${sent.rejected.length ? ` (rejected: ${sent.rejected.join(', ')})` : ''}`);
      } catch (err) {
        if (!(err instanceof MailSendError)) throw err;
        process.stderr.write(`repoclash: report written to ${outDir} but not mailed: ${err.message}\n`);
        return exitCodeFor(err);
      }
    }
  }
  if (!report.partial) return ExitCode.ok;
  warnPartialData(health, crawled?.failedRepos);
  return ExitCode.partial;
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
