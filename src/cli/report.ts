/**
 * `repoclash report`: the weekly report. Audits what the store holds, compares with the newest
 * stored report of an earlier week, writes reports/YYYY-Www.{md,html,json,txt}, keeps the report
 * in the store for next week, and with --email sends it (or with --dry-run writes the .eml).
 * Registration only (options and --help); the work is in report-action.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import { addCommonOptions, addRefreshOptions, windowDaysOption, type CommonOptions, type RefreshOptions } from '../run/options.js';

export interface ReportOptions extends CommonOptions, RefreshOptions {
  week?: string;
  out: string;
  email?: boolean;
  dryRun?: boolean;
  windowDays: number;
}

export function registerReport(program: Command): void {
  addRefreshOptions(addCommonOptions(program.command('report').description('write the weekly report (new / resolved / ongoing since the last one) and optionally e-mail it')))
    .option('--week <iso-week>', 'the week to report, e.g. 2026-W47 (default: the current one, UTC)')
    .option('--out <dir>', 'where the report files go', 'reports')
    .option('--email', 'send the report to report.email in repos.yaml')
    .option('--dry-run', 'with --email: write the message to OUT/WEEK.eml instead of sending it')
    .addOption(windowDaysOption())
    .action(async (options: ReportOptions) => {
      const { runReportCommand } = await import('./report-action.js');
      process.exitCode = await runReportCommand(options);
    });
}
