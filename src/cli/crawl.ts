/** `repoclash crawl`: fetch what changed in the selected repos and store it. */

import { Command, Option } from 'commander';
import { safeJson, safeText } from '../report/sanitize.js';
import { crawlRepos, DEFAULT_CONCURRENCY } from '../crawl/crawl.js';
import type { CrawlContext, RepoOutcome, RepoProgress } from '../crawl/context.js';
import { MetadataCache } from '../fetch/cache.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../fetch/decompress.js';
import { DEFAULT_FETCH_POLICY, HttpClient } from '../fetch/http-client.js';
import { acquireCrawlLock, Store } from '../store/index.js';
import { recordWinners } from '../run/analysis-input.js';
import { ExitCode } from './exit-codes.js';
import { CONCURRENCY, numberOption, RETRIES, SECONDS } from '../run/numeric-options.js';
import { buildRunContext, collect, type CommonOptions, type RunContext } from '../run/context.js';

export interface CrawlOptions extends CommonOptions {
  accept?: boolean;
  wait?: boolean;
  concurrency?: number;
  format?: 'text' | 'json';
  /** Seconds. */
  timeout?: number;
  retries?: number;
}

export function addCommonOptions(command: Command): Command {
  return command
    .option('--config <file>', 'repos.yaml to use (default: ./repos.yaml, ~/.config/repoclash/repos.yaml, the shipped one)')
    .option('--profile <name>', 'only the repos of this profile (repeatable)', collect)
    .option('--repo <id>', 'only this repo (repeatable)', collect)
    .option('--system', "add this host's own repositories (apt sources, yum repos) as profile 'system'")
    .option('--root <dir>', 'read host configuration under this root instead of /')
    .option('--db <file>', 'the store (default: $XDG_DATA_HOME/repoclash/repoclash.db)')
    .option('--cache <dir>', 'the metadata cache (default: $XDG_CACHE_HOME/repoclash)')
    .option('-q, --quiet', 'print nothing but errors');
}

/** --timeout, shared by crawl and host (the commands whose crawl a user tunes). */
export function timeoutOption(): Option {
  return numberOption('--timeout <seconds>', 'per-request response and idle timeout (connect at most 15)', SECONDS, DEFAULT_FETCH_POLICY.responseTimeoutMs / 1000);
}

export function registerCrawl(program: Command): void {
  addCommonOptions(program.command('crawl').description('fetch changed repository metadata and store it'))
    .option('--accept', 'store metadata even if it went backwards or lost more than half its packages')
    .option('--no-wait', 'exit with code 4 instead of waiting when another crawl holds the store')
    .addOption(numberOption('--concurrency <n>', 'repos fetched at once', CONCURRENCY, DEFAULT_CONCURRENCY))
    .addOption(timeoutOption())
    .addOption(numberOption('--retries <n>', 'retries per request on 5xx, resets and timeouts', RETRIES, DEFAULT_FETCH_POLICY.retries))
    .addOption(new Option('--format <format>', 'summary format').choices(['text', 'json']).default('text'))
    .action(async (options: CrawlOptions) => {
      process.exitCode = await runCrawlCommand(options);
    });
}

export async function runCrawlCommand(options: CrawlOptions): Promise<number> {
  const run = await buildRunContext(options);
  const tty = process.stderr.isTTY === true && !options.quiet;
  for (const w of run.warnings) if (!options.quiet) process.stderr.write(`repoclash: ${w}\n`);
  const { outcomes, failedRepos } = await crawlWithLock(run, options, tty);
  if (options.format === 'json') {
    process.stdout.write(safeJson({ schemaVersion: 1, repos: outcomes.map(outcomeJson) }));
  } else if (tty || (!options.quiet && process.stdout.isTTY)) {
    process.stdout.write(summaryTable(outcomes));
  }
  return failedRepos.size > 0 ? ExitCode.partial : ExitCode.ok;
}

/**
 * Take the store lock, crawl, release. Shared with commands that crawl before they analyse
 * (--refresh). Prints one stderr line per failed repo, whatever --quiet says: that line is what
 * exit code 3 promises.
 */
export async function crawlWithLock(
  run: RunContext,
  options: CrawlOptions,
  showProgress: boolean,
): Promise<{ outcomes: RepoOutcome[]; failedRepos: Set<string> }> {
  const release = await acquireCrawlLock(run.dbPath, {
    wait: options.wait !== false,
    onWait: (h) => process.stderr.write(`repoclash: waiting for the crawl of pid ${h.pid} on ${h.hostname} (started ${new Date(h.startedAt).toISOString()}) to finish…\n`),
    onStale: (h) => {
      if (!options.quiet) process.stderr.write(`repoclash: taking over a stale lock left by pid ${h.pid}\n`);
    },
  });
  const store = Store.open({ path: run.dbPath });
  try {
    const seconds = options.timeout ?? DEFAULT_FETCH_POLICY.responseTimeoutMs / 1000;
    const http = new HttpClient({
      ...DEFAULT_FETCH_POLICY,
      retries: options.retries ?? DEFAULT_FETCH_POLICY.retries,
      connectTimeoutMs: Math.min(seconds, 15) * 1000,
      responseTimeoutMs: seconds * 1000,
      idleTimeoutMs: seconds * 1000,
    });
    const progress = showProgress ? new ProgressLine(run.selectedRepos.length) : null;
    const ctx: CrawlContext = {
      http,
      cache: new MetadataCache(run.cacheDir),
      store,
      now: () => Date.now(),
      accept: options.accept === true,
      maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
      maxDownloadBytes: 512 * 1024 * 1024,
      configDir: run.configDir,
      aptRoot: run.root,
      ...(progress ? { onProgress: (id: string, p: RepoProgress) => progress.update(id, p) } : {}),
    };
    const outcomes = await crawlRepos(run.selectedRepos, ctx, options.concurrency ?? DEFAULT_CONCURRENCY);
    progress?.finish();
    const failed = outcomes.filter((o) => o.status === 'failed');
    for (const o of failed) process.stderr.write(`repoclash: ${o.error?.describe() ?? `repo ${o.repoId}: failed`}\n`);
    // Who wins each name, recorded as a history: ping-pong is read from it.
    // Only the names whose versions changed are re-resolved (see recordWinners).
    const changed = new Map(outcomes.filter((o) => o.status === 'changed').map((o) => [o.repoId, o.changedNames ?? []]));
    if (changed.size > 0) recordWinners(store, run.config, ctx.now(), changed);
    return { outcomes, failedRepos: new Set(failed.map((o) => o.repoId)) };
  } finally {
    store.close();
    release();
  }
}

/** One status line on a TTY, rewritten in place: how many repos are done, what the busy ones do. */
class ProgressLine {
  private readonly states = new Map<string, RepoProgress>();
  private done = 0;
  private last = 0;
  constructor(private readonly total: number) {}
  update(id: string, p: RepoProgress): void {
    if (p.phase === 'done') {
      this.done++;
      this.states.delete(id);
    } else this.states.set(id, p);
    const now = Date.now();
    if (now - this.last < 100 && p.phase !== 'done') return;
    this.last = now;
    const busy = [...this.states].map(([rid, s]) => `${rid} ${s.phase}${s.packages ? ` ${s.packages.toLocaleString('en')}` : ''}`);
    const line = `crawl ${this.done}/${this.total}  ${busy.join(' · ')}`;
    const width = process.stderr.columns ?? 100;
    process.stderr.write(`\r\x1b[K${line.length > width - 1 ? line.slice(0, width - 2) + '…' : line}`);
  }
  finish(): void {
    process.stderr.write('\r\x1b[K');
  }
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

