/**
 * `repoclash audit`: every finding for the configured profiles, from what the store holds.
 * Registration only (options and --help); the work is in audit-action.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import { FINDING_KINDS } from '../analysis/findings.js';
import type { Severity } from '../analysis/types.js';
import { addCommonOptions, addRefreshOptions, collect, failOnSeverityOption, formatOption, windowDaysOption, type CommonOptions, type RefreshOptions } from '../run/options.js';

export interface AuditOptions extends CommonOptions, RefreshOptions {
  kind?: string[];
  failOn: Severity;
  windowDays: number;
  format: 'text' | 'json' | 'markdown';
  all?: boolean;
  prereleases?: boolean;
}

export function registerAudit(program: Command): void {
  addRefreshOptions(addCommonOptions(program.command('audit').description('report clashes, ping-pong, rollbacks, upgrade-path regressions and lag')))
    .option('--kind <kinds>', `only these kinds (comma-separated: ${FINDING_KINDS.join(', ')})`, collect)
    .addOption(formatOption(['text', 'json', 'markdown']))
    .addOption(failOnSeverityOption())
    .option('--all', 'text/markdown: list info findings too (otherwise only counted)')
    .addOption(windowDaysOption())
    .option('--prereleases', 'lag: count upstream pre-releases (alpha, beta, rc) too')
    .action(async (options: AuditOptions) => {
      const { runAuditCommand } = await import('./audit-action.js');
      process.exitCode = await runAuditCommand(options);
    });
}
