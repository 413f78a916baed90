/** `repoclash crawl`'s work (registered in crawl.ts): crawl with the lock, print the summary, exit code. */
import type { RepoOutcome } from '../crawl/context.js';
import { safeJson, safeText } from '../sanitize.js';
import { startRun } from '../run/context.js';
import { crawlWithLock } from '../run/refresh.js';
import { ExitCode } from './exit-codes.js';
import type { CrawlOptions } from './crawl.js';

export async function runCrawlCommand(options: CrawlOptions): Promise<number> {
  const run = await startRun(options);
  const tty = process.stderr.isTTY === true && !options.quiet;
  const { outcomes, failedRepos } = await crawlWithLock(run, run.selectedRepos, options, tty);
  if (options.format === 'json') {
    process.stdout.write(safeJson({ schemaVersion: 1, repos: outcomes.map(outcomeJson) }));
  } else if (tty || (!options.quiet && process.stdout.isTTY)) {
    process.stdout.write(summaryTable(outcomes));
  }
  return failedRepos.size > 0 ? ExitCode.partial : ExitCode.ok;
}

export function summaryTable(outcomes: readonly RepoOutcome[]): string {
  const rows = outcomes.map((o) => [
    o.repoId,
    o.status === 'failed' ? '-' : o.packages.toLocaleString('en'),
    o.status,
    o.status === 'changed' ? `+${o.added} −${o.removed}` : '',
    `${(o.ms / 1000).toFixed(1)} s`,
  ]);
  const header = ['repo', 'packages', 'status', 'versions', 'time'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const notes = outcomes.flatMap((o) => o.notes.map((n) => `note: ${o.repoId}: ${n}`));
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const totals = `${outcomes.length} repos: ${outcomes.filter((o) => o.status === 'changed').length} changed, ${outcomes.filter((o) => o.status === 'unchanged').length} unchanged, ${failed} failed`;
  return safeText([fmt(header), ...rows.map(fmt), '', totals, ...notes, ''].join('\n'));
}

function outcomeJson(o: RepoOutcome) {
  return {
    repo: o.repoId,
    status: o.status,
    packages: o.packages,
    added: o.added,
    removed: o.removed,
    seconds: Math.round(o.ms) / 1000,
    notes: o.notes,
    ...(o.error ? { error: { kind: o.error.kind, message: o.error.describe(), file: o.error.file ?? null } } : {}),
  };
}

