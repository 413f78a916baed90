/**
 * `repoclash upstream`: map the selected profiles' distro packages to their upstream release feeds
 * (npm, GitHub, GitLab, PyPI, crates.io, MetaCPAN, Anitya), fetch those feeds with --refresh, and
 * say how far behind the packages are. `--explain NAME` shows how NAME was mapped.
 * Registration only (options and --help); the work is in upstream-action.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import { numberOption, type NumberRule } from '../run/numeric-options.js';
import { addCommonOptions, collect, formatOption, noWaitOption, retriesOption, timeoutOption, type CommonOptions } from '../run/options.js';
import { SOURCE_KINDS } from '../upstream/types.js';

export interface UpstreamOptions extends CommonOptions {
  refresh?: boolean;
  wait?: boolean;
  source?: string[];
  explain?: string;
  prereleases?: boolean;
  format: 'text' | 'json';
  concurrency: number;
  timeout: number;
  retries: number;
  top: number;
  maxAge: number;
}

/** Requests at once per API host: the release APIs are public services used by many. */
const FEED_CONCURRENCY: NumberRule = { integer: true, min: 1, max: 8, what: 'a whole number from 1 to 8 (be polite to the release APIs)' };
const TOP: NumberRule = { integer: true, min: 1, max: 100_000, what: 'a positive whole number' };
const HOURS: NumberRule = { integer: false, min: 0, max: 8760, what: 'a number of hours from 0 to 8760' };

export function registerUpstream(program: Command): void {
  addCommonOptions(program.command('upstream').description("map distro packages to their upstreams' own release feeds and show how far behind they are"))
    .option('--refresh', 'fetch the mapped release feeds first (conditional requests; cached)')
    .option('--source <kinds>', `only feeds of these sources (comma-separated: ${SOURCE_KINDS.join(', ')})`, collect)
    .option('--explain <name>', 'show how NAME was mapped to its feed, and what the feed says')
    .option('--prereleases', 'compare against upstream pre-releases too')
    .addOption(numberOption('--concurrency <n>', 'requests at once per API host (at most 8)', FEED_CONCURRENCY, 4))
    .addOption(timeoutOption())
    .addOption(retriesOption('retries per request on 5xx, 429, resets and timeouts'))
    .addOption(noWaitOption())
    .addOption(numberOption('--top <n>', 'how many of the furthest behind to list', TOP, 10))
    .addOption(numberOption('--max-age <hours>', 'reuse a feed fetched less than this long ago without asking (0: always ask)', HOURS, 6))
    .addOption(formatOption(['text', 'json']))
    .action(async (options: UpstreamOptions) => {
      const { runUpstreamCommand } = await import('./upstream-action.js');
      process.exitCode = await runUpstreamCommand(options);
    });
}
