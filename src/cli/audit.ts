/** `repoclash audit`: every finding for the configured profiles, from what the store holds. */
import { existsSync } from 'node:fs';
import { safeJson } from '../report/sanitize.js';
import { Command, Option } from 'commander';
import { runAudit, type AuditResult } from '../analysis/audit.js';
import { atOrAbove, FINDING_KINDS } from '../analysis/findings.js';
import type { FindingKind, Severity } from '../analysis/types.js';
import { UsageError } from '../errors.js';
import { renderAuditMarkdown, renderAuditText } from '../report/audit-render.js';
import { Store } from '../store/index.js';
import { loadAuditData } from '../run/analysis-input.js';
import { addCommonOptions, crawlWithLock, type CrawlOptions } from './crawl.js';
import { ExitCode } from './exit-codes.js';
import { warnPartialData } from './partial-data.js';
import { windowDaysOption } from '../run/numeric-options.js';
import { buildRunContext, collect, reposToRefresh } from '../run/context.js';

export interface AuditOptions extends CrawlOptions {
  kind?: string[];
  failOn?: Severity;
  refresh?: boolean;
  windowDays?: number;
  format?: 'text' | 'json';
  output?: 'text' | 'json' | 'markdown';
  all?: boolean;
  prereleases?: boolean;
}

export function registerAudit(program: Command): void {
  addCommonOptions(program.command('audit').description('report clashes, ping-pong, rollbacks, upgrade-path regressions and lag'))
    .option('--kind <kinds>', `only these kinds (comma-separated: ${FINDING_KINDS.join(', ')})`, collect)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['info', 'warning', 'error']).default('warning'))
    .option('--refresh', 'crawl the profiles\' repos first')
    .option('--all', 'text/markdown: list info findings too (otherwise only counted)')
    .addOption(windowDaysOption())
    .option('--prereleases', 'lag: count upstream pre-releases (alpha, beta, rc) too')
    .option('--accept', 'with --refresh: store metadata even if it went backwards')
    .action(async (options: AuditOptions & { format?: string }) => {
      process.exitCode = await runAuditCommand({ ...options, output: (options.format ?? 'text') as 'text' | 'json' | 'markdown', format: 'text' });
    });
}

export async function runAuditCommand(options: AuditOptions): Promise<number> {
  const kinds = (options.kind ?? []) as FindingKind[];
  for (const k of kinds) if (!FINDING_KINDS.includes(k)) throw new UsageError(`unknown kind "${k}" (known: ${FINDING_KINDS.join(', ')})`);
  const run = await buildRunContext(options);
  for (const w of run.warnings) if (!options.quiet) process.stderr.write(`repoclash: ${w}\n`);
  const crawled = options.refresh ? await crawlWithLock({ ...run, selectedRepos: reposToRefresh(run) }, options, false) : null;
  if (!existsSync(run.dbPath)) {
    process.stderr.write(`repoclash: no store at ${run.dbPath} yet: run \`repoclash crawl\` (or audit --refresh) first\n`);
    return ExitCode.partial;
  }
  const store = Store.open({ path: run.dbPath });
  let result: AuditResult;
  let data;
  try {
    data = loadAuditData(store, run.config, run.selectedProfiles, Date.now(), { includePrereleases: options.prereleases === true });
    result = runAudit(data.input, {
      ...(kinds.length ? { kinds } : {}),
      profiles: run.selectedProfiles.map((p) => p.name),
      ...(options.windowDays !== undefined ? { windowDays: options.windowDays } : {}),
    });
  } finally {
    store.close();
  }
  const health = data.health;
  const output = options.output ?? 'text';
  const renderOptions = { all: options.all === true, failOn: options.failOn ?? 'warning' };
  if (output === 'json') {
    process.stdout.write(safeJson({ ...result, partialData: health.filter((h) => h.missing || h.lastFailure) }));
  } else if (!options.quiet || result.findings.some((f) => atOrAbove(f.severity, options.failOn ?? 'warning'))) {
    process.stdout.write(output === 'markdown' ? renderAuditMarkdown(result, health, renderOptions) : renderAuditText(result, health, renderOptions));
  }
  if (data.partial) warnPartialData(health, crawled?.failedRepos);
  if (result.findings.some((f) => atOrAbove(f.severity, options.failOn ?? 'warning'))) return ExitCode.findings;
  return data.partial ? ExitCode.partial : ExitCode.ok;
}
