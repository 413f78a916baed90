/**
 * The options table: every option more than one command takes is declared here, once, with its
 * type. Numbers go through numeric-options.ts, so no command converts a value itself. Every start
 * of the program loads this table: it imports only leaf modules of constants, never a pipeline
 * stage (test/architecture/startup.test.ts).
 */
import { Command, Option } from 'commander';
import { DEFAULT_WINDOW_DAYS } from '../analysis/defaults.js';
import { SEVERITIES } from '../analysis/findings.js';
import type { Severity } from '../analysis/types.js';
import { DEFAULT_CONCURRENCY } from '../crawl/defaults.js';
import { DEFAULT_FETCH_POLICY } from '../fetch/policy.js';
import { CONCURRENCY, DAYS, numberOption, RETRIES, SECONDS } from './numeric-options.js';

/** What every command that reads repos takes (see addCommonOptions). */
export interface CommonOptions {
  config?: string;
  db?: string;
  cache?: string;
  system?: boolean;
  root?: string;
  profile?: string[];
  repo?: string[];
  quiet?: boolean;
}

/** How a crawl runs: `crawl` itself, and every command that crawls first (see addRefreshOptions). */
export interface CrawlRunOptions {
  accept?: boolean;
  /** commander's --no-wait sets wait=false. */
  wait?: boolean;
  concurrency?: number;
  /** Seconds. */
  timeout?: number;
  retries?: number;
}

/** A command that crawls the repos it reads first: --refresh (host: on unless --no-refresh). */
export interface RefreshOptions extends CrawlRunOptions {
  refresh?: boolean;
}

/** Collect a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((v) => v !== '')];
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

/** --timeout: the per-request timeout of every command that fetches (repos or release feeds). */
export function timeoutOption(): Option {
  return numberOption('--timeout <seconds>', 'per-request response and idle timeout (connect at most 15)', SECONDS, DEFAULT_FETCH_POLICY.responseTimeoutMs / 1000);
}

/** --retries of every command that fetches; `what` names what is retried. */
export function retriesOption(what = 'retries per request on 5xx, resets and timeouts'): Option {
  return numberOption('--retries <n>', what, RETRIES, DEFAULT_FETCH_POLICY.retries);
}

/** --no-wait of every command that takes the crawl lock. */
export function noWaitOption(): Option {
  return new Option('--no-wait', 'exit with code 4 instead of waiting when another crawl holds the store');
}

/** The crawl's own options: `crawl`'s, and under `prefix` ("with --refresh: ") every refreshing command's. */
function addCrawlRunOptions(command: Command, prefix: string): Command {
  return command
    .option('--accept', `${prefix}store metadata even if it went backwards or lost more than half its packages`)
    .addOption(noWaitOption())
    .addOption(numberOption('--concurrency <n>', `${prefix}repos fetched at once`, CONCURRENCY, DEFAULT_CONCURRENCY))
    .addOption(timeoutOption())
    .addOption(retriesOption());
}

export function addCrawlOptions(command: Command): Command {
  return addCrawlRunOptions(command, '');
}

/**
 * --refresh and the crawl's options, the same on every command that crawls before it reads.
 * `byDefault`: the command refreshes unless --no-refresh (host, whose cron run must be current);
 * `what` names the repos reposToRefresh() picks, for --help.
 */
export function addRefreshOptions(command: Command, how: { byDefault?: boolean; what?: string } = {}): Command {
  const what = how.what ?? "the selected profiles' repos (and those of upgrade paths through them)";
  return how.byDefault
    ? addCrawlRunOptions(command.option('--no-refresh', `don't crawl ${what} first; use what the store holds`), 'when refreshing: ')
    : addCrawlRunOptions(command.option('--refresh', `crawl ${what} first`), 'with --refresh: ');
}

/** --format of a command that writes its result to stdout; text is the default. */
export function formatOption<F extends string>(choices: readonly F[], description = 'output format'): Option {
  return new Option('--format <format>', description).choices(choices).default('text');
}

/** --fail-on of the commands whose exit code 1 counts findings. */
export function failOnSeverityOption(): Option {
  return new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(SEVERITIES).default('warning' satisfies Severity);
}

/** --window-days of audit, host and report. */
export function windowDaysOption(): Option {
  return numberOption('--window-days <n>', 'observed ping-pong window in days', DAYS, DEFAULT_WINDOW_DAYS);
}
